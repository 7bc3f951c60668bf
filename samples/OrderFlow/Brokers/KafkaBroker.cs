using MessageContracts;
using MessageContracts.Testing;
using OrderFlow.Faults;

namespace OrderFlow.Brokers;

/// <summary>
/// Kafka: the embedded cluster (librdkafka's mock, in-process; the default, and the only one that can be told to
/// answer late) or a real one at <c>--bootstrap-servers</c>.
/// </summary>
public sealed class KafkaBroker : SampleBroker
{
    private readonly EmbeddedKafka? embedded;
    private readonly string bootstrapServers;

    private KafkaBroker(EmbeddedKafka? embedded, string bootstrapServers)
    {
        this.embedded = embedded;
        this.bootstrapServers = bootstrapServers;
    }

    /// <summary>The embedded cluster with the sample's topics, or the real cluster at <paramref name="bootstrapServers"/>.</summary>
    public static async Task<KafkaBroker> StartAsync(string? bootstrapServers, CancellationToken cancellationToken)
    {
        if (bootstrapServers is not null)
        {
            return new KafkaBroker(null, bootstrapServers);
        }

        var kafka = await EmbeddedKafka.StartAsync(cancellationToken: cancellationToken);
        kafka.CreateTopic(OrderPlacedTopic, partitions: 3);
        kafka.CreateTopic("loyalty.grant-points", partitions: 3);
        kafka.CreateTopic(OrderPlacedTopic + ".dead-letter");
        kafka.CreateTopic("loyalty.grant-points.dead-letter");
        return new KafkaBroker(kafka, kafka.BootstrapServers);
    }

    public override string Description => embedded is not null
        ? $"Kafka: embedded (librdkafka mock cluster) at {bootstrapServers}; faults are injected"
        : $"Kafka: {bootstrapServers}; broker-side faults cannot be injected on a real cluster, the poison record and the flaky handler still are";

    public override string DeadLetterPlace => OrderPlacedTopic + ".dead-letter";

    public override string? DuplicateCause => embedded is not null ? "produce timeout" : null;

    public override void Configure(MessageContractsOptions options)
    {
        if (embedded is not null)
        {
            options.UseEmbeddedKafka(embedded);
        }
        else
        {
            options.BootstrapServers = bootstrapServers;
        }
    }

    public override string ArmDuplicatingFault()
    {
        if (embedded is null)
        {
            return "fault 1 skipped: a real broker cannot be told to answer late (the embedded Kafka can)";
        }

        ProduceTimeoutAfterAppend.Arm(embedded);
        return $"fault 1: the broker appends the next Produce but answers after {ProduceTimeoutAfterAppend.LateAnswer.TotalSeconds:0} s; "
            + "the producer gives up after 10 s and re-sends it (a duplicate in the log)";
    }

    public override Task<string> SendPoisonAsync(CancellationToken cancellationToken) =>
        KafkaPoison.SendAsync(bootstrapServers, OrderPlacedTopic, cancellationToken);

    public override Task<IReadOnlyList<string>> ServicesThatDeadLetteredAsync(string key, TimeSpan patience, CancellationToken cancellationToken) =>
        Task.Run(() => KafkaDeadLetterProbe.GroupsThatDeadLettered(bootstrapServers, OrderPlacedTopic + ".dead-letter", key, patience), cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (embedded is not null)
        {
            await embedded.DisposeAsync();
        }
    }
}
