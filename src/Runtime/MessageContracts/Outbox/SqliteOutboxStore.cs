using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// The outbox in a SQLite database file, the one the application keeps its own data in (its transactions write the
/// rows). SQLite has one writer at a time, so one relay serves the file: run the relay in one process only.
/// </summary>
internal sealed class SqliteOutboxStore : IOutboxStore, IOutboxBacklog
{
    public const string TableName = "outbox_messages";

    // Without the PRAGMA: this part may run inside the caller's transaction, where journal_mode cannot change.
    private const string CreateTableSql = $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            sequence      INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id    TEXT    NOT NULL UNIQUE,
            message_type  TEXT    NOT NULL,
            topic         TEXT    NOT NULL,
            message_key   BLOB    NULL,
            message_value BLOB    NOT NULL,
            headers       BLOB    NOT NULL,
            bucket        INTEGER NOT NULL,
            created_at    INTEGER NOT NULL,
            sent_at       INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS {TableName}_unsent ON {TableName} (sequence) WHERE sent_at IS NULL;
        CREATE INDEX IF NOT EXISTS {TableName}_sent_at ON {TableName} (sent_at) WHERE sent_at IS NOT NULL;
        """;

    private const string InsertSql = $"""
        INSERT INTO {TableName} (message_id, message_type, topic, message_key, message_value, headers, bucket, created_at)
        VALUES ($id, $type, $topic, $key, $value, $headers, $bucket, $createdAt)
        ON CONFLICT (message_id) DO NOTHING;
        """;

    private const string LeaseSql = $"""
        SELECT sequence, message_id, message_type, topic, message_key, message_value, headers, bucket, created_at
        FROM {TableName} WHERE sent_at IS NULL ORDER BY sequence LIMIT $limit;
        """;

    // The partial index on unsent rows serves both the count and the minimum.
    private const string BacklogSql = $"SELECT count(*), min(created_at) FROM {TableName} WHERE sent_at IS NULL;";

    private readonly SqliteDatabase database;
    private volatile bool created;

    public SqliteOutboxStore(string connectionString)
    {
        database = new SqliteDatabase(
            connectionString,
            "PRAGMA journal_mode = WAL;\n" + CreateTableSql,
            extraConnectionPragmas: null,
            inMemoryMessage: static connectionString =>
                $"The SQLite outbox needs the database file the application writes its data to, but '{connectionString}' names an in-memory database.");
    }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!created)
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            created = true;
        }
    }

    public async Task EnqueueAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (transaction is not SqliteTransaction || transaction.Connection is not SqliteConnection connection)
        {
            throw new ArgumentException($"The SQLite outbox writes through a SqliteTransaction; got {transaction.GetType().Name}.", nameof(transaction));
        }

        if (!created)
        {
            // Not created yet by this process (the relay creates it at start): create it in the caller's transaction,
            // where it commits or rolls back with the row. Idempotent, so it may run more than once.
            await using var ddl = connection.CreateCommand();
            ddl.Transaction = (SqliteTransaction)transaction;
            ddl.CommandText = CreateTableSql;
            await ddl.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = InsertSql;
        command.Parameters.AddWithValue("$id", message.MessageId);
        command.Parameters.AddWithValue("$type", message.MessageType);
        command.Parameters.AddWithValue("$topic", message.Topic);
        command.Parameters.Add("$key", SqliteType.Blob).Value = (object?)message.Key ?? DBNull.Value;
        command.Parameters.Add("$value", SqliteType.Blob).Value = message.Value;
        command.Parameters.Add("$headers", SqliteType.Blob).Value = message.Headers;
        command.Parameters.AddWithValue("$bucket", message.Bucket);
        command.Parameters.AddWithValue("$createdAt", message.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxLease> LeaseAsync(int maxMessages, CancellationToken cancellationToken)
    {
        // One relay per file: the oldest unsent rows are this relay's without any lock.
        var rows = new List<OutboxMessage>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = LeaseSql;
        command.Parameters.AddWithValue("$limit", maxMessages);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new OutboxMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4),
                (byte[])reader.GetValue(5),
                (byte[])reader.GetValue(6),
                reader.GetInt32(7),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
        }

        return new Lease(rows, database);
    }

    public async Task<int> PurgeSentAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {TableName} WHERE sent_at IS NOT NULL AND sent_at < $olderThan;";
        command.Parameters.AddWithValue("$olderThan", olderThan.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        // A plain read: in WAL mode it waits for no writer, the relay's marks included.
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = BacklogSql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var count = reader.GetInt64(0);
        return new OutboxBacklog(count, reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
    }

    private sealed class Lease(IReadOnlyList<OutboxMessage> messages, SqliteDatabase database) : OutboxLease(messages)
    {
        public override async Task MarkSentAsync(IReadOnlyList<long> sequences, DateTimeOffset sentAt, CancellationToken cancellationToken)
        {
            if (sequences.Count == 0)
            {
                return;
            }

            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"UPDATE {TableName} SET sent_at = $sentAt WHERE sequence = $sequence;";
            command.Parameters.AddWithValue("$sentAt", sentAt.ToUnixTimeMilliseconds());
            var sequence = command.Parameters.Add("$sequence", SqliteType.Integer);
            foreach (var value in sequences)
            {
                sequence.Value = value;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
