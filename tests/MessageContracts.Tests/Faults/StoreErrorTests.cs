using System.Text;
using Confluent.Kafka;
using Faults.Contracts;
using MessageContracts.PostgreSql;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Outbox;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// The two classes of deduplication store error, through the embedded Kafka, for each store. An error the record causes
/// (its ID is too long for the store's key, or refused by a column or constraint) dead-letters that record with a reason,
/// and the partition goes on. A store that is down is retried: nothing is committed or skipped meanwhile, and once it is
/// back every message is handled exactly once.
/// </summary>
/// <remarks>
/// Each record-caused case runs twice: records queued before the consumer starts (settled in a batch, where one refused
/// ID must not cost the batch) and records produced one at a time to a consumer that is idle (the single-record path).
/// PostgreSQL must be running; an unreachable server fails these tests, never skips them.
/// </remarks>
[Collection(FaultsCollection.Name)]
public sealed class StoreErrorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string schema = "mc_faults_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string folder = Directory.CreateTempSubdirectory("mc-store-errors-").FullName;

    private string SqliteConnectionString => $"Data Source={Path.Combine(folder, "dedup.db")}";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        await using var connection = new NpgsqlConnection(OutboxDatabase.PostgresConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task PostgreSql_an_id_too_long_for_the_key_index_is_dead_lettered_and_the_partition_goes_on()
    {
        // The seed's case: 10,000 characters (random, so they do not compress into the index entry), with the consumer's
        // own ID limit raised so the store is what refuses it: 54000 "index row requires ... bytes".
        await using var store = new PostgreSqlDeduplicationStore(OutboxDatabase.PostgresConnectionString, schema);
        await AHostileIdIsDeadLetteredAndThePartitionGoesOnAsync(
            store,
            hostile: n => RandomId(10_000, n),
            expectedReason: "PostgreSQL 54000",
            options => options.MaxMessageIdBytes = 20_000);
    }

    [Fact]
    public async Task PostgreSql_an_id_longer_than_a_column_a_dba_made_narrower_is_dead_lettered_and_the_partition_goes_on()
    {
        // Within the consumer's 200-byte limit, but the table was created beforehand with message_id varchar(40): 22001.
        await ExecutePostgreSqlAsync($"""
            CREATE SCHEMA "{schema}";
            CREATE TABLE "{schema}".message_deduplication (consumer_group text NOT NULL, message_id varchar(40) NOT NULL,
                state text NOT NULL, lease_expires_at timestamptz NULL, processed_at timestamptz NULL, owner uuid NULL,
                PRIMARY KEY (consumer_group, message_id));
            """);
        await using var store = new PostgreSqlDeduplicationStore(OutboxDatabase.PostgresConnectionString, schema);
        await AHostileIdIsDeadLetteredAndThePartitionGoesOnAsync(store, hostile: n => RandomId(60, n), expectedReason: "PostgreSQL 22001");
    }

    [Fact]
    public async Task Sqlite_an_id_a_check_constraint_refuses_is_dead_lettered_and_the_partition_goes_on()
    {
        await using (var connection = new SqliteConnection(SqliteConnectionString))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE {SqliteDeduplicationStore.TableName} (consumer_group TEXT NOT NULL, message_id TEXT NOT NULL,
                    state TEXT NOT NULL, lease_expires_at INTEGER NULL, processed_at INTEGER NULL, owner BLOB NULL,
                    PRIMARY KEY (consumer_group, message_id), CHECK (length(message_id) <= 40)) WITHOUT ROWID;
                """;
            await create.ExecuteNonQueryAsync();
        }

        await AHostileIdIsDeadLetteredAndThePartitionGoesOnAsync(
            new SqliteDeduplicationStore(SqliteConnectionString), hostile: n => RandomId(60, n), expectedReason: "SQLite error 275");
    }

    [Fact]
    public async Task InMemory_an_id_over_the_consumers_limit_is_dead_lettered_and_the_partition_goes_on()
    {
        // The in-memory store takes any ID (and cannot be down): what protects it, and every store, is the consumer's
        // MaxMessageIdBytes, checked before the store is asked.
        await AHostileIdIsDeadLetteredAndThePartitionGoesOnAsync(
            new InMemoryDeduplicationStore(), hostile: n => RandomId(10_000, n), expectedReason: "MessageContractsOptions.MaxMessageIdBytes");
    }

    [Fact]
    public async Task InMemory_an_id_within_a_raised_limit_is_handled()
    {
        await using var kafka = await StartKafkaAsync();
        var group = NewGroup();
        var longId = RandomId(10_000, 0);
        await RawRecords.ProduceAsync(kafka.BootstrapServers, Probes.Topic, 0, [RawRecords.Probe(longId, new FaultProbe("long", 0, FaultProbeBehaviors.Ok))]);

        await using var host = await FaultHost.StartAsync(kafka, group, output: output, configure: options => options.MaxMessageIdBytes = 20_000);
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        Probes.AssertEachHadExactlyOneEffect([longId], host.Effects.CountsById());
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }

    [Fact]
    public async Task PostgreSql_down_is_retried_nothing_is_skipped_and_every_message_is_handled_once_when_it_is_back()
    {
        var server = new NpgsqlConnectionStringBuilder(OutboxDatabase.PostgresConnectionString);
        await using var proxy = new TcpProxy(server.Host == "localhost" ? "127.0.0.1" : server.Host!, server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(OutboxDatabase.PostgresConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var store = new PostgreSqlDeduplicationStore(throughProxy, schema);
        proxy.Cut();

        await AStoreThatIsDownIsRetriedAsync(store, restore: () =>
        {
            Assert.True(proxy.Refused > 0, "the consumer never tried the store while it was cut off");
            proxy.Restore();
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Sqlite_locked_is_retried_nothing_is_skipped_and_every_message_is_handled_once_when_it_is_free()
    {
        // Another process holds the file's write lock: each claim gives up after its 1 s busy timeout.
        await using var locker = new SqliteConnection(SqliteConnectionString);
        await locker.OpenAsync();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        await AStoreThatIsDownIsRetriedAsync(new SqliteDeduplicationStore(SqliteConnectionString + ";Default Timeout=1"), restore: async () =>
        {
            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        });
    }

    /// <summary>
    /// Ten valid messages around two records whose IDs <paramref name="store"/> cannot hold: one queued before the
    /// consumer starts (a batch), one produced alone to an idle consumer. Each hostile record is dead-lettered with a
    /// reason containing <paramref name="expectedReason"/>; every valid message is handled once; the partition is
    /// committed to its end.
    /// </summary>
    private async Task AHostileIdIsDeadLetteredAndThePartitionGoesOnAsync(
        IDeduplicationStore store, Func<int, string> hostile, string expectedReason, Action<MessageContractsOptions>? configure = null)
    {
        await using var kafka = await StartKafkaAsync();
        var group = NewGroup();
        using var metrics = new FaultMetrics(Probes.Topic);
        var valid = Enumerable.Range(0, 10).Select(i => (Id: Guid.CreateVersion7().ToString(), Probe: new FaultProbe("k", i, FaultProbeBehaviors.Ok))).ToList();
        var hostileIds = new[] { hostile(1), hostile(2) };

        // Queued before the consumer starts: the worker settles them as one batch.
        await RawRecords.ProduceAsync(
            kafka.BootstrapServers,
            Probes.Topic,
            0,
            valid.Take(5).Select(v => RawRecords.Probe(v.Id, v.Probe)).Append(RawRecords.Probe(hostileIds[0], new FaultProbe("k", 100, FaultProbeBehaviors.Ok))));
        await using var host = await FaultHost.StartAsync(kafka, group, output: output, deduplication: store, configure: configure);
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        // One at a time to the idle consumer: the single-record path.
        foreach (var record in new[] { RawRecords.Probe(hostileIds[1], new FaultProbe("k", 101, FaultProbeBehaviors.Ok)) }.Concat(valid.Skip(5).Select(v => RawRecords.Probe(v.Id, v.Probe))))
        {
            await RawRecords.ProduceAsync(kafka.BootstrapServers, Probes.Topic, 0, [record]);
        }

        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        Probes.AssertEachHadExactlyOneEffect(valid.Select(v => v.Id), host.Effects.CountsById());
        Probes.AssertPerKeyOrder(host.Effects.Snapshot());
        var deadLetters = KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic);
        Assert.Equal(hostileIds, deadLetters.Select(d => KafkaProbe.Header(d, MessageHeaders.Id)));
        Assert.All(deadLetters, d =>
        {
            var reason = KafkaProbe.Header(d, MessageHeaders.DeadLetterReason);
            output.WriteLine($"dead-letter reason: {reason}");
            Assert.Contains(expectedReason, reason);
            Assert.Equal("0", KafkaProbe.Header(d, MessageHeaders.DeadLetterAttempts));
        });
        Assert.Equal(2, metrics[FaultMetrics.DeadLettered]);
        Assert.Equal(10, metrics[FaultMetrics.Handled]);
    }

    /// <summary>
    /// Ten messages wait while <paramref name="store"/> is down: the consumer keeps trying, commits nothing, and runs no
    /// handler; then <paramref name="restore"/> brings it back and each message is handled exactly once.
    /// </summary>
    private async Task AStoreThatIsDownIsRetriedAsync(IDeduplicationStore store, Func<Task> restore)
    {
        await using var kafka = await StartKafkaAsync();
        var group = NewGroup();
        var valid = Enumerable.Range(0, 10).Select(i => (Id: Guid.CreateVersion7().ToString(), Probe: new FaultProbe("k", i, FaultProbeBehaviors.Ok))).ToList();
        await RawRecords.ProduceAsync(kafka.BootstrapServers, Probes.Topic, 0, valid.Select(v => RawRecords.Probe(v.Id, v.Probe)));

        await using var host = await FaultHost.StartAsync(kafka, group, output: output, deduplication: store);
        await Eventually.UntilAsync(
            () => host.Logs.Snapshot().Count(e => e.Message.StartsWith("Could not claim", StringComparison.Ordinal)) >= 3,
            Patience,
            () => "the consumer did not retry the store while it was down");
        Assert.Equal([-1L], KafkaProbe.Committed(kafka.BootstrapServers, group, Probes.Topic, 1));
        Assert.Equal(0, host.Effects.Count);

        await restore();
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        Probes.AssertEachHadExactlyOneEffect(valid.Select(v => v.Id), host.Effects.CountsById());
        Probes.AssertPerKeyOrder(host.Effects.Snapshot());
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }

    private static async Task<EmbeddedKafka> StartKafkaAsync()
    {
        var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 1);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        return kafka;
    }

    private static string NewGroup() => "faults-" + Guid.NewGuid().ToString("N");

    /// <summary>Printable ASCII of <paramref name="length"/>, random (incompressible), tagged with <paramref name="tag"/>.</summary>
    private static string RandomId(int length, int tag)
    {
        var id = new StringBuilder($"hostile-{tag}-");
        while (id.Length < length)
        {
            id.Append(Guid.NewGuid().ToString("N"));
        }

        return id.ToString(0, length);
    }

    private static async Task ExecutePostgreSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(OutboxDatabase.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
