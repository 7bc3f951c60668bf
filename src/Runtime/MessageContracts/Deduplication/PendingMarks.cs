namespace MessageContracts;

/// <summary>
/// Handled message IDs of one claim owner waiting to be marked processed by the next transaction of a
/// <see cref="BatchingDeduplicationStore"/> (<see cref="BatchingDeduplicationStore.MarkSoon"/>). The writer takes every
/// pending set whole when it starts a transaction, so a handled record's mark is written within one writer cycle of
/// its handlers finishing: a process killed then has only the records of that cycle to repeat, not a whole settle
/// batch per partition.
/// </summary>
internal sealed class PendingMarks(string consumerGroup, Guid owner)
{
    private readonly TaskCompletionSource<DeduplicationRequest> taken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ConsumerGroup { get; } = consumerGroup;

    public Guid Owner { get; } = owner;

    /// <summary>The IDs added so far; only the store changes it, under its lock, until the set is taken.</summary>
    public List<string> MessageIds { get; } = [];

    /// <summary>
    /// Waits until the set was written: its request (answers, or the store's refusal in
    /// <see cref="DeduplicationRequest.Failure"/>) once its transaction committed; throws when the transaction failed.
    /// </summary>
    public async Task<DeduplicationRequest> WrittenAsync()
    {
        var request = await taken.Task.ConfigureAwait(false);
        await request.Completion.Task.ConfigureAwait(false);
        return request;
    }

    /// <summary>Whether the set's transaction has finished (committed or failed); <see cref="WrittenAsync"/> then does not wait.</summary>
    public bool IsWritten => taken.Task.IsCompleted && (!taken.Task.IsCompletedSuccessfully || taken.Task.Result.Completion.Task.IsCompleted);

    /// <summary>The store took the set into a transaction as <paramref name="request"/>.</summary>
    internal void Taken(DeduplicationRequest request) => taken.TrySetResult(request);
}
