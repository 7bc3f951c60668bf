using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// The second seed problem: a consumer dies (a real kill of a child process: no shutdown, no revocation, no commit)
/// in the middle of a stream. After its session times out, its partitions go to another instance of the group, which
/// reads them again from the last commit; the deduplication store they share (one SQLite file) drops what the dead
/// one had settled, and what it had not settled is handled: every message has its effect once, none is lost.
/// </summary>
/// <remarks>
/// The worker has its effect for the first <see cref="HandledByWorker"/> messages and then hangs in every handler it
/// enters (holding the claim, with no effect) until it is killed, so a test knows exactly what was done at the kill.
/// </remarks>
[Collection(FaultsCollection.Name)]
public sealed class ConsumerKilledTests(ITestOutputHelper output) : IDisposable
{
    private const int HandledByWorker = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan WorkerLease = TimeSpan.FromSeconds(2);

    private readonly string folder = Directory.CreateTempSubdirectory("mc-faults-").FullName;

    [Fact]
    public async Task A_consumer_killed_before_committing_has_its_partitions_redelivered_and_the_dedup_store_absorbs_the_repeats()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        var group = "faults-" + Guid.NewGuid().ToString("N");
        var published = await PublishAsync(kafka);

        // The worker commits nothing before it dies: auto-commit would come only after ten minutes.
        using (var worker = StartWorker(kafka, group, autoCommitInterval: TimeSpan.FromMinutes(10)))
        {
            await WaitUntilMidStreamAsync(worker, group);
            Assert.All(KafkaProbe.Committed(kafka.BootstrapServers, group, Probes.Topic, partitions: 2), offset => Assert.Equal(-1, offset));
            worker.Kill();
        }

        var workerEffects = ReadWorkerEffects();
        using var metrics = new FaultMetrics(Probes.Topic);
        await using (var successor = await StartSuccessorAsync(kafka, group))
        {
            await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);
            AssertEachHadExactlyOneEffect(published, workerEffects, successor);
        }

        // Everything was read again from the start; what the worker had settled was dropped, not handled again.
        Assert.Equal(HandledByWorker, metrics[FaultMetrics.DuplicatesDropped]);
        Assert.Equal(published.Length - HandledByWorker, metrics[FaultMetrics.Handled]);
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }

    [Fact]
    public async Task A_consumer_killed_in_a_handler_after_committing_what_it_settled_loses_nothing_of_what_it_had_not()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        var group = "faults-" + Guid.NewGuid().ToString("N");
        var published = await PublishAsync(kafka);

        // The worker commits its stored offsets every 100 ms. It is killed once it has committed what it settled,
        // while it hangs in the handlers of the next messages: those must not count as done.
        List<string> inFlight;
        using (var worker = StartWorker(kafka, group, autoCommitInterval: TimeSpan.FromMilliseconds(100)))
        {
            await WaitUntilMidStreamAsync(worker, group);
            await Eventually.UntilAsync(
                () => KafkaProbe.Committed(kafka.BootstrapServers, group, Probes.Topic, partitions: 2).Where(o => o > 0).Sum() >= HandledByWorker,
                Patience,
                () => "the worker did not commit the offsets of the messages it settled");
            inFlight = [.. worker.Lines.Where(line => line.StartsWith("blocked ", StringComparison.Ordinal)).Select(line => line.Split(' ')[1])];
            worker.Kill();
        }

        var workerEffects = ReadWorkerEffects();
        using var metrics = new FaultMetrics(Probes.Topic);
        await using var successor = await StartSuccessorAsync(kafka, group);
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        AssertEachHadExactlyOneEffect(published, workerEffects, successor);
        Assert.NotEmpty(inFlight);
        Assert.All(inFlight, id => Assert.Contains(successor.Effects.Snapshot(), e => e.MessageId == id));
        Assert.Equal(0, metrics[FaultMetrics.DuplicatesDropped]);
        Assert.Equal(published.Length - HandledByWorker, metrics[FaultMetrics.Handled]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is a temporary folder.
        }
    }

    private string DeduplicationPath => Path.Combine(folder, "dedup.db");

    private string EffectsPath => Path.Combine(folder, "worker-effects.txt");

    private static async Task<PublishResult[]> PublishAsync(EmbeddedKafka kafka)
    {
        kafka.CreateTopic(Probes.Topic, partitions: 2);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        await using var publisher = new FaultPublisher(kafka);
        return await publisher.PublishAllAsync(Probes.Create(keys: 8, perKey: 5));
    }

    private WorkerProcess StartWorker(EmbeddedKafka kafka, string group, TimeSpan autoCommitInterval)
    {
        var settings = kafka.RecommendedClientSettings
            .Append(new("auto.commit.interval.ms", ((int)autoCommitInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return WorkerProcess.Start(kafka.BootstrapServers, group, DeduplicationPath, EffectsPath, HandledByWorker, WorkerLease, settings, output);
    }

    /// <summary>
    /// Waits until the worker has settled its share (marked processed in the store, so nothing of it is half done)
    /// and hangs in the handler of at least one more message. (It cannot settle more than its share: every later
    /// handler hangs. "At least" lets a broken pipeline that marks too much fail on the effects, not on this wait.)
    /// </summary>
    private async Task WaitUntilMidStreamAsync(WorkerProcess worker, string group)
    {
        await Eventually.UntilAsync(
            () => (worker.HasExited ? throw new InvalidOperationException($"The worker exited: {string.Join(" | ", worker.Lines.Take(3))}") : true)
                && ProcessedInStore(group) >= HandledByWorker
                && worker.Lines.Any(line => line.StartsWith("blocked ", StringComparison.Ordinal)),
            Patience,
            () => $"the worker did not settle {HandledByWorker} messages and block (it printed: {string.Join(" | ", worker.Lines.TakeLast(5))})");
    }

    private Task<FaultHost> StartSuccessorAsync(EmbeddedKafka kafka, string group) =>
        FaultHost.StartAsync(kafka, group, "successor", output, deduplication: new SqliteDeduplicationStore($"Data Source={DeduplicationPath}"));

    private List<string> ReadWorkerEffects()
    {
        var effects = File.Exists(EffectsPath) ? File.ReadAllLines(EffectsPath).Where(line => line.Length > 0).ToList() : [];
        Assert.Equal(HandledByWorker, effects.Count);
        return effects;
    }

    private static void AssertEachHadExactlyOneEffect(PublishResult[] published, List<string> workerEffects, FaultHost successor)
    {
        var all = workerEffects.Concat(successor.Effects.Snapshot().Select(e => e.MessageId))
            .GroupBy(id => id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Probes.AssertEachHadExactlyOneEffect(published.Select(r => r.MessageId), all);
    }

    private int ProcessedInStore(string group)
    {
        if (!File.Exists(DeduplicationPath))
        {
            return 0;
        }

        try
        {
            using var connection = new SqliteConnection($"Data Source={DeduplicationPath};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM {SqliteDeduplicationStore.TableName} WHERE consumer_group = $group AND state = 'processed'";
            command.Parameters.AddWithValue("$group", group);
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            // The worker has not created its table yet.
            return 0;
        }
    }
}
