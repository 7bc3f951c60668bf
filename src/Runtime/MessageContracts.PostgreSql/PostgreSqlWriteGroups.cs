using Npgsql;

namespace MessageContracts.PostgreSql;

/// <summary>
/// Group commit for the set statements of a <see cref="PostgreSqlDeduplicationStore"/>: the claims and marks that the
/// consumer's partition workers send at once are written by one writer, whatever is waiting as one batch of statements
/// (one round trip, one implicit transaction, so one commit and one WAL flush for all of them) instead of a transaction
/// each.
/// </summary>
/// <remarks>
/// <para>
/// The writer never waits to fill a group: the first write that finds none being written is written at once by its
/// caller; writes that arrive meanwhile are written together by a pool thread as the next group. The writes of a group
/// run in the order they arrived, each with its IDs sorted (as alone), and one group at a time per store, so the
/// workers of one instance never wait on each other's row locks. Two instances' groups that share an ID (a duplicate
/// delivered to both) can still deadlock; PostgreSQL then aborts one, and its callers retry as after any failure.
/// </para>
/// <para>
/// Measured on the benchmark (docs/benchmarks.md, issue 12): with a transaction per call, the workers spent their time
/// waiting for WAL flushes, one per claim and one per mark of every worker.
/// </para>
/// </remarks>
internal sealed class PostgreSqlWriteGroups(NpgsqlDataSource dataSource)
{
    /// <summary>The most message IDs one group holds, so a transaction (and its row locks) stays short.</summary>
    internal const int MaxIdsPerGroup = 4096;

    private readonly object gate = new();
    private readonly Queue<SetWrite> waiting = new();

    // Guarded by gate: whether a group is being written (then new writes only queue).
    private bool writing;

    /// <summary>
    /// Writes <paramref name="write"/> in the next group; true when it was answered (<see cref="SetWrite.Refused"/> filled
    /// in), false when the server refused it with a data error (nothing of it
    /// written: the caller finds the refused ID one statement per ID). Any other failure is thrown.
    /// </summary>
    public async Task<bool> WriteAsync(SetWrite write)
    {
        bool lead;
        lock (gate)
        {
            waiting.Enqueue(write);
            lead = !writing;
            writing = true;
        }

        if (lead && await WriteGroupAsync().ConfigureAwait(false))
        {
            _ = Task.Run(WriteGroupsAsync);
        }

        return await write.Completion.Task.ConfigureAwait(false);
    }

    private async Task WriteGroupsAsync()
    {
        while (await WriteGroupAsync().ConfigureAwait(false))
        {
        }
    }

    /// <summary>Writes the writes waiting as one group; true when more arrived meanwhile.</summary>
    private async Task<bool> WriteGroupAsync()
    {
        var group = new List<SetWrite>();
        lock (gate)
        {
            Gather(group);
        }

        if (group.Count > 0)
        {
            try
            {
                await ExecuteAsync(group).ConfigureAwait(false);
                foreach (var write in group)
                {
                    write.Completion.TrySetResult(true);
                }
            }
            catch (PostgresException exception) when (PostgreSqlErrors.IsDataError(exception))
            {
                // One of them has an ID the server refuses, and the whole transaction was rolled back: each again alone.
                foreach (var write in group)
                {
                    await WriteAloneAsync(write).ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                foreach (var write in group)
                {
                    write.Completion.TrySetException(exception);
                }
            }

            group.Clear();
        }

        lock (gate)
        {
            if (waiting.Count > 0)
            {
                return true;
            }

            writing = false;
            return false;
        }
    }

    private async Task WriteAloneAsync(SetWrite write)
    {
        try
        {
            await ExecuteAsync([write]).ConfigureAwait(false);
            write.Completion.TrySetResult(true);
        }
        catch (PostgresException exception) when (PostgreSqlErrors.IsDataError(exception))
        {
            write.Completion.TrySetResult(false);
        }
        catch (Exception exception)
        {
            write.Completion.TrySetException(exception);
        }
    }

    /// <summary>Takes the writes waiting, up to <see cref="MaxIdsPerGroup"/> IDs (a larger write goes alone); drops cancelled ones.</summary>
    private void Gather(List<SetWrite> group)
    {
        var ids = 0;
        while (waiting.TryPeek(out var write))
        {
            if (write.CancellationToken.IsCancellationRequested)
            {
                waiting.Dequeue();
                write.Completion.TrySetCanceled(write.CancellationToken);
                continue;
            }

            if (group.Count > 0 && ids + write.IdCount > MaxIdsPerGroup)
            {
                return;
            }

            waiting.Dequeue();
            group.Add(write);
            ids += write.IdCount;
        }
    }

    /// <summary>
    /// Each write's set statement, all in one batch: one round trip, one implicit transaction. The statements are prepared
    /// (once per physical connection, which Npgsql keeps prepared across pooled opens), so the server neither parses nor
    /// plans them again, nor describes their rows, at every group.
    /// </summary>
    private async Task ExecuteAsync(IReadOnlyList<SetWrite> writes)
    {
        // Not cancelled by one caller's token once started: the others' writes are in the same transaction.
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(PostgreSqlDeduplicationStore.Statement(write.WriteSql, write.ConsumerGroup, write.Set, write.Owner, write.Extra));
        }

        await batch.PrepareAsync(CancellationToken.None).ConfigureAwait(false);
        await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            write.Refused = null;
            if (w > 0)
            {
                await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            }

            // Rows only for the IDs the statement did not write (rare): none when it wrote them all.
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                (write.Refused ??= new Dictionary<string, string?>(StringComparer.Ordinal))[reader.GetString(0)] =
                    reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
    }

    /// <summary>One call's set statement (a claim or a mark of distinct IDs in ID order) waiting for its group, and its answers.</summary>
    internal sealed class SetWrite(string writeSql, string consumerGroup, string set, int idCount, Guid owner, DateTimeOffset[] extra, CancellationToken cancellationToken)
    {
        public string WriteSql { get; } = writeSql;

        public string ConsumerGroup { get; } = consumerGroup;

        /// <summary>The distinct IDs as a JSON array, in ID order.</summary>
        public string Set { get; } = set;

        public int IdCount { get; } = idCount;

        public Guid Owner { get; } = owner;

        public DateTimeOffset[] Extra { get; } = extra;

        /// <summary>The caller's token: a write cancelled before its group starts is left out of it.</summary>
        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>
        /// The IDs the statement did not write, with the state their row had (null: no row); null when it wrote them all.
        /// </summary>
        public Dictionary<string, string?>? Refused { get; set; }

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
