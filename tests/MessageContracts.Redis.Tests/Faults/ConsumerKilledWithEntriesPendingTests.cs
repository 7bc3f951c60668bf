using System.Globalization;
using Faults.Contracts;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Redis.Tests.Faults;

/// <summary>
/// A consumer process killed (SIGKILL) with entries pending under its name: some handled and marked processed but never
/// acknowledged, one claimed and hanging in its handler, the rest read and not started. Another process of the same
/// service takes them over with XAUTOCLAIM once they are idle long enough; every message has its effect exactly once.
/// </summary>
/// <remarks>
/// Both consumers are the worker fixture (tests/Fixtures/MessageContracts.Tests.Worker with <c>--redis</c>), with the
/// Redis deduplication store on the shared server. The messages are published before the first worker starts, so its
/// first read takes them all: they are all pending under it. It has its effect for the first <see cref="HandledByWorker"/>,
/// and the mark call that brings its store to that many never returns (it prints the IDs): those are durably marked and
/// never acknowledged when the test kills it; the next delivery hangs in its handler, claimed and without an effect.
/// The in-process version of this (a consumer name that read and never came back) is in RedisStreamsTransportTests.
/// </remarks>
public sealed class ConsumerKilledWithEntriesPendingTests(RedisServer server, ITestOutputHelper output) : IClassFixture<RedisServer>, IDisposable
{
    private const int Messages = 20;
    private const int HandledByWorker = 4;
    private const string Service = "fault-tests-worker";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReclaimMinIdleTime = TimeSpan.FromSeconds(3);

    private readonly string folder = Directory.CreateTempSubdirectory("mc-redis-faults-").FullName;
    private readonly string prefix = server.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";

    private string Stream => prefix + "faults.probes";

    [Fact]
    public async Task Entries_pending_under_a_killed_worker_process_are_reclaimed_by_another_process_and_each_handled_once()
    {
        var published = await PublishAsync();

        IReadOnlyList<string> markedNotAcked;
        string deadConsumer;
        using (var worker = StartWorker("first.txt", HandledByWorker, ("--hang-after-marks", HandledByWorker.ToString(CultureInfo.InvariantCulture))))
        {
            var hanging = await WaitForLineAsync(worker, "hanging after marks ");
            markedNotAcked = hanging["hanging after marks ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            await WaitForLineAsync(worker, "blocked ");

            // Everything the worker read is pending under it, acknowledged by nobody.
            var consumers = await server.Database.StreamConsumerInfoAsync(Stream, Service);
            deadConsumer = Assert.Single(consumers).Name!;
            Assert.Equal(Messages, Assert.Single(consumers).PendingMessageCount);
            worker.Kill();
        }

        var byWorker = File.ReadAllLines(Path.Combine(folder, "first.txt"));
        Assert.Equal(HandledByWorker, byWorker.Length);
        Assert.NotEmpty(markedNotAcked);
        Assert.All(markedNotAcked, id => Assert.Contains(id, byWorker));

        // The next instance of the service, in a process of its own: it has its effect for every message it handles.
        using var successor = StartWorker("second.txt", handle: Messages * 10);
        await Eventually.UntilAsync(
            async () => (await server.Database.StreamPendingAsync(Stream, Service)).PendingMessageCount == 0,
            Patience,
            () => $"the successor to settle every pending entry; it printed:\n{string.Join('\n', successor.Lines)}");

        var bySuccessor = File.ReadAllLines(Path.Combine(folder, "second.txt"));
        output.WriteLine($"marked, not acknowledged at the kill: {markedNotAcked.Count}; handled by the killed worker {byWorker.Length}, by the successor {bySuccessor.Length}");
        Assert.Contains(successor.Lines, line => line.Contains("Took over", StringComparison.Ordinal));
        Assert.Empty(bySuccessor.Intersect(byWorker));
        Assert.Equal(published.Order(StringComparer.Ordinal), byWorker.Concat(bySuccessor).Order(StringComparer.Ordinal));
        var dead = (await server.Database.StreamConsumerInfoAsync(Stream, Service)).Single(c => c.Name == deadConsumer);
        Assert.Equal(0, dead.PendingMessageCount);
    }

    private async Task<List<string>> PublishAsync()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddMessageContracts(
                options =>
                {
                    options.UseRedis(RedisServer.Configuration, redis => redis.KeyPrefix = prefix);
                    options.ServiceName = "faults-publisher";
                },
                _ => false))
            .Build();
        await host.StartAsync();
        var probes = host.Services.GetRequiredService<IEventPublisher<FaultProbe>>();
        var ids = new List<string>();
        for (var i = 0; i < Messages; i++)
        {
            ids.Add((await probes.PublishAsync(new FaultProbe($"key-{i % 3}", i, "handle"))).MessageId);
        }

        await host.StopAsync();
        return ids;
    }

    private WorkerProcess StartWorker(string effects, int handle, params (string Name, string Value)[] more) =>
        WorkerProcess.Start(
            bootstrapServers: "",
            Service,
            deduplicationPath: "",
            Path.Combine(folder, effects),
            handle,
            Lease,
            consumerSettings: [],
            output,
            [
                ("--redis", RedisServer.Configuration),
                ("--redis-prefix", prefix),
                ("--store", "redis"),
                ("--reclaim-ms", ((int)ReclaimMinIdleTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                .. more,
            ]);

    private static async Task<string> WaitForLineAsync(WorkerProcess worker, string start)
    {
        await Eventually.UntilAsync(
            () => worker.HasExited || worker.Lines.Any(l => l.StartsWith(start, StringComparison.Ordinal)),
            Patience,
            () => $"the worker did not print '{start}'");
        return worker.Lines.FirstOrDefault(l => l.StartsWith(start, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The worker exited before printing '{start}':\n{string.Join('\n', worker.Lines)}");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
