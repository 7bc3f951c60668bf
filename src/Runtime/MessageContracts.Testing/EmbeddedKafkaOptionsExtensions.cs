namespace MessageContracts.Testing;

/// <summary>Points MessageContracts at an <see cref="EmbeddedKafka"/>.</summary>
public static class EmbeddedKafkaOptionsExtensions
{
    /// <summary>
    /// Sets <see cref="MessageContractsOptions.BootstrapServers"/> to the embedded cluster and adds the client
    /// settings that suit librdkafka's mock cluster (settings already present are left as they are).
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
        foreach (var setting in kafka.RecommendedClientSettings)
        {
            options.ConsumerSettings.TryAdd(setting.Key, setting.Value);
        }

        // The mock re-forms a group only after the session timeout (minus a second) once its last member
        // left; a short one keeps restarts in tests and local runs quick.
        options.ConsumerSettings.TryAdd("session.timeout.ms", "6000");
        options.ConsumerSettings.TryAdd("heartbeat.interval.ms", "1000");
        return options;
    }
}
