namespace MessageContracts;

/// <summary>
/// Rows a relay may publish (from <see cref="IOutboxStore.LeaseAsync"/>), and the right to mark them sent. Disposing the
/// lease gives its buckets back to the other relays. Store implementers derive from it.
/// </summary>
/// <remarks>
/// The relay uses a lease from one task: it reads <see cref="Messages"/>, publishes them, calls
/// <see cref="MarkSentAsync"/> once (possibly with no sequences) and disposes the lease, also when anything failed.
/// </remarks>
public abstract class OutboxLease : IAsyncDisposable
{
    /// <summary>Creates a lease of <paramref name="messages"/>.</summary>
    /// <param name="messages">The leased rows, in <see cref="OutboxMessage.Sequence"/> order; empty when nothing could be leased.</param>
    protected OutboxLease(IReadOnlyList<OutboxMessage> messages) =>
        Messages = messages ?? throw new ArgumentNullException(nameof(messages));

    /// <summary>The leased rows in <see cref="OutboxMessage.Sequence"/> order.</summary>
    public IReadOnlyList<OutboxMessage> Messages { get; }

    /// <summary>
    /// Marks the rows with <paramref name="sequences"/> (a subset of <see cref="Messages"/>: those Kafka acknowledged) sent
    /// at <paramref name="sentAt"/>. When it returns, the mark must be durable (committed): the relay then reports the rows
    /// as relayed, and a row marked sent is never leased again. Rows left out stay unsent and are leased again. Called with
    /// <see cref="CancellationToken.None"/> during shutdown too, so that what was published is not published again.
    /// </summary>
    /// <param name="sequences">The <see cref="OutboxMessage.Sequence"/> values to mark; may be empty.</param>
    /// <param name="sentAt">When they were sent; <see cref="IOutboxStore.PurgeSentAsync"/> compares with it.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    public abstract Task MarkSentAsync(IReadOnlyList<long> sequences, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the lease's buckets back and releases its connection. Must not throw because the connection broke (the
    /// database then ended the session and its locks already); it may be called after <see cref="MarkSentAsync"/> failed.
    /// </summary>
    public abstract ValueTask DisposeAsync();
}
