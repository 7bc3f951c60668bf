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
/// <para>
/// The retention purge needs no index on the processed time: rows are numbered in the order they were written, and
/// each purge searches only the rows written before a watermark an earlier purge recorded (table
/// <c>message_deduplication_watermarks</c>). A file an earlier version created (a <c>WITHOUT ROWID</c> table with an
/// index on <c>processed_at</c>) is rewritten in that form once, when a store first opens it; the index is dropped,
/// also when a process of an earlier version sharing the file creates it again.
/// </para>
/// </remarks>
public sealed class SqliteDeduplicationStore : IDeduplicationStore, IDeduplicationGroupStore
{
    /// <summary>The name of the table the store keeps its entries in.</summary>
    public const string TableName = "message_deduplication";

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
            SqliteDeduplicationSchema.Create,
            // In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process crashing (what
            // redelivery is about) and is lost only to a power cut or OS crash, which then may run a handler twice.
            extraConnectionPragmas: "PRAGMA synchronous = NORMAL;",
            inMemoryMessage: static connectionString =>
                $"The SQLite deduplication store needs a database file, but '{connectionString}' names an in-memory database. Name a file, e.g. with {nameof(SqliteDeduplicationStore)}.{nameof(DefaultPath)}(consumerGroup).",
            upgrade: SqliteDeduplicationSchema.UpgradeAsync);
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
        var request = DeduplicationRequest.Claim(consumerGroup, messageIds, owner, lease, cancellationToken);
        await ApplyAloneAsync(request, cancellationToken).ConfigureAwait(false);
        return request.Claims;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        var request = DeduplicationRequest.Renew(consumerGroup, messageIds, owner, lease, cancellationToken);
        await ApplyAloneAsync(request, cancellationToken).ConfigureAwait(false);
        return request.Answers;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        var request = DeduplicationRequest.MarkProcessed(consumerGroup, messageIds, owner, cancellationToken);
        await ApplyAloneAsync(request, cancellationToken).ConfigureAwait(false);
        return request.Answers;
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        return ApplyAloneAsync(DeduplicationRequest.Release(consumerGroup, messageIds, owner, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A search of the rows written up to the first purge at or after <paramref name="olderThan"/> (their rowids), not a
    /// scan of the table and not an index on the processed time; see the remarks on the store.
    /// </remarks>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteDeduplicationPurge.PurgeAsync(connection, olderThan, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A group writer for <see cref="BatchingDeduplicationStore"/>: a connection of its own, kept open, with the
    /// statements prepared once; each group is one transaction.
    /// </summary>
    IDeduplicationGroupWriter IDeduplicationGroupStore.OpenGroupWriter() => new SqliteDeduplicationGroupWriter(database, timeProvider);

    /// <summary>Applies one call as a group of one, on a pooled connection; throws the store's refusal of one of its IDs.</summary>
    private async Task ApplyAloneAsync(DeduplicationRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.MessageIds.Count == 0)
        {
            return;
        }

        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            using var statements = new SqliteDeduplicationStatements(connection);
            statements.Apply([request], timeProvider.GetUtcNow());
        }

        if (request.Failure is { } failure)
        {
            throw failure;
        }
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
