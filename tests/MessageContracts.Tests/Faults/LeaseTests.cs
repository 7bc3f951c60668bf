using Faults.Contracts;
using MessageContracts.PostgreSql;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// Deduplication leases while handlers run, on a <see cref="FakeTimeProvider"/> the hosts and stores share (the test moves
/// time; nothing sleeps): a handler that runs three leases long keeps its claim by renewal, so the second instance holding
/// a copy of the message never runs it; and an instance whose lease was taken over (its store cut off while its lease ran
/// out) can neither mark nor release the new owner's claim.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class LeaseTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string folder = Directory.CreateTempSubdirectory("mc-lease-").FullName;

    [Fact]
    public async Task A_handler_running_three_leases_long_keeps_its_claim_and_the_second_instance_never_runs_it()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 2);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        var connectionString = $"Data Source={Path.Combine(folder, "dedup.db")}";
        var effects = new FaultEffects();
        var gate = new FaultGate();
        await using var a = await StartHostAsync(kafka, group, "a", new SqliteDeduplicationStore(connectionString, time), effects, gate);
        await using var b = await StartHostAsync(kafka, group, "b", new SqliteDeduplicationStore(connectionString, time), effects, gate);
        await Eventually.UntilAsync(
            () => a.CurrentAssignment() == 1 && b.CurrentAssignment() == 1,
            Patience,
            () => $"the two instances did not get one partition each (a: {a.CurrentAssignment()}, b: {b.CurrentAssignment()})");

        // The same message on both partitions: each instance gets a copy. The first to claim it holds its handler at the
        // gate; the other is told "claimed elsewhere" and keeps asking.
        var id = Guid.CreateVersion7().ToString();
        var record = RawRecords.Probe(id, new FaultProbe("slow", 0, FaultProbeBehaviors.Hold));
        await RawRecords.ProduceAsync(kafka.BootstrapServers, Probes.Topic, 0, [record]);
        await RawRecords.ProduceAsync(kafka.BootstrapServers, Probes.Topic, 1, [record]);
        await gate.Arrived(id).WaitAsync(Patience);
        await Eventually.UntilAsync(() => AskedElsewhere(a, b, id) > 0, Patience, () => "the second instance never asked for the claim");

        // Three leases, in steps of a sixth of one. After each step the holder's renewal must have landed (the claim has
        // at least half a lease left), and the other instance has asked again and been refused.
        for (var elapsed = TimeSpan.Zero; elapsed < 3 * Lease; elapsed += Step)
        {
            time.Advance(Step);
            await Eventually.UntilAsync(
                async () => await LeaseLeftAsync(connectionString, id) >= Lease / 2,
                Patience,
                () => $"the claim was not renewed: {LeaseLeftAsync(connectionString, id).GetAwaiter().GetResult()} of its lease left, {time.GetUtcNow() - new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)} in");
            Assert.Equal(1, effects.AttemptsFor(id));
        }

        var refusals = AskedElsewhere(a, b, id);
        output.WriteLine($"the other instance was refused {refusals} times over {3 * Lease}");
        Assert.True(refusals >= 10, $"the other instance asked only {refusals} times");

        gate.Open(id);
        await UntilCommittedToEndAsync(kafka, group);

        Probes.AssertEachHadExactlyOneEffect([id], effects.CountsById());
        Assert.Equal(1, effects.AttemptsFor(id));
        var holder = effects.Snapshot().Single().Instance == "a" ? a : b;
        var other = holder == a ? b : a;
        Assert.True(other.Logs.Any(e => e.Message.StartsWith($"Duplicate message {id} ", StringComparison.Ordinal)), "the other instance did not drop its copy as a duplicate");
        Assert.DoesNotContain(a.Logs.Snapshot().Concat(b.Logs.Snapshot()), e => e.Message.Contains("taken over", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_instance_whose_lease_was_taken_over_mid_handler_neither_marks_nor_releases_the_new_claim()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 1);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        var schema = "mc_lease_" + Guid.NewGuid().ToString("N")[..12];
        var server = new NpgsqlConnectionStringBuilder(OutboxDatabase.PostgresConnectionString);
        await using var proxy = new TcpProxy(server.Host == "localhost" ? "127.0.0.1" : server.Host!, server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(OutboxDatabase.PostgresConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3, Pooling = false }.ConnectionString;

        // The instance reaches the store through a proxy the test cuts; the test's own "other instance" reaches it directly.
        // No pooling through the proxy: a pooled connection the cut broke would fail the next call once, and its retry
        // would wait on the fake clock.
        await using var instanceStore = new PostgreSqlDeduplicationStore(throughProxy, schema, timeProvider: time);
        await using var otherStore = new PostgreSqlDeduplicationStore(OutboxDatabase.PostgresConnectionString, schema, timeProvider: time);
        try
        {
            var gate = new FaultGate();
            await using var instance = await StartHostAsync(kafka, group, "old-owner", instanceStore, new FaultEffects(), gate);

            // 1. Taken over, then the old owner's handler finishes: its outcome is not marked over the new claim.
            var first = Guid.CreateVersion7().ToString();
            var newOwner = Guid.NewGuid();
            await TakeOverMidHandlerAsync(kafka, proxy, gate, otherStore, first, newOwner);
            gate.Open(first);
            await Eventually.UntilAsync(
                () => instance.Logs.Any(e => e.Message.StartsWith($"Message {first} was handled here, but its claim was taken over", StringComparison.Ordinal)),
                Patience,
                () => "the old owner did not report that it left the outcome to the new owner");

            // Real time only: moving the shared clock on here would let the new claim run out.
            await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);
            await AssertHeldByAsync(otherStore, first, newOwner);
            Assert.Equal(1, instance.Effects.AttemptsFor(first));

            // 2. Taken over, then the old owner stops mid-handler: its release leaves the new claim alone.
            var second = Guid.CreateVersion7().ToString();
            var secondOwner = Guid.NewGuid();
            await TakeOverMidHandlerAsync(kafka, proxy, gate, otherStore, second, secondOwner);
            await instance.StopNowAsync();
            await Eventually.UntilAsync(
                () => instance.Logs.Any(e => e.Message.StartsWith("Released the claim(s) on 1 message(s) without an outcome: " + second, StringComparison.Ordinal)),
                Patience,
                () => "the old owner did not release its claim when stopped");
            await AssertHeldByAsync(otherStore, second, secondOwner);

            // The new owners still settle their messages as usual.
            Assert.True(await otherStore.MarkProcessedAsync(group, first, newOwner, default));
            Assert.True(await otherStore.MarkProcessedAsync(group, second, secondOwner, default));

            async Task AssertHeldByAsync(IDeduplicationStore store, string messageId, Guid owner)
            {
                Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync(group, messageId, Guid.NewGuid(), Lease, default));
                Assert.True(await store.RenewAsync(group, messageId, owner, Lease, default), $"the new claim on {messageId} is no longer its owner's");
            }

            async Task TakeOverMidHandlerAsync(EmbeddedKafka kafka, TcpProxy proxy, FaultGate gate, IDeduplicationStore other, string messageId, Guid owner)
            {
                await RawRecords.ProduceAsync(kafka.BootstrapServers, Probes.Topic, 0, [RawRecords.Probe(messageId, new FaultProbe("k", 0, FaultProbeBehaviors.Hold))]);
                await gate.Arrived(messageId).WaitAsync(Patience);

                // The old owner loses its store while its lease runs out (its renewals fail), and the other instance takes
                // the message over.
                proxy.Cut();
                for (var elapsed = TimeSpan.Zero; elapsed <= Lease; elapsed += Step)
                {
                    time.Advance(Step);
                }

                Assert.Equal(DeduplicationClaim.Claimed, await other.TryClaimAsync(group, messageId, owner, Lease, default));
                proxy.Restore();
            }
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
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private Task<FaultHost> StartHostAsync(EmbeddedKafka kafka, string group, string name, IDeduplicationStore store, FaultEffects effects, FaultGate gate) =>
        FaultHost.StartAsync(
            kafka,
            group,
            name,
            output,
            effects,
            store,
            configure: options => options.DeduplicationLease = Lease,
            timeProvider: time,
            gate: gate,
            logLevel: LogLevel.Debug);

    /// <summary>How often either host was told that another instance holds <paramref name="messageId"/>.</summary>
    private static int AskedElsewhere(FaultHost a, FaultHost b, string messageId) =>
        a.Logs.Snapshot().Concat(b.Logs.Snapshot()).Count(e => e.Message.StartsWith($"Message {messageId} is being processed by another instance", StringComparison.Ordinal));

    /// <summary>How much of the claim's lease is left on the shared clock, read from the SQLite store's row.</summary>
    private async Task<TimeSpan> LeaseLeftAsync(string connectionString, string messageId)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT lease_expires_at FROM {SqliteDeduplicationStore.TableName} WHERE message_id = $id AND state = 'claimed';";
        command.Parameters.AddWithValue("$id", messageId);
        return await command.ExecuteScalarAsync() is long expires
            ? DateTimeOffset.FromUnixTimeMilliseconds(expires) - time.GetUtcNow()
            : TimeSpan.MinValue;
    }

    /// <summary>Waits until the group committed the topic to its end, moving the shared clock on so waiting consumers ask again.</summary>
    private async Task UntilCommittedToEndAsync(EmbeddedKafka kafka, string group)
    {
        var high = KafkaProbe.HighWatermarks(kafka.BootstrapServers, Probes.Topic);
        var committed = Array.Empty<long>();
        await Eventually.UntilAsync(
            async () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                committed = await Task.Run(() => KafkaProbe.Committed(kafka.BootstrapServers, group, Probes.Topic, high.Length));
                return committed.SequenceEqual(high);
            },
            Patience,
            () => $"group '{group}' committed [{string.Join(", ", committed)}] of [{string.Join(", ", high)}]");
    }
}
