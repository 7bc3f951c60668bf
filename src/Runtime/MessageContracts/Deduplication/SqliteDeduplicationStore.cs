using System.Text;
using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// An <see cref="IDeduplicationStore"/> in a SQLite database file: the embedded default. It survives restarts and
/// can be shared by the processes of one machine that open the same file; instances on several machines need the
/// PostgreSQL store instead.
/// </summary>
/// <remarks>
/// <para>
/// The store creates its table, <c>message_deduplication</c>, on first use (the DDL is idempotent) and switches the
/// database to WAL mode, so readers never wait for the writer. Every connection waits for a locked database for the
/// connection string's <c>Default Timeout</c> (30 seconds unless set) instead of failing at once.
/// </para>
/// <para>
/// A row is keyed by consumer group and message ID, so several consumer groups may share one file. Times are the
/// <see cref="TimeProvider"/>'s, stored as Unix milliseconds.
/// </para>
/// </remarks>
public sealed class SqliteDeduplicationStore : IDeduplicationStore
{
    /// <summary>The name of the table the store keeps its entries in.</summary>
    public const string TableName = "message_deduplication";

    private const string Schema = $"""
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS {TableName} (
            consumer_group   TEXT    NOT NULL,
            message_id       TEXT    NOT NULL,
            state            TEXT    NOT NULL CHECK (state IN ('claimed', 'processed')),
            lease_expires_at INTEGER NULL,
            processed_at     INTEGER NULL,
            PRIMARY KEY (consumer_group, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS {TableName}_processed_at ON {TableName} (processed_at) WHERE state = 'processed';
        """;

    // One statement claims a new ID or takes over an expired lease; a live claim or a processed row is left alone,
    // and then RETURNING yields nothing.
    private const string ClaimSql = $"""
        INSERT INTO {TableName} (consumer_group, message_id, state, lease_expires_at, processed_at)
        VALUES ($group, $id, 'claimed', $leaseExpiresAt, NULL)
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET lease_expires_at = excluded.lease_expires_at
            WHERE {TableName}.state = 'claimed' AND {TableName}.lease_expires_at <= $now
        RETURNING state;
        """;

    private const string StateSql = $"SELECT state FROM {TableName} WHERE consumer_group = $group AND message_id = $id;";

    private const string MarkProcessedSql = $"""
        INSERT INTO {TableName} (consumer_group, message_id, state, lease_expires_at, processed_at)
        VALUES ($group, $id, 'processed', NULL, $now)
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET state = 'processed', lease_expires_at = NULL, processed_at = excluded.processed_at
            WHERE {TableName}.state <> 'processed';
        """;

    private const string ReleaseSql = $"DELETE FROM {TableName} WHERE consumer_group = $group AND message_id = $id AND state = 'claimed';";

    private const string PurgeSql = $"DELETE FROM {TableName} WHERE state = 'processed' AND processed_at < $olderThan;";

    private readonly SqliteDatabase database;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates a store on the SQLite database that <paramref name="connectionString"/> names.</summary>
    /// <param name="connectionString">
    /// A Microsoft.Data.Sqlite connection string naming a file, e.g. <c>Data Source=/var/lib/orders/dedup.db</c>
    /// (see <see cref="DefaultPath"/>). The file and its folder are created if missing. In-memory databases are refused:
    /// they would forget everything between two calls.
    /// </param>
    /// <param name="timeProvider">The clock for leases and processed times; <see cref="TimeProvider.System"/> when null.</param>
    public SqliteDeduplicationStore(string connectionString, TimeProvider? timeProvider = null)
    {
        database = new SqliteDatabase(
            connectionString,
            Schema,
            // In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process crashing (what
            // redelivery is about) and is lost only to a power cut or OS crash, which then may run a handler twice.
            extraConnectionPragmas: "PRAGMA synchronous = NORMAL;",
            inMemoryMessage: static connectionString =>
                $"The SQLite deduplication store needs a database file, but '{connectionString}' names an in-memory database. Name a file, e.g. with {nameof(SqliteDeduplicationStore)}.{nameof(DefaultPath)}(consumerGroup).");
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The default database file for <paramref name="consumerGroup"/>:
    /// <c>&lt;LocalApplicationData&gt;/MessageContracts/&lt;group&gt;.dedup.db</c>, or the same under the temporary folder
    /// when there is no writable local application data folder. Characters of the group name other than letters,
    /// digits, '.', '-' and '_' become '_'. The folder is created.
    /// </summary>
    /// <param name="consumerGroup">The consumer group whose messages the file records.</param>
    /// <returns>The full path of the database file (which need not exist yet).</returns>
    public static string DefaultPath(string consumerGroup)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        return SqliteDatabase.DefaultPath(SanitizeFileName(consumerGroup) + ".dedup.db");
    }

    /// <inheritdoc />
    public async Task<DeduplicationClaim> TryClaimAsync(string consumerGroup, string messageId, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageId);
        DeduplicationArguments.ValidateLease(lease);
        var now = timeProvider.GetUtcNow();

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE: the claim and the reading of the state that refused it see the same row.
        await using var transaction = connection.BeginTransaction(deferred: false);

        await using var claim = Command(connection, ClaimSql, consumerGroup, messageId);
        claim.Transaction = transaction;
        claim.Parameters.AddWithValue("$leaseExpiresAt", (now + lease).ToUnixTimeMilliseconds());
        claim.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        var claimed = await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;

        DeduplicationClaim result;
        if (claimed)
        {
            result = DeduplicationClaim.Claimed;
        }
        else
        {
            await using var read = Command(connection, StateSql, consumerGroup, messageId);
            read.Transaction = transaction;
            var state = (string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            result = state == "processed" ? DeduplicationClaim.AlreadyProcessed : DeduplicationClaim.ClaimedElsewhere;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    public async Task MarkProcessedAsync(string consumerGroup, string messageId, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, MarkProcessedSql, consumerGroup, messageId);
        command.Parameters.AddWithValue("$now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string consumerGroup, string messageId, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, ReleaseSql, consumerGroup, messageId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeduplicationClaim>> TryClaimManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        DeduplicationArguments.ValidateLease(lease);
        var results = new DeduplicationClaim[messageIds.Count];
        if (results.Length == 0)
        {
            return results;
        }

        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // One BEGIN IMMEDIATE transaction (one commit) for the whole batch; the two statements are prepared once.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var claim = Command(connection, ClaimSql, consumerGroup, messageIds[0]);
        claim.Transaction = transaction;
        claim.Parameters.AddWithValue("$leaseExpiresAt", (now + lease).ToUnixTimeMilliseconds());
        claim.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await using var read = Command(connection, StateSql, consumerGroup, messageIds[0]);
        read.Transaction = transaction;

        for (var i = 0; i < results.Length; i++)
        {
            claim.Parameters["$id"].Value = messageIds[i];
            if (await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                results[i] = DeduplicationClaim.Claimed;
                continue;
            }

            read.Parameters["$id"].Value = messageIds[i];
            var state = (string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            results[i] = state == "processed" ? DeduplicationClaim.AlreadyProcessed : DeduplicationClaim.ClaimedElsewhere;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <inheritdoc />
    public async Task MarkProcessedManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        if (messageIds.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = Command(connection, MarkProcessedSql, consumerGroup, messageIds[0]);
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var messageId in messageIds)
        {
            command.Parameters["$id"].Value = messageId;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReleaseManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        if (messageIds.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = Command(connection, ReleaseSql, consumerGroup, messageIds[0]);
        command.Transaction = transaction;
        foreach (var messageId in messageIds)
        {
            command.Parameters["$id"].Value = messageId;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = PurgeSql;
        command.Parameters.AddWithValue("$olderThan", olderThan.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void ValidateMany(string consumerGroup, IReadOnlyList<string> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        foreach (var messageId in messageIds)
        {
            DeduplicationArguments.Validate(consumerGroup, messageId);
        }

        if (messageIds.Count == 0)
        {
            ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string consumerGroup, string messageId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$group", consumerGroup);
        command.Parameters.AddWithValue("$id", messageId);
        return command;
    }

    private static string SanitizeFileName(string consumerGroup)
    {
        var name = new StringBuilder(Math.Min(consumerGroup.Length, 100));
        foreach (var c in consumerGroup)
        {
            if (name.Length == 100)
            {
                break;
            }

            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && name.Length > 0) ? c : '_');
        }

        return name.ToString();
    }
}
