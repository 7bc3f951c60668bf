using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// The retention purge of <see cref="SqliteDeduplicationStore"/>: deletes the processed entries older than a cutoff by
/// searching a range of rowids, with no index on the processed time.
/// </summary>
/// <remarks>
/// <para>
/// SQLite gives a new row the next rowid, so rowids follow the order in which entries were first written (a claim, or a
/// mark without one). Each purge records a <b>watermark</b>: its time and the largest rowid then. An entry processed
/// before a cutoff was written before it, so its rowid is at most the watermark of any purge that ran at or after the
/// cutoff. The purge takes the smallest such watermark and deletes
/// <c>rowid &lt;= watermark AND state = 'processed' AND processed_at &lt; cutoff</c>: a search from the table's first
/// row to the watermark, not a scan of the table. With the hourly purge of <see cref="DeduplicationRetentionService"/>
/// it reads the rows it deletes, the rows written in the hour after the cutoff, and the few older rows kept for a reason
/// (a claim never marked, an entry processed long after it was claimed).
/// </para>
/// <para>
/// The processed time is still checked, so the watermark can only make a purge leave an old entry for the next one (a
/// process sharing the file whose clock runs behind); it never deletes an entry processed within the retention.
/// Watermarks older than the cutoff cannot serve a later purge and are deleted. With no watermark at or after the
/// cutoff (the first purge of a file, or a cutoff in the future), the purge searches the whole table once.
/// </para>
/// </remarks>
internal static class SqliteDeduplicationPurge
{
    private const string Table = SqliteDeduplicationStore.TableName;
    private const string Watermarks = SqliteDeduplicationSchema.WatermarkTable;

    // With no watermark at or after the cutoff the bound is the largest rowid: the watermark this purge would take
    // says no more than that, so it is taken after the delete, with the watermarks no later purge can use.
    private const string PurgeSql = $"""
        DELETE FROM {Table}
        WHERE rowid <= coalesce((SELECT min(max_rowid) FROM {Watermarks} WHERE taken_at >= $olderThan), 9223372036854775807)
            AND state = 'processed' AND processed_at < $olderThan;
        """;

    private const string NextWatermarkSql = $"""
        DELETE FROM {Watermarks} WHERE taken_at < $olderThan;
        INSERT INTO {Watermarks} (taken_at, max_rowid) SELECT $now, coalesce(max(rowid), 0) FROM {Table};
        """;

    /// <summary>Deletes the processed entries older than <paramref name="olderThan"/> at <paramref name="now"/>, in one transaction; returns how many.</summary>
    public static async Task<int> PurgeAsync(SqliteConnection connection, DateTimeOffset olderThan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        var deleted = await ExecuteAsync(PurgeSql).ConfigureAwait(false);
        await ExecuteAsync(NextWatermarkSql).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;

        async Task<int> ExecuteAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$olderThan", olderThan.ToUnixTimeMilliseconds());
            if (sql.Contains("$now", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
