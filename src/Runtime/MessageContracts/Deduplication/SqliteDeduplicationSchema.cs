using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// The tables of <see cref="SqliteDeduplicationStore"/>, and the upgrade of a file an earlier version created.
/// </summary>
/// <remarks>
/// The entries live in an ordinary (rowid) table whose primary key is a unique index on consumer group and message ID.
/// SQLite numbers its rows in the order they were first written, and that order is what the retention purge
/// (<see cref="SqliteDeduplicationPurge"/>) searches instead of an index on the processed time: the index cost 20–30 %
/// of the store's CPU per ID (docs/benchmarks.md, sessions 7 and 8). Up to this version the table was
/// <c>WITHOUT ROWID</c> with a partial index on <c>processed_at</c>; such a file is rewritten once, when a store
/// first opens it.
/// </remarks>
internal static partial class SqliteDeduplicationSchema
{
    private const string Table = SqliteDeduplicationStore.TableName;

    /// <summary>The table of purge watermarks: at <c>taken_at</c>, no entry had a rowid above <c>max_rowid</c>.</summary>
    public const string WatermarkTable = Table + "_watermarks";

    /// <summary>The index the versions before session 8 kept on the processed time; dropped where it exists.</summary>
    public const string ProcessedAtIndex = Table + "_processed_at";

    /// <summary>The idempotent DDL of a new file.</summary>
    public const string Create = $"""
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS {Table} (
            consumer_group   TEXT    NOT NULL,
            message_id       TEXT    NOT NULL,
            state            TEXT    NOT NULL CHECK (state IN ('claimed', 'processed')),
            lease_expires_at INTEGER NULL,
            processed_at     INTEGER NULL,
            owner            BLOB    NULL,
            PRIMARY KEY (consumer_group, message_id)
        );
        CREATE TABLE IF NOT EXISTS {WatermarkTable} (
            taken_at  INTEGER NOT NULL,
            max_rowid INTEGER NOT NULL
        );
        """;

    private const string HourMilliseconds = "3600000";

    /// <summary>
    /// Brings a table an earlier version created up to date, in one <c>BEGIN IMMEDIATE</c> transaction (two processes
    /// upgrading one file at once do it once): adds the <c>owner</c> column to a table without it, rewrites a
    /// <c>WITHOUT ROWID</c> table as a rowid one, and drops the processed-time index (which a process of an earlier
    /// version sharing the file creates again when it starts).
    /// </summary>
    public static async Task UpgradeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        if ((long)(await ScalarAsync(connection, transaction, $"SELECT count(*) FROM pragma_table_info('{Table}') WHERE name = 'owner';", cancellationToken).ConfigureAwait(false))! == 0)
        {
            await ExecuteAsync(connection, transaction, $"ALTER TABLE {Table} ADD COLUMN owner BLOB NULL;", cancellationToken).ConfigureAwait(false);
        }

        var definition = (string)(await ScalarAsync(connection, transaction, $"SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = '{Table}';", cancellationToken).ConfigureAwait(false))!;
        if (WithoutRowid(definition) is { } rowidDefinition)
        {
            await RewriteWithRowidsAsync(connection, transaction, rowidDefinition, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, $"DROP INDEX IF EXISTS {ProcessedAtIndex};", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="definition"/> (a <c>CREATE TABLE</c> statement) without its <c>WITHOUT ROWID</c> option, or null
    /// when it has none. The rest of the statement is kept, so constraints a DBA added survive the rewrite.
    /// </summary>
    internal static string? WithoutRowid(string definition)
    {
        // Table options follow the last closing parenthesis: "... ) WITHOUT ROWID" or "... ) STRICT, WITHOUT ROWID".
        var end = definition.LastIndexOf(')');
        var options = definition[(end + 1)..];
        if (!WithoutRowidOption().IsMatch(options))
        {
            return null;
        }

        var rest = WithoutRowidOption().Replace(options, "").Trim().Trim(',').Trim();
        return definition[..(end + 1)] + (rest.Length == 0 ? "" : " " + rest);
    }

    /// <summary>
    /// Copies the rows into a rowid table of the same definition, processed rows in processed-time order and claims after
    /// them, and records a purge watermark for each hour of processed times (the last one at the latest processed time, not
    /// the end of its hour: a claim copied after it may be marked later in that hour), so the purges of the first
    /// retention period after the upgrade search the copied rows as narrowly as later rows. The old table goes, and its
    /// index with it.
    /// </summary>
    private static async Task RewriteWithRowidsAsync(SqliteConnection connection, SqliteTransaction transaction, string rowidDefinition, CancellationToken cancellationToken)
    {
        const string Old = Table + "_before_rowids";
        await ExecuteAsync(connection, transaction, $"""
            ALTER TABLE {Table} RENAME TO {Old};
            {rowidDefinition};
            INSERT INTO {Table} SELECT * FROM {Old} ORDER BY processed_at IS NULL, processed_at;
            INSERT INTO {WatermarkTable} (taken_at, max_rowid)
                SELECT min((processed_at / {HourMilliseconds} + 1) * {HourMilliseconds}, (SELECT max(processed_at) FROM {Old})), max(rowid)
                FROM {Table} WHERE state = 'processed' GROUP BY processed_at / {HourMilliseconds};
            DROP TABLE {Old};
            """, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex(@"\bWITHOUT\s+ROWID\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WithoutRowidOption();
}
