namespace MessageContracts;

/// <summary>The outcome of a delivered message: the ID it carries and where Kafka stored it.</summary>
/// <param name="MessageId">The message's unique ID (<c>ce_id</c>).</param>
/// <param name="Topic">The topic written to.</param>
/// <param name="Partition">The partition written to.</param>
/// <param name="Offset">The offset Kafka assigned.</param>
public readonly record struct PublishResult(string MessageId, string Topic, int Partition, long Offset);
