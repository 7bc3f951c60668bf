namespace MessageContracts;

/// <summary>
/// One outbox row: a serialized message with its final Kafka key and headers, in enqueue order. An
/// <see cref="IOutboxStore"/> stores it as given and returns it unchanged from a lease, with the sequence it assigned.
/// </summary>
/// <param name="Sequence">The row's place in the outbox (assigned by the store on insert; 0 before the insert).</param>
/// <param name="MessageId">The <c>ce_id</c>, fixed at enqueue time.</param>
/// <param name="MessageType">The <c>ce_type</c>.</param>
/// <param name="Topic">The Kafka topic.</param>
/// <param name="Key">The Kafka key (UTF-8 of the <c>[PartitionKey]</c> value), or null.</param>
/// <param name="Value">The UTF-8 JSON payload.</param>
/// <param name="Headers">The Kafka headers in the toolkit's own encoding: opaque to a store, which keeps the bytes unchanged.</param>
/// <param name="Bucket">
/// The key's bucket, 0 to <see cref="OutboxBuckets.Count"/> - 1: rows of one bucket are relayed by one relay at a time,
/// in sequence order.
/// </param>
/// <param name="CreatedAt">When the row was enqueued.</param>
public sealed record OutboxMessage(
    long Sequence,
    string MessageId,
    string MessageType,
    string Topic,
    byte[]? Key,
    byte[] Value,
    byte[] Headers,
    int Bucket,
    DateTimeOffset CreatedAt);
