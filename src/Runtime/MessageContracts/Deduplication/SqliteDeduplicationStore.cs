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
            owner            BLOB    NULL,
            PRIMARY KEY (consumer_group, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS {TableName}_processed_at ON {TableName} (processed_at) WHERE state = 'processed';
        """;

    // One statement claims a new ID or takes over an expired lease; a live claim or a processed row is left alone,
    // and then RETURNING yields nothing.
    private const string ClaimSql = $"""
        INSERT INTO {TableName} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
        VALUES ($group, $id, 'claimed', $leaseExpiresAt, NULL, $owner)
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET lease_expires_at = excluded.lease_expires_at, owner = excluded.owner
            WHERE {TableName}.state = 'claimed' AND {TableName}.lease_expires_at <= $now
        RETURNING state;
        """;

    private const string StateSql = $"SELECT state FROM {TableName} WHERE consumer_group = $group AND message_id = $id;";

    private const string RenewSql = $"""
        UPDATE {TableName} SET lease_expires_at = $leaseExpiresAt
        WHERE consumer_group = $group AND message_id = $id AND state = 'claimed' AND owner = $owner;
        """;

    // Marked unless another owner holds an unexpired claim; a processed row is left as it is (then nothing changes, and
    // the state read says why).
    private const string MarkProcessedSql = $"""
        INSERT INTO {TableName} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
        VALUES ($group, $id, 'processed', NULL, $now, NULL)
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET state = 'processed', lease_expires_at = NULL, processed_at = excluded.processed_at, owner = NULL
            WHERE {TableName}.state = 'claimed' AND ({TableName}.owner = $owner OR {TableName}.lease_expires_at <= $now);
        """;

    private const string ReleaseSql = $"DELETE FROM {TableName} WHERE consumer_group = $group AND message_id = $id AND state = 'claimed' AND owner = $owner;";

    private const string PurgeSql = $"DELETE FROM {TableName} WHERE state = 'processed' AND processed_at < $olderThan;";

    private const string StoreName = "SQLite deduplication store";

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
                $"The SQLite deduplication store needs a database file, but '{connectionString}' names an in-memory database. Name a file, e.g. with {nameof(SqliteDeduplicationStore)}.{nameof(DefaultPath)}(consumerGroup).",
            upgrade: AddOwnerColumnAsync);
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
    /// <remarks>One <c>BEGIN IMMEDIATE</c> transaction (one commit) for all of the IDs, the statements prepared once.</remarks>
    public async Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        var results = new DeduplicationClaim[messageIds.Count];
        if (results.Length == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return results;
        }

        var now = timeProvider.GetUtcNow();
        var current = 0;
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

            // BEGIN IMMEDIATE: the claims and the reading of the states that refused them see the same rows.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var claim = ClaimCommand(connection, transaction, consumerGroup, owner, now, lease);
            await using var read = Command(connection, transaction, StateSql, consumerGroup);
            for (; current < results.Length; current++)
            {
                claim.Parameters["$id"].Value = messageIds[current];
                if (await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    results[current] = DeduplicationClaim.Claimed;
                    continue;
                }

                read.Parameters["$id"].Value = messageIds[current];
                var state = (string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                results[current] = state == "processed" ? DeduplicationClaim.AlreadyProcessed : DeduplicationClaim.ClaimedElsewhere;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception) when (SqliteErrors.IsDataError(exception) && current < messageIds.Count)
        {
            throw await RejectionOrSelfAsync(exception, consumerGroup, messageIds[current], cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        var results = new bool[messageIds.Count];
        if (results.Length == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return results;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var renew = Command(connection, transaction, RenewSql, consumerGroup);
        renew.Parameters.AddWithValue("$owner", owner);
        renew.Parameters.AddWithValue("$leaseExpiresAt", (timeProvider.GetUtcNow() + lease).ToUnixTimeMilliseconds());
        for (var i = 0; i < results.Length; i++)
        {
            renew.Parameters["$id"].Value = messageIds[i];
            results[i] = await renew.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        var results = new bool[messageIds.Count];
        if (results.Length == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return results;
        }

        var current = 0;
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var mark = Command(connection, transaction, MarkProcessedSql, consumerGroup);
            mark.Parameters.AddWithValue("$owner", owner);
            mark.Parameters.AddWithValue("$now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            await using var read = Command(connection, transaction, StateSql, consumerGroup);
            for (; current < results.Length; current++)
            {
                mark.Parameters["$id"].Value = messageIds[current];
                if (await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
                {
                    results[current] = true;
                    continue;
                }

                // Unchanged: processed before (true), or another owner's live claim (false).
                read.Parameters["$id"].Value = messageIds[current];
                results[current] = (string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) == "processed";
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception) when (SqliteErrors.IsDataError(exception) && current < messageIds.Count)
        {
            throw await RejectionOrSelfAsync(exception, consumerGroup, messageIds[current], cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        if (messageIds.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var release = Command(connection, transaction, ReleaseSql, consumerGroup);
        release.Parameters.AddWithValue("$owner", owner);
        foreach (var messageId in messageIds)
        {
            release.Parameters["$id"].Value = messageId;
            await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The exception for a data error on <paramref name="messageId"/>: <see cref="MessageIdRejectedException"/> when a
    /// known-good ID is accepted (so the ID is at fault), else the original error, which the consumer retries.
    /// </summary>
    private async Task<Exception> RejectionOrSelfAsync(SqliteException exception, string consumerGroup, string messageId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var probeOwner = Guid.NewGuid();
        var recordAtFault = await SqliteErrors.ProbeAsync(
            database,
            async (connection, transaction) =>
            {
                await using var claim = ClaimCommand(connection, transaction, consumerGroup, probeOwner, now, TimeSpan.FromSeconds(1));
                claim.Parameters["$id"].Value = SqliteErrors.ProbeMessageId;
                await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return recordAtFault ? SqliteErrors.Rejected(StoreName, messageId, exception) : exception;
    }

    private static SqliteCommand ClaimCommand(SqliteConnection connection, SqliteTransaction transaction, string consumerGroup, Guid owner, DateTimeOffset now, TimeSpan lease)
    {
        var command = Command(connection, transaction, ClaimSql, consumerGroup);
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$leaseExpiresAt", (now + lease).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return command;
    }

    /// <summary>A command of <paramref name="sql"/> in <paramref name="transaction"/> with <c>$group</c> set and <c>$id</c> to be set per ID.</summary>
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, string consumerGroup)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$group", consumerGroup);
        command.Parameters.Add("$id", SqliteType.Text);
        return command;
    }

    /// <summary>
    /// Adds the <c>owner</c> column to a table an earlier version created without it (claims then had no owner). In a
    /// <c>BEGIN IMMEDIATE</c> transaction, so two processes upgrading one file at once do it once.
    /// </summary>
    private static async Task AddOwnerColumnAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = $"SELECT count(*) FROM pragma_table_info('{TableName}') WHERE name = 'owner';";
        if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
        {
            await using var alter = connection.CreateCommand();
            alter.Transaction = transaction;
            alter.CommandText = $"ALTER TABLE {TableName} ADD COLUMN owner BLOB NULL;";
            await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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
