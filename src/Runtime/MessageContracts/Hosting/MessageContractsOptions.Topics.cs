namespace MessageContracts;

/// <summary>Topic settings: which topics are created, and how.</summary>
public sealed partial class MessageContractsOptions
{
    /// <summary>Creating missing topics at startup and before a first publish; on by default. See <see cref="TopicProvisioningOptions"/>.</summary>
    public TopicProvisioningOptions TopicProvisioning { get; } = new();

    /// <summary>
    /// How topics are created: the Kafka admin API by default; <c>UseEmbeddedKafka</c> sets the embedded cluster's own,
    /// since librdkafka's mock cluster does not implement the admin API's CreateTopics.
    /// </summary>
    internal ITopicCreator? TopicCreator { get; set; }
}
