namespace MessageContracts.Tests.Deduplication;

/// <summary>
/// An <see cref="InMemoryDeduplicationStore"/> that takes groups: it applies each request through the store's own calls,
/// records the size of every group, can hold a group until the test opens the gate, and can fail the next group.
/// </summary>
internal sealed class GatedGroupStore(TimeProvider time) : IDeduplicationStore, IDeduplicationGroupStore
{
    private TaskCompletionSource gate = Opened();

    public InMemoryDeduplicationStore Store { get; } = new(time);

    /// <summary>The number of requests of each group applied (or failed), in order.</summary>
    public List<int> Groups { get; } = [];

    /// <summary>Signalled when a group has started and waits at the gate.</summary>
    public TaskCompletionSource GroupWaiting { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Thrown by the next group instead of applying it.</summary>
    public Exception? FailNextGroup { get; set; }

    public void Close()
    {
        gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        GroupWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open() => gate.TrySetResult();

    public IDeduplicationGroupWriter OpenGroupWriter() => new Writer(this);

    public Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        Store.TryClaimAsync(consumerGroup, messageIds, owner, lease, cancellationToken);

    public Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        Store.RenewAsync(consumerGroup, messageIds, owner, lease, cancellationToken);

    public Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) =>
        Store.MarkProcessedAsync(consumerGroup, messageIds, owner, cancellationToken);

    public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) =>
        Store.ReleaseAsync(consumerGroup, messageIds, owner, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => Store.PurgeAsync(olderThan, cancellationToken);

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource();
        opened.SetResult();
        return opened;
    }

    private sealed class Writer(GatedGroupStore owner) : IDeduplicationGroupWriter
    {
        public async Task ApplyAsync(IReadOnlyList<DeduplicationRequest> group, CancellationToken cancellationToken)
        {
            owner.GroupWaiting.TrySetResult();
            await owner.gate.Task;
            lock (owner.Groups)
            {
                owner.Groups.Add(group.Count);
            }

            if (owner.FailNextGroup is { } failure)
            {
                owner.FailNextGroup = null;
                throw failure;
            }

            var store = owner.Store;
            foreach (var request in group)
            {
                switch (request.Operation)
                {
                    case DeduplicationOperation.Claim:
                        (await store.TryClaimAsync(request.ConsumerGroup, request.MessageIds, request.Owner, request.Lease, cancellationToken)).ToArray().CopyTo(request.Claims, 0);
                        break;
                    case DeduplicationOperation.Renew:
                        (await store.RenewAsync(request.ConsumerGroup, request.MessageIds, request.Owner, request.Lease, cancellationToken)).ToArray().CopyTo(request.Answers, 0);
                        break;
                    case DeduplicationOperation.MarkProcessed:
                        (await store.MarkProcessedAsync(request.ConsumerGroup, request.MessageIds, request.Owner, cancellationToken)).ToArray().CopyTo(request.Answers, 0);
                        break;
                    case DeduplicationOperation.Release:
                        await store.ReleaseAsync(request.ConsumerGroup, request.MessageIds, request.Owner, cancellationToken);
                        break;
                }
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
