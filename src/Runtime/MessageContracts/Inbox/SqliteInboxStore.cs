using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// The transactional inbox in a SQLite file. <c>BEGIN IMMEDIATE</c> takes the file's write lock for the whole unit (the
/// handlers run inside it), so units of different partitions run one at a time on one file.
/// </summary>
internal sealed class SqliteInboxStore : IInboxStore
{
    public const string TableName = "message_inbox";

    private const string Schema = $"""
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS {TableName} (
            consumer_group TEXT    NOT NULL,
            message_id     TEXT    NOT NULL,
            status         TEXT    NOT NULL CHECK (status IN ('handled', 'dead_lettered')),
            processed_at   INTEGER NOT NULL,
            PRIMARY KEY (consumer_group, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS {TableName}_processed_at ON {TableName} (processed_at);
        """;

    private const string InsertSql = $"""
        INSERT INTO {TableName} (consumer_group, message_id, status, processed_at) VALUES ($group, $id, 'handled', $now)
        ON CONFLICT (consumer_group, message_id) DO NOTHING
        RETURNING 1;
        """;

    private readonly SqliteDatabase database;

    public SqliteInboxStore(string connectionString)
    {
        database = new SqliteDatabase(
            connectionString,
            Schema,
            extraConnectionPragmas: null,
            inMemoryMessage: static connectionString =>
                $"The SQLite inbox needs the database file the handlers write to, but '{connectionString}' names an in-memory database.");
    }

    public async Task<InboxUnit?> TryBeginAsync(string consumerGroup, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await InboxUnit.StartAsync(
                connection,
                // Immediate, not deferred: take the write lock now, so a busy database is met here and not mid-handler.
                open => ValueTask.FromResult<DbTransaction>(((SqliteConnection)open).BeginTransaction(deferred: false)),
                async unit =>
                {
                    await using var command = InsertCommand(connection, (SqliteTransaction)unit.Transaction, consumerGroup, messageId, now);
                    return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
                }).ConfigureAwait(false);
        }
        catch (SqliteException exception) when (SqliteErrors.IsDataError(exception))
        {
            // The unit was rolled back. A known-good ID accepted by the same insert proves the record at fault.
            var recordAtFault = await SqliteErrors.ProbeAsync(
                database,
                async (connection, transaction) =>
                {
                    await using var probe = InsertCommand(connection, transaction, consumerGroup, SqliteErrors.ProbeMessageId, now);
                    await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            if (recordAtFault)
            {
                throw SqliteErrors.Rejected("SQLite inbox", messageId, exception);
            }

            throw;
        }
    }

    private static SqliteCommand InsertCommand(SqliteConnection connection, SqliteTransaction transaction, string consumerGroup, string messageId, DateTimeOffset now)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        command.Parameters.AddWithValue("$group", consumerGroup);
        command.Parameters.AddWithValue("$id", messageId);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return command;
    }

    public async Task MarkDeadLetteredAsync(InboxUnit unit, string consumerGroup, string messageId, CancellationToken cancellationToken)
    {
        await using var command = ((SqliteConnection)unit.Connection).CreateCommand();
        command.Transaction = (SqliteTransaction)unit.Transaction;
        command.CommandText = $"UPDATE {TableName} SET status = 'dead_lettered' WHERE consumer_group = $group AND message_id = $id;";
        command.Parameters.AddWithValue("$group", consumerGroup);
        command.Parameters.AddWithValue("$id", messageId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {TableName} WHERE processed_at < $olderThan;";
        command.Parameters.AddWithValue("$olderThan", olderThan.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
