using Faults.Contracts;
using MessageContracts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// One started consumer instance of a fault test: a host with MessageContracts on an embedded Kafka, the
/// <see cref="FaultProbeHandler"/>'s sink and a log capture. Hosts of one test share a group, and may share their
/// <see cref="FaultEffects"/> and deduplication store, to act as the instances of one service.
/// </summary>
public sealed class FaultHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool disposed;

    private FaultHost(IHost host, string name, FaultEffects effects, LogCapture logs)
    {
        this.host = host;
        Name = name;
        Effects = effects;
        Logs = logs;
    }

    public string Name { get; }

    public FaultEffects Effects { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => host.Services;

    public IEventPublisher<FaultProbe> Publisher => Services.GetRequiredService<IEventPublisher<FaultProbe>>();

    /// <summary>Starts an instance in <paramref name="group"/>.</summary>
    /// <param name="kafka">The test's embedded Kafka.</param>
    /// <param name="group">The consumer group; the dead-letter and committed-offset checks name it.</param>
    /// <param name="name">The instance's name, on its effects and log lines.</param>
    /// <param name="output">Where warnings and errors go, for diagnosis.</param>
    /// <param name="effects">The effects sink; shared by the hosts of one test to see a whole group. New when null.</param>
    /// <param name="deduplication">The deduplication store; a new in-memory one when null.</param>
    /// <param name="configure">More options, applied last.</param>
    /// <param name="timeProvider">The clock of the consumer (leases, renewals, retry pauses); the system's when null.</param>
    /// <param name="gate">Holds the handlers of <see cref="FaultProbeBehaviors.Hold"/> messages; a new one when null.</param>
    /// <param name="logLevel">The lowest level the log capture keeps; Information when null.</param>
    /// <param name="services">More services (health checks, for one), added after MessageContracts.</param>
    public static async Task<FaultHost> StartAsync(
        EmbeddedKafka kafka,
        string group,
        string name = "host-1",
        ITestOutputHelper? output = null,
        FaultEffects? effects = null,
        IDeduplicationStore? deduplication = null,
        Action<MessageContractsOptions>? configure = null,
        TimeProvider? timeProvider = null,
        FaultGate? gate = null,
        LogLevel? logLevel = null,
        Action<IServiceCollection>? services = null)
    {
        effects ??= new FaultEffects();
        var logs = new LogCapture(name, output, logLevel ?? LogLevel.Information);
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(logLevel ?? LogLevel.Information))
            .ConfigureServices(collection =>
            {
                if (timeProvider is not null)
                {
                    collection.AddSingleton(timeProvider);
                }

                collection.AddSingleton(effects);
                collection.AddSingleton(gate ?? new FaultGate());
                collection.AddSingleton(new FaultInstance(name));
                collection.AddMessageContracts(options =>
                {
                    options.UseEmbeddedKafka(kafka);
                    options.ConsumerGroup = group;
                    options.ServiceName = "fault-tests-" + name;
                    options.DeduplicationStore = deduplication ?? new InMemoryDeduplicationStore();

                    // Commit stored offsets every 100 ms rather than every 5 s, so "the group committed every record"
                    // (KafkaProbe.WaitUntilCommittedToEndAsync) is seen soon after it is true. Offsets are still only
                    // stored once a record's outcome is final: the order under test is unchanged.
                    options.ConsumerSettings["auto.commit.interval.ms"] = "100";
                    configure?.Invoke(options);
                });
                services?.Invoke(collection);
            })
            .Build();
        await host.StartAsync();
        return new FaultHost(host, name, effects, logs);
    }

    /// <summary>Publishes <paramref name="probes"/> in order without waiting for each (so several are in flight), then waits for all.</summary>
    public async Task<PublishResult[]> PublishAllAsync(IEnumerable<FaultProbe> probes)
    {
        var publisher = Publisher;
        var pending = probes.Select(probe => publisher.PublishAsync(probe)).ToList();
        return await Task.WhenAll(pending);
    }

    /// <summary>How many partitions the last "assigned" log line gave this host (0 when revoked or lost since, or never assigned).</summary>
    public int CurrentAssignment()
    {
        var last = Logs.Snapshot().LastOrDefault(e => e.Category.EndsWith("MessageConsumerService", StringComparison.Ordinal)
            && (e.Message.Contains(" assigned ", StringComparison.Ordinal) || e.Message.Contains(" revoked ", StringComparison.Ordinal) || e.Message.Contains(" lost ", StringComparison.Ordinal)));
        if (last is null || !last.Message.Contains(" assigned ", StringComparison.Ordinal))
        {
            return 0;
        }

        return CountOccurrences(last.Message, Probes.Topic + " [");
    }

    /// <summary>Stops the host with no grace: handlers still running are cancelled, as when the shutdown timeout runs out.</summary>
    public async Task StopNowAsync()
    {
        using var noGrace = new CancellationTokenSource();
        await noGrace.CancelAsync();
        await host.StopAsync(noGrace.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await host.StopAsync();
        host.Dispose();
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
