namespace MessageContracts;

/// <summary>
/// Group commit for the consumer's deduplication store: one writer per store gathers the claims, renewals, marks and
/// releases of every partition worker and applies whatever is waiting in one transaction (so one partition's marks
/// share a commit with another's claims), through the store's <see cref="IDeduplicationGroupWriter"/>.
/// </summary>
/// <remarks>
/// <para>
/// The writer never waits to fill a group: while one group commits, the next gathers, so a lone request costs one
/// commit and a busy consumer pays one commit for many requests. A request that finds no group being written is written
/// by its caller at once, on its own thread (no hand-off to another thread, so an idle consumer answers as fast as the
/// store alone); requests that arrive meanwhile are written by a pool thread in the next group. Each request keeps the meaning of its own call
/// (the store applies the group in order, as if the calls came one after another); a request whose ID the store
/// refuses fails alone. A failure of the group (the store unavailable) fails each of its requests, and their callers
/// retry as they would a failed call.
/// </para>
/// <para>
/// Measured on the benchmark (docs/benchmarks-issue12-settle.md): with a SQLite file, per-call transactions from six
/// partition workers spent their time opening pooled connections, preparing statements and waiting for SQLite's one
/// write lock; one writer with a kept connection does none of that.
/// </para>
/// </remarks>
internal sealed class BatchingDeduplicationStore : IDeduplicationStore, IAsyncDisposable, IDisposable
{
    /// <summary>The most message IDs one group holds, so a transaction (and the write lock) stays short.</summary>
    internal const int MaxIdsPerGroup = 4096;

    private readonly IDeduplicationStore store;
    private readonly IDeduplicationGroupWriter writer;
    private readonly object gate = new();
    private readonly Queue<DeduplicationRequest> waiting = new();
    private readonly List<DeduplicationRequest> group = [];

    // Guarded by gate: the handled IDs waiting for the next transaction, one set per claim owner and consumer group (MarkSoon).
    private readonly Dictionary<(Guid Owner, string ConsumerGroup), PendingMarks> pendingMarks = [];

    // Guarded by gate: whether a group is being written (then new requests only queue), and whether the store is closed.
    private bool writing;
    private bool closed;
    private TaskCompletionSource? idle;

    private BatchingDeduplicationStore(IDeduplicationStore store, IDeduplicationGroupWriter writer)
    {
        this.store = store;
        this.writer = writer;
    }

    /// <summary>The store the consumer uses: <paramref name="store"/> behind group commit when it can apply groups, else itself.</summary>
    public static IDeduplicationStore For(IDeduplicationStore store) =>
        store is IDeduplicationGroupStore groups ? new BatchingDeduplicationStore(store, groups.OpenGroupWriter()) : store;

    /// <summary>The store the requests are written to.</summary>
    public IDeduplicationStore Store => store;

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        var request = DeduplicationRequest.Claim(consumerGroup, messageIds, owner, lease, cancellationToken);
        await SubmitAsync(request).ConfigureAwait(false);
        return request.Claims;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        var request = DeduplicationRequest.Renew(consumerGroup, messageIds, owner, lease, cancellationToken);
        await SubmitAsync(request).ConfigureAwait(false);
        return request.Answers;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        var request = DeduplicationRequest.MarkProcessed(consumerGroup, messageIds, owner, cancellationToken);
        await SubmitAsync(request).ConfigureAwait(false);
        return request.Answers;
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        return SubmitAsync(DeduplicationRequest.Release(consumerGroup, messageIds, owner, cancellationToken));
    }

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => store.PurgeAsync(olderThan, cancellationToken);

    /// <summary>
    /// Adds <paramref name="messageId"/>, handled under a claim of <paramref name="owner"/>, to the marks the writer
    /// takes whole at the start of its next transaction, and starts the writer if it is idle; does not wait. Returns the
    /// set the ID joined, whose <see cref="PendingMarks.WrittenAsync"/> says when (and whether) it was recorded, or null
    /// when the store is closed (the caller then marks through <see cref="MarkProcessedAsync"/>).
    /// </summary>
    internal PendingMarks? MarkSoon(string consumerGroup, Guid owner, string messageId)
    {
        bool start;
        PendingMarks? marks;
        lock (gate)
        {
            if (closed)
            {
                return null;
            }

            if (!pendingMarks.TryGetValue((owner, consumerGroup), out marks))
            {
                marks = new PendingMarks(consumerGroup, owner);
                pendingMarks[(owner, consumerGroup)] = marks;
            }

            marks.MessageIds.Add(messageId);
            start = !writing;
            writing = true;
        }

        if (start)
        {
            // Not on the caller's thread: the handlers' loop goes on while the mark is written.
            _ = Task.Run(WriteGroupsAsync);
        }

        return marks;
    }

    /// <summary>Lets the requests already submitted finish, then closes the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? finishing = null;
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            closed = true;
            if (writing)
            {
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                finishing = idle.Task;
            }
        }

        if (finishing is not null)
        {
            await finishing.ConfigureAwait(false);
        }

        await writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc cref="DisposeAsync" />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Submits a mark and a claim together (<c>DeduplicationGate.MarkThenClaimAsync</c>: one batch's marks with the
    /// next batch's claims), queued at once so that they share a group, and so a commit, unless the group's size limit
    /// splits them (then the mark is in the earlier group). Applied in order: a claim of an ID the mark records sees it
    /// processed. Completes when both are written or failed; the caller reads each request's outcome (its
    /// <see cref="DeduplicationRequest.Completion"/> and <see cref="DeduplicationRequest.Failure"/>) and retries a failed
    /// one through the ordinary calls.
    /// </summary>
    internal async Task SubmitTogetherAsync(DeduplicationRequest first, DeduplicationRequest second)
    {
        try
        {
            await SubmitAsync(second, before: first).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each request's own outcome is in its completion; the caller reads them.
        }

        try
        {
            await first.Completion.Task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As above.
        }
    }

    /// <summary>Queues <paramref name="request"/> (after <paramref name="before"/>, in the same group, when given) and waits for it.</summary>
    private async Task SubmitAsync(DeduplicationRequest request, DeduplicationRequest? before = null)
    {
        if (before is { MessageIds.Count: 0 })
        {
            before.Completion.TrySetResult();
            before = null;
        }

        if (request.CancellationToken.IsCancellationRequested || request.MessageIds.Count == 0)
        {
            if (request.CancellationToken.IsCancellationRequested)
            {
                request.Completion.TrySetCanceled(request.CancellationToken);
            }
            else
            {
                request.Completion.TrySetResult();
            }

            if (before is null)
            {
                await request.Completion.Task.ConfigureAwait(false);
                return;
            }

            (request, before) = (before, null);
        }

        bool lead;
        lock (gate)
        {
            if (closed)
            {
                var disposed = new ObjectDisposedException(nameof(BatchingDeduplicationStore), "The consumer's deduplication store is closed.");
                before?.Completion.TrySetException(disposed);
                request.Completion.TrySetException(disposed);
                throw disposed;
            }

            if (before is not null)
            {
                waiting.Enqueue(before);
            }

            waiting.Enqueue(request);
            lead = !writing;
            writing = true;
        }

        if (lead)
        {
            // No group is being written: write this one (and whatever joined it) here, then leave the rest to a pool thread.
            if (await WriteGroupAsync().ConfigureAwait(false))
            {
                _ = Task.Run(WriteGroupsAsync);
            }
        }

        // Not cancelled by the caller's token once in a group: the caller learns what the store did (a claim it made
        // and did not hear of would hold the message until the lease runs out).
        await request.Completion.Task.ConfigureAwait(false);
        if (request.Failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private async Task WriteGroupsAsync()
    {
        while (await WriteGroupAsync().ConfigureAwait(false))
        {
        }
    }

    /// <summary>Writes the requests waiting as one group; true when more arrived meanwhile (the caller writes them next).</summary>
    private async Task<bool> WriteGroupAsync()
    {
        lock (gate)
        {
            Gather();
        }

        if (group.Count > 0)
        {
            try
            {
                await writer.ApplyAsync(group, CancellationToken.None).ConfigureAwait(false);
                foreach (var request in group)
                {
                    request.Completion.TrySetResult();
                }
            }
            catch (Exception exception)
            {
                foreach (var request in group)
                {
                    request.Completion.TrySetException(exception);
                }
            }

            group.Clear();
        }

        lock (gate)
        {
            if (waiting.Count > 0 || pendingMarks.Count > 0)
            {
                return true;
            }

            writing = false;
            idle?.TrySetResult();
            return false;
        }
    }

    /// <summary>
    /// Takes every pending set of marks whole (first, so a claim in the same group sees them), then the requests waiting,
    /// up to <see cref="MaxIdsPerGroup"/> IDs (a larger request goes alone); drops cancelled ones.
    /// </summary>
    private void Gather()
    {
        var ids = 0;
        foreach (var marks in pendingMarks.Values)
        {
            var request = DeduplicationRequest.MarkProcessed(marks.ConsumerGroup, marks.MessageIds, marks.Owner, CancellationToken.None);
            group.Add(request);
            marks.Taken(request);
            ids += marks.MessageIds.Count;
        }

        pendingMarks.Clear();
        while (waiting.TryPeek(out var request))
        {
            if (request.CancellationToken.IsCancellationRequested)
            {
                waiting.Dequeue();
                request.Completion.TrySetCanceled(request.CancellationToken);
                continue;
            }

            if (group.Count > 0 && ids + request.MessageIds.Count > MaxIdsPerGroup)
            {
                return;
            }

            waiting.Dequeue();
            group.Add(request);
            ids += request.MessageIds.Count;
        }
    }
}
