using System.Text;
using Confluent.Kafka;
using MessageContracts.PostgreSql;
using MessageContracts.Tests.Outbox;
using Npgsql;
using Xunit;

namespace MessageContracts.Tests.Security;

/// <summary>
/// Every store's statements are parameterized: values shaped like SQL (quotes, semicolons, comments, a DROP TABLE),
/// unicode (right-to-left override, emoji, a lone combining mark) and very long text go in and come back byte for byte,
/// and the tables are still there afterwards. The PostgreSQL stores' configurable schema and table names are checked
/// as names (the SQLite stores' names are constants), so a hostile name is refused before any SQL runs.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class HostileValuesTests
{
    /// <summary>Values an attacker (or an unlucky producer) could put in a message ID, a type, a topic or a reason.</summary>
    public static readonly string[] Hostile =
    [
        "'; DROP TABLE x; --",
        "'); DROP TABLE outbox_messages; DROP TABLE message_deduplication; DROP TABLE message_inbox; --",
        "\" OR 1=1; DELETE FROM publish_failures; --",
        "back\\slash `tick` $1 $$dollar$$ %s {0} ? :name @p",
        "Ünïcödé — 日本語 🚀 \u202Eevil\u202C e\u0301",
        "semi;colon;" + new string('\'', 40),
        // Long, yet within what a btree index entry holds: these values are keys (IDs, groups) as well.
        new string('x', 1_000) + "'; --",
    ];

    /// <summary>A payload far larger than any key, for the columns that are not indexed (values, reasons).</summary>
    private static readonly string LongText = new string('y', 100_000) + "'; DROP TABLE x; --";

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task The_deduplication_store_claims_and_remembers_hostile_ids_and_groups(string provider)
    {
        var table = "dedup_" + Guid.NewGuid().ToString("N")[..12];
        var file = Path.Combine(Path.GetTempPath(), "messagecontracts-hostile", table + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        IDeduplicationStore deduplication = provider == OutboxDatabase.PostgreSql
            ? new PostgreSqlDeduplicationStore(OutboxDatabase.PostgresConnectionString, tableName: table)
            : new SqliteDeduplicationStore("Data Source=" + file);
        try
        {
            foreach (var group in Hostile)
            {
                var owner = Guid.NewGuid();
                Assert.All(await deduplication.TryClaimAsync(group, Hostile, owner, TimeSpan.FromMinutes(1), default), claim => Assert.Equal(DeduplicationClaim.Claimed, claim));
                Assert.All(await deduplication.MarkProcessedAsync(group, Hostile, owner, default), Assert.True);
                Assert.All(await deduplication.TryClaimAsync(group, Hostile, Guid.NewGuid(), TimeSpan.FromMinutes(1), default), claim => Assert.Equal(DeduplicationClaim.AlreadyProcessed, claim));
            }

            // One row per group and ID: nothing was dropped, merged or cut.
            var rows = provider == OutboxDatabase.PostgreSql
                ? await CountPostgreSqlAsync($"\"public\".\"{table}\"")
                : await CountSqliteAsync(file, SqliteDeduplicationStore.TableName);
            Assert.Equal(Hostile.Length * Hostile.Length, rows);
            Assert.True(await TableExistsAsync(provider, file, provider == OutboxDatabase.PostgreSql ? table : SqliteDeduplicationStore.TableName));
        }
        finally
        {
            if (deduplication is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            if (provider == OutboxDatabase.PostgreSql)
            {
                await ExecutePostgreSqlAsync($"DROP TABLE IF EXISTS \"public\".\"{table}\"");
            }
        }
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task The_outbox_relays_hostile_rows_unchanged(string provider)
    {
        await using var database = await OutboxDatabase.CreateAsync(provider);
        var options = new MessageContractsOptions();
        database.Configure(options, inbox: false);
        var store = options.OutboxStore!;
        await store.EnsureCreatedAsync(default);
        var rows = Hostile.Select((value, i) => Row(value, i)).ToList();

        await using (var connection = await database.OpenAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            foreach (var row in rows)
            {
                await store.EnqueueAsync(row, transaction, default);
            }

            await transaction.CommitAsync();
        }

        await using (var lease = await store.LeaseAsync(100, default))
        {
            Assert.Equal(rows.Count, lease.Messages.Count);
            foreach (var (sent, read) in rows.Zip(lease.Messages.OrderBy(m => m.Sequence)))
            {
                Assert.Equal(sent.MessageId, read.MessageId);
                Assert.Equal(sent.MessageType, read.MessageType);
                Assert.Equal(sent.Topic, read.Topic);
                Assert.Equal(sent.Key, read.Key);
                Assert.Equal(sent.Value, read.Value);
                Assert.Equal(sent.Headers, read.Headers);
            }

            await lease.MarkSentAsync([.. lease.Messages.Select(m => m.Sequence)], T0, default);
        }

        Assert.Equal(rows.Count, await database.CountAsync(database.OutboxTable, "sent_at IS NOT NULL"));
        await DisposeAsync(store);
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task The_inbox_records_hostile_ids_and_groups_once(string provider)
    {
        await using var database = await OutboxDatabase.CreateAsync(provider);
        var options = new MessageContractsOptions();
        database.Configure(options, outbox: false);
        var inbox = options.InboxStore!;

        foreach (var value in Hostile)
        {
            await using (var unit = await inbox.TryBeginAsync(value, value, T0, default))
            {
                Assert.NotNull(unit);
                await unit.Transaction.CommitAsync();
            }

            Assert.Null(await inbox.TryBeginAsync(value, value, T0, default));
        }

        Assert.Equal(Hostile.Length, await database.CountAsync(database.InboxTable));
        if (inbox is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task The_publish_failure_log_keeps_hostile_records_unchanged(string provider)
    {
        var table = "failures_" + Guid.NewGuid().ToString("N")[..12];
        var file = Path.Combine(Path.GetTempPath(), "messagecontracts-hostile", table + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        IPublishFailureLog log = provider == OutboxDatabase.PostgreSql
            ? new PostgreSqlPublishFailureLog(OutboxDatabase.PostgresConnectionString, tableName: table)
            : new SqlitePublishFailureLog("Data Source=" + file);
        try
        {
            var records = Hostile.Select(value => new PublishFailureRecord
            {
                MessageId = value,
                MessageType = value,
                Topic = value,
                Key = Encoding.UTF8.GetBytes(value),
                Value = Encoding.UTF8.GetBytes(value + LongText),
                Headers = [new PublishFailureHeader(value, Encoding.UTF8.GetBytes(value)), new PublishFailureHeader(value, null)],
                Reason = value + LongText,
                FailedAt = T0,
                LastAttemptAt = T0,
            }).ToList();
            foreach (var record in records)
            {
                Assert.True(await log.AppendAsync(record, default));
            }

            var read = await log.ReadAsync(0, 100, default);
            Assert.Equal(records.Count, read.Count);
            foreach (var (written, stored) in records.Zip(read))
            {
                Assert.Equal(written.MessageId, stored.MessageId);
                Assert.Equal(written.MessageType, stored.MessageType);
                Assert.Equal(written.Topic, stored.Topic);
                Assert.Equal(written.Key, stored.Key);
                Assert.Equal(written.Value, stored.Value);
                Assert.Equal(written.Reason, stored.Reason);
                Assert.Equal(written.Headers.Select(h => (h.Key, Convert.ToBase64String(h.Value ?? []), h.Value is null)), stored.Headers.Select(h => (h.Key, Convert.ToBase64String(h.Value ?? []), h.Value is null)));
            }

            Assert.True(await log.RecordFailedAttemptAsync(Hostile[0], Hostile[1], T0.AddMinutes(1), default));
            Assert.Equal(Hostile[1], (await log.ReadAsync(0, 1, default))[0].Reason);
            Assert.Equal(2, await log.RemoveAsync([Hostile[2], Hostile[3]], default));
            Assert.Equal(records.Count - 2, await log.CountAsync(default));
        }
        finally
        {
            if (log is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            if (provider == OutboxDatabase.PostgreSql)
            {
                await ExecutePostgreSqlAsync($"DROP TABLE IF EXISTS \"public\".\"{table}\"");
            }
        }
    }

    public static readonly TheoryData<string> HostileNames = new()
    {
        "x\"; DROP TABLE x; --",
        "public'; --",
        "a b",
        "name;",
        "ünïcode",
        "\"quoted\"",
        "1starts_with_digit",
        "",
        new string('n', 51),
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void The_postgresql_stores_refuse_a_hostile_schema_or_table_name_before_any_sql(string name)
    {
        // An unreachable server: a name that got past the check would fail later, on the connection, not here.
        const string Unreachable = "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d";
        Assert.Throws<ArgumentException>(() => new PostgreSqlDeduplicationStore(Unreachable, schema: name));
        Assert.Throws<ArgumentException>(() => new PostgreSqlDeduplicationStore(Unreachable, tableName: name));
        Assert.Throws<ArgumentException>(() => new MessageContractsOptions().UsePostgreSqlOutbox(Unreachable, schema: name));
        Assert.Throws<ArgumentException>(() => new MessageContractsOptions().UsePostgreSqlOutbox(Unreachable, tableName: name));
        Assert.Throws<ArgumentException>(() => new MessageContractsOptions().UsePostgreSqlInbox(Unreachable, schema: name));
        Assert.Throws<ArgumentException>(() => new MessageContractsOptions().UsePostgreSqlInbox(Unreachable, tableName: name));
        Assert.Throws<ArgumentException>(() => new PostgreSqlPublishFailureLog(Unreachable, name));
        Assert.Throws<ArgumentException>(() => new PostgreSqlPublishFailureLog(Unreachable, null, name));
    }

    private static OutboxMessage Row(string value, int index)
    {
        var id = value + "#" + index;
        var key = Encoding.UTF8.GetBytes(value);
        var headers = OutboxHeaders.Encode(new KafkaTransportHeaders(new Headers { { value, Encoding.UTF8.GetBytes(value) }, { MessageHeaders.Id, Encoding.UTF8.GetBytes(id) } }));
        return new OutboxMessage(0, id, value, value, key, Encoding.UTF8.GetBytes(value + LongText), headers, OutboxBuckets.For(key, id), T0);
    }

    private static async Task DisposeAsync(IOutboxStore store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private static async Task<long> CountPostgreSqlAsync(string qualifiedTable)
    {
        await using var dataSource = NpgsqlDataSource.Create(OutboxDatabase.PostgresConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {qualifiedTable}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountSqliteAsync(string file, string table)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + file);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> TableExistsAsync(string provider, string file, string table)
    {
        if (provider == OutboxDatabase.PostgreSql)
        {
            await using var dataSource = NpgsqlDataSource.Create(OutboxDatabase.PostgresConnectionString);
            await using var command = dataSource.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
            command.Parameters.Add(new NpgsqlParameter { Value = $"public.{table}" });
            return (bool)(await command.ExecuteScalarAsync())!;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + file);
        await connection.OpenAsync();
        await using var sqlite = connection.CreateCommand();
        sqlite.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        sqlite.Parameters.AddWithValue("$name", table);
        return (long)(await sqlite.ExecuteScalarAsync())! == 1;
    }

    private static async Task ExecutePostgreSqlAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(OutboxDatabase.PostgresConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
