using System.Reflection;

namespace MessageContracts;

/// <summary>
/// Settings for <see cref="MessageContractsServiceCollectionExtensions.AddMessageContracts(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{MessageContractsOptions})"/>. Only
/// <see cref="BootstrapServers"/> must be set; everything else has a working default.
/// </summary>
public sealed partial class MessageContractsOptions
{
    /// <summary>The Kafka bootstrap servers, <c>host:port[,host:port...]</c>. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>
    /// The consumer group of this service's consumer. Every service (group) receives its own copy of each
    /// event; instances of one service share the work. Defaults to the entry assembly's name.
    /// </summary>
    public string ConsumerGroup { get; set; } = DefaultServiceName();

    /// <summary>
    /// The name this service stamps on the messages it creates (the <c>ce_source</c> header).
    /// Defaults to the entry assembly's name.
    /// </summary>
    public string ServiceName { get; set; } = DefaultServiceName();

    /// <summary>
    /// Appended to a topic's name to form its dead-letter topic (<c>order-placed</c> dead-letters to
    /// <c>order-placed.dead-letter</c>). Defaults to <c>.dead-letter</c>.
    /// </summary>
    public string DeadLetterTopicSuffix { get; set; } = ".dead-letter";

    /// <summary>
    /// Extra librdkafka settings for the producer (see librdkafka's CONFIGURATION.md), applied after the
    /// toolkit's defaults, so they win. Example: <c>["linger.ms"] = "20"</c>. For typed access, see
    /// <see cref="ConfigureProducer"/>. Settings that would defeat <see cref="PublishTimeout"/> fail startup.
    /// </summary>
    public IDictionary<string, string> ProducerSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Extra librdkafka settings for the consumer, applied after the toolkit's defaults, so they win. For typed access,
    /// see <see cref="ConfigureConsumer"/>. Settings that would defeat the consumer's offset handling
    /// (<c>enable.auto.offset.store</c>, a <c>group.id</c> other than <see cref="ConsumerGroup"/>) fail startup.
    /// </summary>
    public IDictionary<string, string> ConsumerSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    private static string DefaultServiceName() =>
        Assembly.GetEntryAssembly()?.GetName().Name ?? "messagecontracts-service";
}
