using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Outbox;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// The done-when test of issue 11: a consumer, with default options, fed thousands of malformed records of every kind
/// (random bytes, truncated JSON, wrong types, 1e400, 5,000-deep nesting, tombstones, invalid UTF-8 headers, empty and
/// 10,000-character <c>ce_id</c>s, huge headers, unknown and missing headers, near-megabyte garbage) interleaved with
/// valid messages and duplicates, written by a plain Confluent.Kafka producer over six partitions. For each
/// deduplication store: every valid message is handled exactly once and in order per key; every unreadable record is
/// dead-lettered exactly once with a reason that says why; a type this service does not handle is skipped; no partition
/// stalls (the group commits every partition to its end); and the consumer's memory stays bounded.
/// </summary>
/// <remarks>
/// <para>
/// The consumer runs in a process of its own (tests/Fixtures/MessageContracts.Tests.Worker), so its memory is measured
/// apart from the test process and whatever other tests run in it. It is measured after a warm-up of valid messages (the
/// baseline) and after each of <see cref="Rounds"/> hostile rounds of 2,700 records. Bounded means:
/// </para>
/// <list type="bullet">
/// <item>the managed heap after a full collection stops growing: from round two to the last it grows by less than
/// <see cref="RetainedGrowthBound"/> (measured: 0 to 1 MiB, the console logger's queue and the pools). Anything a
/// settled record left behind would show once per record: 8 MiB over 5,400 records is 1.5 KB a record;</item>
/// <item>the peak working set stays under the baseline plus <see cref="PeakGrowthBound"/> (measured: about 35 MiB).
/// The options allow about 160 MiB of buffers here (librdkafka's pre-fetch queue, queued.max.messages.kbytes = 64 MiB;
/// the records queued per partition, MaxQueuedBytesPerPartition = 16 MiB on each of 6), plus the runtime's slack; a
/// consumer that held what it read would pass it (the input is 25 MB a round).</item>
/// </list>
/// <para>
/// librdkafka's mock cluster keeps about 5 MB per partition and deletes older records: the heavy kinds are thinned
/// (<see cref="HostileInput"/>), the near-megabyte records come in the first two rounds only and on partitions of their
/// own, and the dead-letter topic is read as it is written (<see cref="DeadLetterRecorder"/>).
/// </para>
/// <para>PostgreSQL must be running: an unreachable server fails the PostgreSQL case, never skips it.</para>
/// </remarks>
[Collection(FaultsCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 6;
    private const int MalformedPerRound = 2_160;
    private const int ValidPerRound = 480;
    private const int DuplicatesPerRound = 60;
    private const int HugePerRound = 2;
    private const int Rounds = 4;
    private const long MiB = 1024 * 1024;
    private static readonly long RetainedGrowthBound = 8 * MiB;
    private static readonly long PeakGrowthBound = 192 * MiB;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly string folder = Directory.CreateTempSubdirectory("mc-hostile-").FullName;

    [Fact]
    public Task With_the_in_memory_store_every_valid_message_is_handled_once_and_every_unreadable_one_dead_lettered() =>
        RunAsync([("--store", "memory")]);

    [Fact]
    public Task With_the_sqlite_store_every_valid_message_is_handled_once_and_every_unreadable_one_dead_lettered() =>
        RunAsync([("--store", "sqlite")]);

    [Fact]
    public async Task With_the_postgresql_store_every_valid_message_is_handled_once_and_every_unreadable_one_dead_lettered()
    {
        var schema = "mc_hostile_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await RunAsync([("--store", "postgres"), ("--postgres", OutboxDatabase.PostgresConnectionString), ("--schema", schema)]);
        }
        finally
        {
            await using var connection = new NpgsqlConnection(OutboxDatabase.PostgresConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }
    }

    private async Task RunAsync(IEnumerable<(string Name, string Value)> store)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: Partitions);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        using var deadLetters = new DeadLetterRecorder(kafka.BootstrapServers, Probes.DeadLetterTopic, partitions: 1);
        var group = "hostile-" + Guid.NewGuid().ToString("N");
        var effectsPath = Path.Combine(folder, "effects.txt");
        var settings = kafka.RecommendedClientSettings.Append(new("auto.commit.interval.ms", "100"));
        using var worker = WorkerProcess.Start(
            kafka.BootstrapServers, group, Path.Combine(folder, "dedup.db"), effectsPath, handle: int.MaxValue, lease: TimeSpan.FromMinutes(2), settings, output, store);
        await Eventually.UntilAsync(
            () => worker.HasExited ? throw new InvalidOperationException($"The worker exited: {string.Join(" | ", worker.Lines.TakeLast(5))}") : worker.Lines.Contains("started"),
            Patience,
            () => "the worker did not start");

        // Warm-up: valid messages only, so the baseline has every code path loaded and every pool filled.
        var planned = new List<PlannedRecord>();
        var warmUp = HostileInput.Round(0, Partitions, malformed: 0, valid: 120, duplicates: 0, huge: 0, seed: 0);
        planned.AddRange(await ProduceAsync(kafka, warmUp));
        await UntilSettledAsync(kafka, group, worker);
        var baseline = await worker.MeasureMemoryAsync(Patience);
        output.WriteLine($"baseline: {baseline}");

        var afterRounds = new List<WorkerMemory>();
        for (var round = 1; round <= Rounds; round++)
        {
            var records = HostileInput.Round(round, Partitions, MalformedPerRound, ValidPerRound, DuplicatesPerRound, round <= 2 ? HugePerRound : 0, seed: round);
            var started = DateTime.UtcNow;
            planned.AddRange(await ProduceAsync(kafka, records));
            await UntilSettledAsync(kafka, group, worker);
            afterRounds.Add(await worker.MeasureMemoryAsync(Patience));
            output.WriteLine($"round {round}: {records.Count} records ({records.Count(r => r.Outcome == HostileOutcome.Handled)} valid) settled in {(DateTime.UtcNow - started).TotalSeconds:0.0} s; {afterRounds[^1]}");
        }

        AssertEveryValidMessageHandledOnceInOrder(planned, effectsPath);
        await deadLetters.WaitUntilReadAsync(KafkaProbe.HighWatermarks(kafka.BootstrapServers, Probes.DeadLetterTopic), Patience);
        AssertEveryUnreadableRecordDeadLetteredOnceWithItsReason(planned, deadLetters.Entries);

        var retainedGrowth = afterRounds[^1].Heap - afterRounds[1].Heap;
        var peakGrowth = afterRounds[^1].PeakWorkingSet - baseline.WorkingSet;
        output.WriteLine($"heap growth from round 2 to round {Rounds}: {retainedGrowth / (double)MiB:0.0} MiB (bound {RetainedGrowthBound / MiB} MiB); peak working set over the baseline: {peakGrowth / (double)MiB:0.0} MiB (bound {PeakGrowthBound / MiB} MiB); allocated per record: {(afterRounds[^1].Allocated - baseline.Allocated) / (double)(planned.Count - 120) / 1024:0.0} KiB");
        Assert.True(retainedGrowth < RetainedGrowthBound, $"the consumer's heap grew by {retainedGrowth / (double)MiB:0.0} MiB over {Rounds - 2} rounds: it keeps something per record");
        Assert.True(peakGrowth < PeakGrowthBound, $"the consumer's working set peaked {peakGrowth / (double)MiB:0.0} MiB over its baseline");
    }

    /// <summary>Produces <paramref name="records"/> with a plain producer (in order per partition) and returns them with their offsets.</summary>
    private static async Task<List<PlannedRecord>> ProduceAsync(EmbeddedKafka kafka, List<PlannedRecord> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            EnableIdempotence = true,
            LingerMs = 5,

            // The broker takes records up to 1 MiB; the default producer limit (1,000,000 bytes) would refuse the largest.
            MessageMaxBytes = 1024 * 1024,
        }).Build();
        var sends = records.Select(r => producer.ProduceAsync(new TopicPartition(Probes.Topic, r.Partition), r.Message)).ToList();
        var results = await Task.WhenAll(sends);
        return [.. records.Zip(results, (record, result) => record with { Offset = result.Offset.Value })];
    }

    /// <summary>Waits until the group committed every partition to its end, failing at once if the worker died.</summary>
    private static Task UntilSettledAsync(EmbeddedKafka kafka, string group, WorkerProcess worker)
    {
        var high = KafkaProbe.HighWatermarks(kafka.BootstrapServers, Probes.Topic);
        var committed = Array.Empty<long>();
        return Eventually.UntilAsync(
            async () =>
            {
                if (worker.HasExited)
                {
                    throw new InvalidOperationException($"The worker exited: {string.Join(" | ", worker.Lines.TakeLast(5))}");
                }

                committed = await Task.Run(() => KafkaProbe.Committed(kafka.BootstrapServers, group, Probes.Topic, high.Length));
                return committed.SequenceEqual(high);
            },
            Patience,
            () => $"a partition stalled: group '{group}' committed [{string.Join(", ", committed)}] of [{string.Join(", ", high)}]");
    }

    private void AssertEveryValidMessageHandledOnceInOrder(List<PlannedRecord> planned, string effectsPath)
    {
        var effects = File.ReadAllLines(effectsPath).Where(line => line.Length > 0).ToList();
        var valid = planned.Where(r => r.Outcome == HostileOutcome.Handled).ToList();
        Probes.AssertEachHadExactlyOneEffect(
            valid.Select(r => r.MessageId!),
            effects.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

        var probeById = valid.ToDictionary(r => r.MessageId!, r => r.Probe!, StringComparer.Ordinal);
        foreach (var key in effects.Select(id => probeById[id]).GroupBy(p => p.Key))
        {
            Assert.Equal(Enumerable.Range(0, key.Count()), key.Select(p => p.Sequence));
        }

        output.WriteLine($"{valid.Count} valid messages handled once each, {planned.Count(r => r.Outcome == HostileOutcome.Duplicate)} duplicates dropped, {planned.Count(r => r.Outcome == HostileOutcome.Skipped)} of an unknown type skipped");
    }

    private void AssertEveryUnreadableRecordDeadLetteredOnceWithItsReason(List<PlannedRecord> planned, IReadOnlyList<DeadLetterEntry> deadLetters)
    {
        var expected = planned.Where(r => r.Outcome == HostileOutcome.DeadLettered).ToDictionary(r => (r.Partition, r.Offset));
        var seen = new HashSet<(int, long)>();
        foreach (var deadLetter in deadLetters)
        {
            var where = (deadLetter.OriginalPartition, deadLetter.OriginalOffset);
            Assert.True(seen.Add(where), $"{where} was dead-lettered twice");
            Assert.True(expected.TryGetValue(where, out var record), $"{where} was dead-lettered but is not unreadable");
            var reason = deadLetter.Reason;
            Assert.True(reason is not null && reason.Contains(record!.Reason!, StringComparison.Ordinal), $"'{record!.Kind}' at {where} was dead-lettered with the reason \"{reason}\", which does not say \"{record.Reason}\"");
        }

        var missing = expected.Keys.Where(where => !seen.Contains(where)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} unreadable records were not dead-lettered, e.g. {string.Join(", ", missing.Take(5).Select(m => $"'{expected[m].Kind}' at {m}"))}");
        output.WriteLine($"{expected.Count} unreadable records dead-lettered once each: {string.Join(", ", expected.Values.GroupBy(r => r.Kind).Select(g => $"{g.Key} x{g.Count()}"))}");
    }
}
