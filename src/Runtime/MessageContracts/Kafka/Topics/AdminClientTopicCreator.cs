using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace MessageContracts;

/// <summary>
/// Creates topics with the Kafka admin API: lists the cluster's topics first and sends CreateTopics only for the missing
/// ones, so a service whose topics exist needs no permission to create any. The client is configured from the options'
/// bootstrap servers and producer settings (which carry the security settings).
/// </summary>
internal sealed class AdminClientTopicCreator(MessageContractsOptions options) : ITopicCreator
{
    public async Task<IReadOnlyList<TopicOutcome>> CreateAsync(
        IReadOnlyList<string> topics, int? partitions, short? replicationFactor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var admin = Build();

            // Every topic of the cluster: a metadata request naming topics could auto-create them with the broker's defaults.
            var metadata = await Task.Run(() => admin.GetMetadata(timeout), cancellationToken).ConfigureAwait(false);
            var existing = metadata.Topics.Where(t => !t.Error.IsError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
            var missing = topics.Where(topic => !existing.Contains(topic)).ToList();
            var outcomes = topics.Where(existing.Contains).Select(topic => new TopicOutcome(topic, TopicOutcomeKind.Existed)).ToList();
            if (missing.Count == 0)
            {
                return outcomes;
            }

            try
            {
                await admin.CreateTopicsAsync(
                    missing.Select(topic => new TopicSpecification
                    {
                        Name = topic,
                        NumPartitions = partitions ?? -1, // -1: the broker's default (Kafka 2.4 and later)
                        ReplicationFactor = replicationFactor ?? -1,
                    }),
                    new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout }).ConfigureAwait(false);
                outcomes.AddRange(missing.Select(topic => new TopicOutcome(topic, TopicOutcomeKind.Created)));
            }
            catch (CreateTopicsException exception)
            {
                outcomes.AddRange(exception.Results.Select(result => Outcome(result.Topic, result.Error)));
            }
            catch (KafkaException exception)
            {
                // The request as a whole failed (no controller in time, say): the missing topics stay missing.
                outcomes.AddRange(missing.Select(topic => Outcome(topic, exception.Error)));
            }

            return outcomes;
        }
        catch (KafkaException exception)
        {
            return [.. topics.Select(topic => Outcome(topic, exception.Error))];
        }
    }

    private static TopicOutcome Outcome(string topic, Error error) => error.Code switch
    {
        ErrorCode.NoError => new TopicOutcome(topic, TopicOutcomeKind.Created),
        ErrorCode.TopicAlreadyExists => new TopicOutcome(topic, TopicOutcomeKind.Existed),
        ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed => new TopicOutcome(topic, TopicOutcomeKind.NotAuthorized, $"{error.Code}: {error.Reason}"),
        _ => new TopicOutcome(topic, TopicOutcomeKind.Failed, $"{error.Code}: {error.Reason}"),
    };

    private IAdminClient Build()
    {
        var config = new AdminClientConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ServiceName + "-topics",
        };

        // The producer's settings carry what any client of this cluster needs (security, timeouts).
        foreach (var setting in options.UserProducerSettings())
        {
            config.Set(setting.Key, setting.Value);
        }

        return new AdminClientBuilder(config).Build();
    }
}
