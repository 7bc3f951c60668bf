using Confluent.Kafka;

namespace MessageContracts.Testing.Kafka;

/// <summary>
/// Creates topics on an <see cref="EmbeddedKafka"/> through the mock cluster's own call (rd_kafka_mock_topic_create):
/// librdkafka's mock does not implement the admin API's CreateTopics (an admin client waits for a controller until it
/// times out), so the toolkit's topic provisioning goes through here when <c>UseEmbeddedKafka</c> configured it.
/// </summary>
/// <remarks>
/// A topic without a partition count or replication factor gets the mock's own defaults for auto-created topics:
/// 4 partitions, and up to 3 replicas.
/// </remarks>
internal sealed class EmbeddedKafkaTopicCreator(EmbeddedKafka kafka) : ITopicCreator
{
    private const int MockDefaultPartitions = 4;
    private const int MockMaxDefaultReplicas = 3;

    public Task<IReadOnlyList<TopicOutcome>> CreateAsync(
        IReadOnlyList<string> topics, int? partitions, short? replicationFactor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcomes = new List<TopicOutcome>(topics.Count);
        foreach (var topic in topics)
        {
            try
            {
                kafka.CreateTopic(topic, partitions ?? MockDefaultPartitions, replicationFactor ?? Math.Min(MockMaxDefaultReplicas, kafka.BrokerCount));
                outcomes.Add(new TopicOutcome(topic, TopicOutcomeKind.Created));
            }
            catch (KafkaException exception) when (exception.Error.Code == ErrorCode.TopicAlreadyExists)
            {
                outcomes.Add(new TopicOutcome(topic, TopicOutcomeKind.Existed));
            }
            catch (Exception exception) when (exception is KafkaException or ArgumentException or ObjectDisposedException)
            {
                outcomes.Add(new TopicOutcome(topic, TopicOutcomeKind.Failed, exception.Message));
            }
        }

        return Task.FromResult<IReadOnlyList<TopicOutcome>>(outcomes);
    }
}
