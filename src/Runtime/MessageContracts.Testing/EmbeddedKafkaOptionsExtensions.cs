using MessageContracts.Testing.Kafka;

namespace MessageContracts.Testing;

/// <summary>Points MessageContracts at an <see cref="EmbeddedKafka"/>.</summary>
public static class EmbeddedKafkaOptionsExtensions
{
    /// <summary>
    /// Sets <see cref="MessageContractsOptions.BootstrapServers"/> to the embedded cluster and adds the client
    /// settings that suit librdkafka's mock cluster (settings already present are left as they are), and creates the
    /// topics the service needs (<see cref="MessageContractsOptions.TopicProvisioning"/>) the way the mock can.
    /// These are settings of the embedded defaults only; a real cluster needs none of them.
    /// </summary>
    /// <param name="options">The options being configured in <c>AddMessageContracts</c>.</param>
    /// <param name="kafka">The started embedded cluster.</param>
    /// <returns>The same options, for chaining.</returns>
    public static MessageContractsOptions UseEmbeddedKafka(this MessageContractsOptions options, EmbeddedKafka kafka)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kafka);

        options.BootstrapServers = kafka.BootstrapServers;

        // The mock cluster cannot create topics through the admin API: topic provisioning uses its own call instead.
        options.TopicCreator = new EmbeddedKafkaTopicCreator(kafka);
        // The recommended settings are consumer settings (fetch wait, session timeout, metadata refresh);
        // given to the producer, librdkafka would only warn that it ignores them.
        foreach (var setting in kafka.RecommendedClientSettings)
        {
            options.ConsumerSettings.TryAdd(setting.Key, setting.Value);
        }

        return options;
    }
}
