using MessageContracts.Testing;

namespace MessageContracts.Tests.Support;

/// <summary>
/// The Kafka a cluster-agnostic test runs on: a fresh embedded Kafka (librdkafka's mock cluster, in-process), or, when
/// <c>KAFKA_BOOTSTRAP_SERVERS</c> is set, that external cluster (docs/production.md starts one with compose). Tests
/// that use it are written for a shared, long-lived cluster: they count only the messages they published themselves
/// and use a consumer group of their own, so records earlier runs left in a topic do not disturb them. Tests that
/// inject broker faults need the embedded Kafka's fault injection and keep using <see cref="EmbeddedKafka"/> directly.
/// </summary>
public sealed class KafkaUnderTest : IAsyncDisposable
{
    public const string EnvironmentVariable = "KAFKA_BOOTSTRAP_SERVERS";

    private readonly EmbeddedKafka? embedded;

    private KafkaUnderTest(EmbeddedKafka? embedded, string bootstrapServers)
    {
        this.embedded = embedded;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The external cluster's bootstrap servers, or null when the tests use the embedded Kafka.</summary>
    public static string? External =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } servers ? servers : null;

    public string BootstrapServers { get; }

    public bool IsExternal => embedded is null;

    public static async Task<KafkaUnderTest> StartAsync()
    {
        if (External is { } servers)
        {
            return new KafkaUnderTest(null, servers);
        }

        var kafka = await EmbeddedKafka.StartAsync();
        return new KafkaUnderTest(kafka, kafka.BootstrapServers);
    }

    /// <summary>
    /// Points <paramref name="options"/> at this Kafka. On an external cluster the toolkit's own topic provisioning
    /// creates the topics (through the admin API, with the broker's default partitions and replication).
    /// </summary>
    public void Configure(MessageContractsOptions options)
    {
        if (embedded is not null)
        {
            options.UseEmbeddedKafka(embedded);
        }
        else
        {
            options.BootstrapServers = BootstrapServers;
        }
    }

    public ValueTask DisposeAsync() => embedded?.DisposeAsync() ?? ValueTask.CompletedTask;
}
