using System.Data.Common;

namespace MessageContracts;

/// <summary>
/// Where outbox rows live: the SQLite store in this assembly, the PostgreSQL one in MessageContracts.PostgreSql.
/// </summary>
internal interface IOutboxStore
{
    /// <summary>Creates the table if it is missing, on a connection of the store's own.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken);

    /// <summary>Inserts <paramref name="message"/> through the caller's <paramref name="transaction"/>.</summary>
    Task EnqueueAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="maxMessages"/> unsent rows that this relay alone may publish now, oldest first: for
    /// every bucket it returns rows of, no other live relay holds that bucket, and the rows are the bucket's oldest
    /// unsent ones. The lease holds until disposed.
    /// </summary>
    Task<OutboxLease> LeaseAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Deletes rows sent before <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> PurgeSentAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>Rows a relay may publish, and the right to mark them sent. Disposing gives the buckets back.</summary>
internal abstract class OutboxLease : IAsyncDisposable
{
    protected OutboxLease(IReadOnlyList<OutboxMessage> messages) => Messages = messages;

    /// <summary>The leased rows in sequence order.</summary>
    public IReadOnlyList<OutboxMessage> Messages { get; }

    /// <summary>Marks the rows with these sequences sent at <paramref name="sentAt"/>.</summary>
    public abstract Task MarkSentAsync(IReadOnlyList<long> sequences, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
