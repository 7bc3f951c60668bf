using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// The crash test at full speed: a consumer process with the durable default store (SQLite) is killed while it handles
/// a stream as fast as it can, and a successor finishes the stream from the same store. Nothing may be lost, and the
/// effects that happen twice are only those the consumer had handled but not yet marked processed when it died: at
/// most the window of unwritten marks per partition (docs/reliability.md). The figure is printed, so that a change of
/// the settle path can be compared with the one before it (docs/benchmarks.md, "crash test").
/// </summary>
/// <remarks>
/// Unlike <see cref="ConsumerKilledTests"/>, the worker never hangs: the kill falls wherever the stream happens to be,
/// in a handler, between a handler and its mark, or between a mark and the offset commit.
/// </remarks>
[Collection(FaultsCollection.Name)]
public sealed class CrashRepeatsTests(ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 2;
    private const int Keys = 100;
    private const int PerKey = 200;

    /// <summary>
    /// What a kill may repeat: the records handled and not yet marked, which a partition's handlers keep to the window of
    /// unwritten marks (OffsetSettlement.UnwrittenMarksWindow, where a batch is up to PartitionWorker.MaxBatch).
    /// </summary>
    private const int RepeatBound = Partitions * OffsetSettlement.UnwrittenMarksWindow;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string folder = Directory.CreateTempSubdirectory("mc-crash-").FullName;

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.4)]
    public async Task A_consumer_killed_mid_stream_at_full_speed_loses_nothing_and_repeats_at_most_the_unwritten_window_per_partition(double killedAtFraction)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        var group = "crash-" + Guid.NewGuid().ToString("N");
        kafka.CreateTopic(Probes.Topic, partitions: Partitions);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        PublishResult[] published;
        await using (var publisher = new FaultPublisher(kafka))
        {
            published = await publisher.PublishAllAsync(Probes.Create(Keys, PerKey));
        }

        var killAfter = (int)(published.Length * killedAtFraction);
        var settings = kafka.RecommendedClientSettings.Append(new("auto.commit.interval.ms", "100"));
        using (var worker = WorkerProcess.Start(
            kafka.BootstrapServers, group, DeduplicationPath, EffectsPath, handle: int.MaxValue, TimeSpan.FromSeconds(2), settings, output))
        {
            await Eventually.UntilAsync(
                () => (worker.HasExited ? throw new InvalidOperationException($"The worker exited: {string.Join(" | ", worker.Lines.Take(3))}") : true)
                    && CountLines(EffectsPath) >= killAfter,
                Patience,
                () => $"the worker did not handle {killAfter} messages (it printed: {string.Join(" | ", worker.Lines.TakeLast(5))})");
            worker.Kill();
        }

        // The kill must fall mid-stream, or this test measures nothing.
        var workerEffects = File.ReadAllLines(EffectsPath).Where(line => line.Length > 0).ToList();
        Assert.True(workerEffects.Count < published.Length * 0.9, $"The worker had handled {workerEffects.Count} of {published.Length} messages before the kill: not mid-stream.");
        await using (var successor = await FaultHost.StartAsync(
            kafka, group, "successor", output, deduplication: new SqliteDeduplicationStore($"Data Source={DeduplicationPath}")))
        {
            await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);
            var effects = workerEffects.Concat(successor.Effects.Snapshot().Select(e => e.MessageId))
                .GroupBy(id => id, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

            var lost = published.Count(r => !effects.ContainsKey(r.MessageId));
            var repeated = effects.Values.Sum(count => count - 1);
            output.WriteLine(
                $"crash test: {published.Length} messages, worker killed after {workerEffects.Count} effects; "
                + $"repeated effects {repeated} (bound {RepeatBound}), lost {lost}");
            Assert.Equal(0, lost);
            Assert.Equal(published.Length, effects.Count);
            Assert.InRange(repeated, 0, RepeatBound);
        }

        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
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

    /// <summary>Lines of the effects file so far (the worker appends one, closed, per effect).</summary>
    private static int CountLines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var count = 0;
        int read;
        var buffer = new byte[64 * 1024];
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return count;
    }
}
