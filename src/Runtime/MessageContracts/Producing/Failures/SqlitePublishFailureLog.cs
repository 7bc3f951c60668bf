using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// An <see cref="IPublishFailureLog"/> in a SQLite database file: the default. It survives restarts; the
/// processes of one machine may share the file, instances on several machines need the PostgreSQL log instead.
/// </summary>
/// <remarks>
/// The log creates its table, <c>publish_failures</c>, on first use (the DDL is idempotent), so an unused log
/// never touches the disk, and switches the database to WAL mode with <c>synchronous = FULL</c>: a record is on
/// disk when <see cref="AppendAsync"/> returns. Times are stored as UTC ticks; headers as one length-prefixed blob.
/// </remarks>
public sealed class SqlitePublishFailureLog : IPublishFailureLog
{
    /// <summary>The name of the table the log keeps its records in.</summary>
    public const string TableName = "publish_failures";

    private const string Schema = $"""
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS {TableName} (
            sequence        INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id      TEXT    NOT NULL UNIQUE,
            message_type    TEXT    NOT NULL,
            topic           TEXT    NOT NULL,
            message_key     BLOB    NULL,
            message_value   BLOB    NOT NULL,
            headers         BLOB    NOT NULL,
            reason          TEXT    NOT NULL,
            failed_at       INTEGER NOT NULL,
            last_attempt_at INTEGER NOT NULL,
            attempts        INTEGER NOT NULL
        );
        """;

    private const string AppendSql = $"""
        INSERT INTO {TableName} (message_id, message_type, topic, message_key, message_value, headers, reason, failed_at, last_attempt_at, attempts)
        VALUES ($id, $type, $topic, $key, $value, $headers, $reason, $failedAt, $lastAttemptAt, $attempts)
        ON CONFLICT (message_id) DO NOTHING
        RETURNING sequence;
        """;

    private const string ReadSql = $"""
        SELECT sequence, message_id, message_type, topic, message_key, message_value, headers, reason, failed_at, last_attempt_at, attempts
        FROM {TableName} WHERE sequence > $after ORDER BY sequence LIMIT $limit;
        """;

    private const string FailedAttemptSql = $"""
        UPDATE {TableName} SET attempts = attempts + 1, reason = $reason, last_attempt_at = $at WHERE message_id = $id;
        """;

    private const string RemoveSql = $"DELETE FROM {TableName} WHERE message_id = $id;";

    private const string PurgeSql = $"DELETE FROM {TableName} WHERE failed_at < $before;";

    private readonly SqliteDatabase database;

    /// <summary>Creates a log on the SQLite database that <paramref name="connectionString"/> names.</summary>
    /// <param name="connectionString">
    /// A Microsoft.Data.Sqlite connection string naming a file, e.g. <c>Data Source=/var/lib/orders/failures.db</c>
    /// (see <see cref="DefaultPath"/>). The file and its folder are created on first use. In-memory databases are
    /// refused: a failure log that forgets is no log.
    /// </param>
    public SqlitePublishFailureLog(string connectionString)
    {
        // synchronous = FULL: a committed record survives a power loss in WAL mode.
        database = new SqliteDatabase(
            connectionString,
            Schema,
            extraConnectionPragmas: "PRAGMA synchronous = FULL;",
            inMemoryMessage: static connectionString =>
                $"The SQLite publish failure log needs a database file, but '{connectionString}' names an in-memory database. Use e.g. 'Data Source={DefaultPath("my-service")}'.");
    }

    /// <summary>
    /// The default database file of <paramref name="serviceName"/>:
    /// <c>&lt;LocalApplicationData&gt;/MessageContracts/&lt;service&gt;.failures.db</c>, or the same under the
    /// temporary folder when there is no writable local application data folder. Characters of the service name
    /// other than letters, digits, '.', '-' and '_' become '_'. The folder is created.
    /// </summary>
    /// <param name="serviceName">The service whose failed publishes the file keeps (<see cref="MessageContractsOptions.ServiceName"/>).</param>
    /// <returns>The full path of the database file (which need not exist yet).</returns>
    public static string DefaultPath(string serviceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        return SqliteDatabase.DefaultPath(SanitizeFileName(serviceName) + ".failures.db");
    }

    /// <inheritdoc />
    public async Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = AppendSql;
        command.Parameters.AddWithValue("$id", record.MessageId);
        command.Parameters.AddWithValue("$type", record.MessageType);
        command.Parameters.AddWithValue("$topic", record.Topic);
        command.Parameters.Add("$key", SqliteType.Blob).Value = (object?)record.Key ?? DBNull.Value;
        command.Parameters.Add("$value", SqliteType.Blob).Value = record.Value;
        command.Parameters.Add("$headers", SqliteType.Blob).Value = EncodeHeaders(record.Headers);
        command.Parameters.AddWithValue("$reason", record.Reason);
        command.Parameters.AddWithValue("$failedAt", record.FailedAt.UtcTicks);
        command.Parameters.AddWithValue("$lastAttemptAt", (record.LastAttemptAt == default ? record.FailedAt : record.LastAttemptAt).UtcTicks);
        command.Parameters.AddWithValue("$attempts", record.Attempts);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = ReadSql;
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", maxCount);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<PublishFailureRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new PublishFailureRecord
            {
                Sequence = reader.GetInt64(0),
                MessageId = reader.GetString(1),
                MessageType = reader.GetString(2),
                Topic = reader.GetString(3),
                Key = reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4),
                Value = (byte[])reader.GetValue(5),
                Headers = DecodeHeaders((byte[])reader.GetValue(6)),
                Reason = reader.GetString(7),
                FailedAt = new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero),
                LastAttemptAt = new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
                Attempts = reader.GetInt32(10),
            });
        }

        return records;
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {TableName};";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(reason);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = FailedAttemptSql;
        command.Parameters.AddWithValue("$id", messageId);
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$at", attemptedAt.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<int> RemoveAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return 0;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One transaction for the whole batch: one disk sync instead of one per record.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = RemoveSql;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var removed = 0;
        foreach (var messageId in messageIds)
        {
            id.Value = messageId;
            removed += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <inheritdoc />
    public async Task<int> PurgeAsync(DateTimeOffset failedBefore, CancellationToken cancellationToken)
    {
        if (database.IsMissing)
        {
            // Nothing ever failed here: no records, and no reason to create the file just to find that out.
            return 0;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = PurgeSql;
        command.Parameters.AddWithValue("$before", failedBefore.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] EncodeHeaders(IReadOnlyList<PublishFailureHeader> headers) =>
        HeaderBlob.Encode(headers.Count, headers, static header => header.Key, static header => header.Value);

    private static PublishFailureHeader[] DecodeHeaders(byte[] encoded) =>
        HeaderBlob.Decode(
            encoded,
            static count => new PublishFailureHeader[count],
            static (headers, index, key, value) => headers[index] = new PublishFailureHeader(key, value));

    private static string SanitizeFileName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var character in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(character) || character is '.' or '-' or '_' ? character : '_');
        }

        return builder.ToString();
    }
}
