namespace MessageContracts;

/// <summary>
/// Creating the topics a service needs before it needs them (<see cref="MessageContractsOptions.TopicProvisioning"/>).
/// At startup, before the consumer subscribes, the topics of every contract the service handles and their dead-letter
/// topics are created when missing; a topic the service only publishes to is created before its first message. A topic
/// that already exists is left as it is.
/// </summary>
/// <remarks>
/// Without it, a consumer that subscribes before a producer first writes to a topic finds no topic, and librdkafka
/// looks again only at its next metadata refresh. Turn it off (<see cref="Enabled"/>) on clusters where the application
/// may not create topics and they are created beforehand; a missing permission is logged as an error saying so.
/// </remarks>
public sealed class TopicProvisioningOptions
{
    /// <summary>Whether missing topics are created. Defaults to <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The number of partitions of a created topic; <see langword="null"/> (the default) takes the cluster's default
    /// (the broker setting <c>num.partitions</c>; 4 on the embedded Kafka). Partitions are the unit of parallelism:
    /// a consumer group handles at most this many of a topic's records at once.
    /// </summary>
    public int? Partitions { get; set; }

    /// <summary>
    /// The replication factor of a created topic; <see langword="null"/> (the default) takes the cluster's default
    /// (the broker setting <c>default.replication.factor</c>; up to 3 on the embedded Kafka).
    /// </summary>
    public short? ReplicationFactor { get; set; }

    /// <summary>
    /// How long startup waits for the topics to be created before it goes on without them (with a warning; the
    /// consumer then notices each topic once it exists, within seconds). Defaults to 10 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Checks the topic provisioning settings at startup.</summary>
internal sealed class TopicProvisioningOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<MessageContractsOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, MessageContractsOptions options)
    {
        var settings = options.TopicProvisioning;
        var failures = new List<string>();
        if (settings.Partitions is < 1)
        {
            failures.Add($"MessageContractsOptions.TopicProvisioning.Partitions is {settings.Partitions}: it must be at least 1, or null for the cluster's default.");
        }

        if (settings.ReplicationFactor is < 1)
        {
            failures.Add($"MessageContractsOptions.TopicProvisioning.ReplicationFactor is {settings.ReplicationFactor}: it must be at least 1, or null for the cluster's default.");
        }

        if (settings.Timeout <= TimeSpan.Zero)
        {
            failures.Add("MessageContractsOptions.TopicProvisioning.Timeout must be positive: it is how long startup waits for the topics.");
        }

        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
