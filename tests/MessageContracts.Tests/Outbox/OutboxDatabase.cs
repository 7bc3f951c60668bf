using System.Data.Common;
using MessageContracts.PostgreSql;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// The database of one outbox test: a fresh SQLite file, or uniquely named tables on the PostgreSQL server that
/// MESSAGECONTRACTS_POSTGRES names (the local one by default). It holds the business table (<c>orders</c>), the effects
/// the test handler writes, the outbox and the inbox. An unreachable PostgreSQL fails the test; it is never skipped.
/// </summary>
public sealed class OutboxDatabase : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    private const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    private readonly string? file;

    private OutboxDatabase(string provider, string connectionString, string prefix, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Prefix = prefix;
        this.file = file;
    }

    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable("MESSAGECONTRACTS_POSTGRES") is { Length: > 0 } configured ? configured : DefaultPostgres;

    public string Provider { get; }

    public string ConnectionString { get; }

    public string Prefix { get; }

    public bool IsPostgreSql => Provider == PostgreSql;

    public string OrdersTable => IsPostgreSql ? $"{Prefix}_orders" : "orders";

    public string EffectsTable => IsPostgreSql ? $"{Prefix}_effects" : "effects";

    public string OutboxTable => IsPostgreSql ? $"{Prefix}_outbox" : "outbox_messages";

    public string InboxTable => IsPostgreSql ? $"{Prefix}_inbox" : "message_inbox";

    public static async Task<OutboxDatabase> CreateAsync(string provider)
    {
        var prefix = "obx_" + Guid.NewGuid().ToString("N")[..12];
        OutboxDatabase database;
        if (provider == PostgreSql)
        {
            database = new OutboxDatabase(provider, PostgresConnectionString, prefix, null);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), "messagecontracts-outbox-tests", prefix + ".db");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            database = new OutboxDatabase(provider, $"Data Source={file}", prefix, file);
        }

        await database.ExecuteAsync($"CREATE TABLE {database.OrdersTable} (order_id TEXT PRIMARY KEY, note TEXT NOT NULL)");
        await database.ExecuteAsync($"CREATE TABLE {database.EffectsTable} (message_id TEXT NOT NULL, probe_key TEXT NOT NULL, sequence INTEGER NOT NULL)");
        return database;
    }

    /// <summary>Points the options at this database: the outbox, and the inbox (through <paramref name="inboxConnectionString"/> when given).</summary>
    public void Configure(MessageContractsOptions options, bool outbox = true, bool inbox = true, string? inboxConnectionString = null)
    {
        if (IsPostgreSql)
        {
            if (outbox)
            {
                options.UsePostgreSqlOutbox(ConnectionString, tableName: OutboxTable);
            }

            if (inbox)
            {
                options.UsePostgreSqlInbox(inboxConnectionString ?? ConnectionString, tableName: InboxTable);
            }
        }
        else
        {
            if (outbox)
            {
                options.UseSqliteOutbox(ConnectionString);
            }

            if (inbox)
            {
                options.UseSqliteInbox(inboxConnectionString ?? ConnectionString);
            }
        }

        if (!inbox)
        {
            options.DeduplicationStore = new InMemoryDeduplicationStore();
        }
    }

    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = IsPostgreSql ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Writes an order and enqueues <paramref name="probes"/> in one transaction, then commits or rolls back.</summary>
    public async Task<List<string>> PlaceOrderAsync(IOutbox outbox, string orderId, IEnumerable<OutboxProbe> probes, bool commit = true)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {OrdersTable} (order_id, note) VALUES ('{orderId}', 'placed')";
            await command.ExecuteNonQueryAsync();
        }

        var ids = new List<string>();
        foreach (var probe in probes)
        {
            ids.Add(await outbox.EnqueueAsync(probe, transaction));
        }

        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }

        return ids;
    }

    public async Task<long> CountAsync(string table, string where = "1 = 1")
    {
        try
        {
            await using var connection = await OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {where}";
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (IsMissingTable(exception))
        {
            return 0;
        }
    }

    /// <summary>Effect rows by message ID.</summary>
    public async Task<Dictionary<string, int>> EffectsByIdAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT message_id, COUNT(*) FROM {EffectsTable} GROUP BY message_id";
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    public Task<long> UnsentAsync() => CountAsync(OutboxTable, "sent_at IS NULL");

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (IsPostgreSql)
        {
            foreach (var table in new[] { OrdersTable, EffectsTable, OutboxTable, InboxTable })
            {
                await ExecuteAsync($"DROP TABLE IF EXISTS {table}");
            }
        }
        else
        {
            SqliteConnection.ClearAllPools();
            foreach (var path in new[] { file!, file + "-wal", file + "-shm" })
            {
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                    // A host still closing; the temporary folder is cleaned up eventually.
                }
            }
        }
    }

    private static bool IsMissingTable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable }
        || (exception is SqliteException sqlite && sqlite.Message.Contains("no such table", StringComparison.Ordinal));
}
