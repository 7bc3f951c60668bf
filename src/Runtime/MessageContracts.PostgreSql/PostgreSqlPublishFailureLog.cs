using Npgsql;
using NpgsqlTypes;

namespace MessageContracts.PostgreSql;

/// <summary>
/// An <see cref="IPublishFailureLog"/> in a PostgreSQL table, shared by every instance of a service: whichever
/// instance logged a failed publish, any instance's <see cref="IPublishFailureReplayer"/> can replay it.
/// </summary>
/// <remarks>
/// <para>
/// The table (by default <c>public.publish_failures</c>) and its schema are created on first use, or by
/// <see cref="EnsureCreatedAsync"/>, when missing; instances starting together serialize that step on an advisory
/// lock. A user without the right to create them can run the DDL beforehand.
/// </para>
/// <para>
/// Headers are kept as two parallel arrays, <c>header_keys text[]</c> and <c>header_values bytea[]</c>, so they can be
/// read with SQL. A data source given to the constructor must therefore map arrays (a full <see cref="NpgsqlDataSource"/>,
/// or a slim one with <c>EnableArrays()</c>). Times are <c>timestamptz</c> (microsecond precision).
/// </para>
/// <para>
/// Sequences come from an identity column: two instances appending at once may commit out of sequence order, so a
/// replay running at that moment can miss the lower one; it is replayed by the next replay.
/// </para>
/// </remarks>
public sealed class PostgreSqlPublishFailureLog : IPublishFailureLog, IAsyncDisposable, IDisposable
{
    /// <summary>The schema of the table when the constructor is not given one.</summary>
    public const string DefaultSchema = "public";

    /// <summary>The name of the table when the constructor is not given one.</summary>
    public const string DefaultTableName = "publish_failures";

    private const string Columns =
        "sequence, message_id, message_type, topic, message_key, message_value, header_keys, header_values, reason, failed_at, last_attempt_at, attempts";

    private readonly PostgreSqlTable table;
    private readonly string appendSql;
    private readonly string readSql;
    private readonly string countSql;
    private readonly string failedAttemptSql;
    private readonly string removeSql;
    private readonly string purgeSql;

    /// <summary>Creates a log that opens its connections from <paramref name="dataSource"/>, which the caller keeps and disposes.</summary>
    /// <param name="dataSource">Where connections come from (it must map arrays); it is not disposed with the log.</param>
    /// <param name="schema">The table's schema; <see cref="DefaultSchema"/> when null. Letters, digits and '_' only.</param>
    /// <param name="tableName">The table's name; <see cref="DefaultTableName"/> when null. Letters, digits and '_' only.</param>
    public PostgreSqlPublishFailureLog(NpgsqlDataSource dataSource, string? schema = null, string? tableName = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, schema, tableName)
    {
    }

    /// <summary>Creates a log with its own connection pool for <paramref name="connectionString"/>, closed when the log is disposed.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Username=orders;Password=...;Database=orders</c>.</param>
    /// <param name="schema">The table's schema; <see cref="DefaultSchema"/> when null. Letters, digits and '_' only.</param>
    /// <param name="tableName">The table's name; <see cref="DefaultTableName"/> when null. Letters, digits and '_' only.</param>
    public PostgreSqlPublishFailureLog(string connectionString, string? schema = null, string? tableName = null)
        : this(CreateDataSource(connectionString), ownsDataSource: true, schema, tableName)
    {
    }

    private PostgreSqlPublishFailureLog(NpgsqlDataSource dataSource, bool ownsDataSource, string? schema, string? tableName)
    {
        table = new PostgreSqlTable(dataSource, ownsDataSource, schema ?? DefaultSchema, tableName ?? DefaultTableName, "MessageContracts.PublishFailures", CreateTableSql);
        var t = table.QualifiedName;
        appendSql = $"""
            INSERT INTO {t} (message_id, message_type, topic, message_key, message_value, header_keys, header_values, reason, failed_at, last_attempt_at, attempts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (message_id) DO NOTHING
            RETURNING sequence
            """;
        readSql = $"SELECT {Columns} FROM {t} WHERE sequence > $1 ORDER BY sequence LIMIT $2";
        countSql = $"SELECT count(*) FROM {t}";
        failedAttemptSql = $"UPDATE {t} SET attempts = attempts + 1, reason = $2, last_attempt_at = $3 WHERE message_id = $1";
        removeSql = $"DELETE FROM {t} WHERE message_id = ANY($1)";
        purgeSql = $"DELETE FROM {t} WHERE failed_at < $1";
    }

    /// <summary>The schema of the log's table.</summary>
    public string Schema => table.Schema;

    /// <summary>The name of the log's table.</summary>
    public string TableName => table.Name;

    /// <inheritdoc />
    public async Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(appendSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.MessageId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.MessageType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Topic });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)record.Key ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = record.Value });
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. record.Headers.Select(h => h.Key)] });
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = [.. record.Headers.Select(h => h.Value)] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Reason });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = record.FailedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = (record.LastAttemptAt == default ? record.FailedAt : record.LastAttemptAt).ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = record.Attempts });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(readSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<PublishFailureRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var keys = reader.GetFieldValue<string[]>(6);
            var values = reader.GetFieldValue<byte[]?[]>(7);
            var headers = new PublishFailureHeader[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                headers[i] = new PublishFailureHeader(keys[i], values[i]);
            }

            records.Add(new PublishFailureRecord
            {
                Sequence = reader.GetInt64(0),
                MessageId = reader.GetString(1),
                MessageType = reader.GetString(2),
                Topic = reader.GetString(3),
                Key = reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4),
                Value = reader.GetFieldValue<byte[]>(5),
                Headers = headers,
                Reason = reader.GetString(8),
                FailedAt = reader.GetFieldValue<DateTimeOffset>(9),
                LastAttemptAt = reader.GetFieldValue<DateTimeOffset>(10),
                Attempts = reader.GetInt32(11),
            });
        }

        return records;
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(countSql);
        return checked((int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    /// <inheritdoc />
    public async Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(reason);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(failedAttemptSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = attemptedAt.ToUniversalTime() });
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

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(removeSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. messageIds] });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset failedBefore, CancellationToken cancellationToken) =>
        table.DeleteOlderThanAsync(purgeSql, failedBefore, cancellationToken);

    /// <summary>
    /// Creates the schema and the table if either is missing. Every other member calls it first, so calling it is
    /// needed only to fail early, e.g. at startup when the server is unreachable.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait for the server.</param>
    /// <returns>A task that completes when the table exists.</returns>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => table.EnsureCreatedAsync(cancellationToken);

    /// <summary>Disposes the connection pool if the log created it from a connection string.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync() => table.DisposeAsync();

    /// <summary>Disposes the connection pool if the log created it from a connection string.</summary>
    public void Dispose() => table.Dispose();

    private static string CreateTableSql(PostgreSqlTable table) => $"""
        CREATE TABLE IF NOT EXISTS {table.QualifiedName} (
            sequence        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            message_id      text        NOT NULL UNIQUE,
            message_type    text        NOT NULL,
            topic           text        NOT NULL,
            message_key     bytea       NULL,
            message_value   bytea       NOT NULL,
            header_keys     text[]      NOT NULL,
            header_values   bytea[]     NOT NULL,
            reason          text        NOT NULL,
            failed_at       timestamptz NOT NULL,
            last_attempt_at timestamptz NOT NULL,
            attempts        integer     NOT NULL
        );
        """;

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        // The slim builder stays trimming-safe; the log needs arrays on top of the basic types (headers, removal by IDs).
        return new NpgsqlSlimDataSourceBuilder(connectionString).EnableArrays().Build();
    }
}
