using System.Diagnostics.Metrics;
using Faults.Contracts;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.RabbitMQ.Tests.Faults;

/// <summary>
/// A consumer process killed after its deduplication store marked messages processed and before it acknowledged them
/// (issue 14): the broker delivers them again to the next instance, whose store (the same SQLite file) drops them as
/// duplicates; what the dead process held without an effect is handled by the next one; every message has its effect
/// exactly once and none is lost.
/// </summary>
/// <remarks>
/// The worker (tests/Fixtures/MessageContracts.Tests.Worker) has its effect for the first <see cref="HandledByWorker"/>
/// messages, and the mark call that brings its store to that many processed messages never returns (it prints the IDs it
/// marked): so those are durably marked and never acknowledged when the test kills it. Later deliveries hang in their
/// handlers, claimed and without an effect.
/// </remarks>
public sealed class ConsumerKilledBeforeAckTests(RabbitMqVirtualHost vhost, ITestOutputHelper output) : IClassFixture<RabbitMqVirtualHost>, IDisposable
{
    private const int Messages = 20;
    private const int HandledByWorker = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    /// <summary>The worker's service name (fixed in the worker: its queue of an event is <c>&lt;topic&gt;.&lt;service&gt;</c>).</summary>
    private const string WorkerService = "fault-tests-worker";

    private readonly string folder = Directory.CreateTempSubdirectory("mc-rabbit-faults-").FullName;

    [Fact]
    public async Task A_consumer_killed_between_its_mark_and_its_ack_has_the_redelivery_dropped_by_the_dedup_store()
    {
        var deduplication = Path.Combine(folder, "dedup.db");
        var effectsPath = Path.Combine(folder, "effects.txt");
        using var duplicates = new DuplicateCounter(WorkerService);

        IReadOnlyList<string> markedNotAcked;
        IReadOnlyList<string> published;
        using (var worker = WorkerProcess.Start(
            bootstrapServers: "", WorkerService, deduplication, effectsPath, HandledByWorker, Lease, consumerSettings: [], output,
            [("--rabbitmq", vhost.Uri.ToString()), ("--hang-after-marks", HandledByWorker.ToString(System.Globalization.CultureInfo.InvariantCulture))]))
        {
            // The worker has declared its queue once it prints "started": only then does an event reach it.
            await WaitForLineAsync(worker, "started");
            await using (var publisher = await RabbitMqTestHost.StartAsync(vhost, "faults-publisher"))
            {
                var probes = publisher.Publisher<FaultProbe>();
                var ids = new List<string>();
                for (var i = 0; i < Messages; i++)
                {
                    ids.Add((await probes.PublishAsync(new FaultProbe($"key-{i % 3}", i, "handle"))).MessageId);
                }

                published = ids;
            }

            var hanging = await WaitForLineAsync(worker, "hanging after marks ");
            markedNotAcked = hanging["hanging after marks ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            worker.Kill();
            output.WriteLine($"worker killed: {string.Join(", ", worker.Lines.Where(l => l.StartsWith("handled", StringComparison.Ordinal) || l.StartsWith("blocked", StringComparison.Ordinal) || l.StartsWith("hanging", StringComparison.Ordinal)))}");
        }

        var byWorker = File.ReadAllLines(effectsPath);
        Assert.Equal(HandledByWorker, byWorker.Length);
        Assert.NotEmpty(markedNotAcked);
        Assert.All(markedNotAcked, id => Assert.Contains(id, byWorker));

        // The next instance of the service: the same store, the same queue.
        await using var successor = await RabbitMqTestHost.StartAsync(
            vhost, WorkerService, new SqliteDeduplicationStore($"Data Source={deduplication}"), options => options.DeduplicationLease = Lease);
        // Polled: the last thing to happen may be a dropped duplicate, which no handler run reports.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (successor.Log.Runs.Select(r => r.MessageId).Concat(byWorker).Distinct().Count() < Messages || duplicates.Count < markedNotAcked.Count)
        {
            Assert.True(clock.Elapsed < Patience,
                $"Within {Patience.TotalSeconds:0} s: {successor.Log.Runs.Count} handled by the successor, {duplicates.Count} duplicates dropped of {markedNotAcked.Count} expected.");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        var bySuccessor = successor.Log.Runs.Select(r => r.MessageId).ToList();
        output.WriteLine($"marked, not acked at the kill: {markedNotAcked.Count}; handled by the worker {byWorker.Length}, by the successor {bySuccessor.Count}; duplicates dropped {duplicates.Count}");
        Assert.Empty(bySuccessor.Intersect(markedNotAcked));
        Assert.Equal(published.Order(StringComparer.Ordinal), byWorker.Concat(bySuccessor).Order(StringComparer.Ordinal));
    }

    private static async Task<string> WaitForLineAsync(WorkerProcess worker, string prefix)
    {
        await Eventually.UntilAsync(
            () => worker.HasExited || worker.Lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)),
            Patience,
            () => $"the worker did not print '{prefix}'");
        return worker.Lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The worker exited before printing '{prefix}':\n{string.Join('\n', worker.Lines)}");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The deliveries one service's pipeline dropped as duplicates (the core's duplicates_dropped counter).</summary>
    private sealed class DuplicateCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private long count;

        public DuplicateCounter(string consumerGroup)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MessageContracts" && instrument.Name == "messagecontracts.messages.duplicates_dropped")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "messaging.consumer.group.name" && Equals(tag.Value, consumerGroup))
                    {
                        Interlocked.Add(ref count, value);
                    }
                }
            });
            listener.Start();
        }

        public long Count => Interlocked.Read(ref count);

        public void Dispose() => listener.Dispose();
    }
}
