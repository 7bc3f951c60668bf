namespace MessageContracts;

/// <summary>The four writes a consumer makes to an <see cref="IDeduplicationStore"/>, as <see cref="DeduplicationRequest.Operation"/>.</summary>
internal enum DeduplicationOperation
{
    Claim,
    Renew,
    MarkProcessed,
    Release,
}

/// <summary>
/// One call to an <see cref="IDeduplicationStore"/> (claim, renew, mark or release a set of IDs for one owner) waiting in
/// a group that <see cref="BatchingDeduplicationStore"/> hands to an <see cref="IDeduplicationGroupWriter"/>. The writer
/// fills in <see cref="Claims"/> or <see cref="Answers"/>, or sets <see cref="Failure"/> when the store refused this
/// call alone (<see cref="MessageIdRejectedException"/>); a failure of the whole group it throws instead.
/// </summary>
internal sealed class DeduplicationRequest
{
    private DeduplicationRequest(DeduplicationOperation operation, string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        Operation = operation;
        ConsumerGroup = consumerGroup;
        MessageIds = messageIds;
        Owner = owner;
        Lease = lease;
        CancellationToken = cancellationToken;
        Claims = operation == DeduplicationOperation.Claim ? new DeduplicationClaim[messageIds.Count] : [];
        Answers = operation is DeduplicationOperation.Renew or DeduplicationOperation.MarkProcessed ? new bool[messageIds.Count] : [];
    }

    public DeduplicationOperation Operation { get; }

    public string ConsumerGroup { get; }

    public IReadOnlyList<string> MessageIds { get; }

    public Guid Owner { get; }

    /// <summary>The lease of a claim or renewal; zero for the others.</summary>
    public TimeSpan Lease { get; }

    /// <summary>The caller's token: a request cancelled before its group starts is left out of it.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>For a claim: the answer for each ID, in the order of <see cref="MessageIds"/>.</summary>
    public DeduplicationClaim[] Claims { get; }

    /// <summary>For a renewal or a mark: the answer for each ID, in the order of <see cref="MessageIds"/>.</summary>
    public bool[] Answers { get; }

    /// <summary>Set by the writer when the store refused this request alone; nothing of it was written then.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Completes when the request's group is committed (or failed, or the request was left out).</summary>
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static DeduplicationRequest Claim(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        new(DeduplicationOperation.Claim, consumerGroup, messageIds, owner, lease, cancellationToken);

    public static DeduplicationRequest Renew(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        new(DeduplicationOperation.Renew, consumerGroup, messageIds, owner, lease, cancellationToken);

    public static DeduplicationRequest MarkProcessed(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) =>
        new(DeduplicationOperation.MarkProcessed, consumerGroup, messageIds, owner, TimeSpan.Zero, cancellationToken);

    public static DeduplicationRequest Release(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) =>
        new(DeduplicationOperation.Release, consumerGroup, messageIds, owner, TimeSpan.Zero, cancellationToken);
}
