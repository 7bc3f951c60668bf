using System.Data.Common;

namespace MessageContracts;

/// <summary>
/// Where outbox rows live: the table that <see cref="IOutbox.EnqueueAsync"/> writes through the application's transaction
/// and the relay publishes from. This assembly has the SQLite store (<see cref="MessageContractsOptions.UseSqliteOutbox"/>),
/// MessageContracts.PostgreSql the PostgreSQL one; implement it for another database and register it with
/// <see cref="MessageContractsOptions.UseOutboxStore"/>. See docs/outbox.md.
/// </summary>
/// <remarks>
/// <para>
/// <b>Who calls what.</b> The container holds one store for the life of the application. Any number of application
/// threads call <see cref="EnqueueAsync"/> at once, each with its own transaction, so that method must be thread-safe.
/// The relay (one per process, when <see cref="OutboxOptions.RunRelay"/> is on) calls <see cref="EnsureCreatedAsync"/>
/// before every batch, then <see cref="LeaseAsync"/>, then <see cref="OutboxLease.MarkSentAsync"/> and disposes the
/// lease, and now and then <see cref="PurgeSentAsync"/>: one call at a time, never overlapping. Relays of other processes
/// may work on the same table at the same time, unless the store documents that it allows one relay per database (the
/// SQLite store does).
/// </para>
/// <para>
/// <b>Delivery.</b> A row is published at least once, and only after the transaction that enqueued it committed. The
/// relay publishes a lease's rows, waits for Kafka's acknowledgements, and marks the acknowledged ones sent; a row that
/// was published but not marked (the process died in between, the mark failed) is leased and published again, and the
/// consumers drop the repeat by its <see cref="OutboxMessage.MessageId"/>. So a store never has to be exactly-once, but it
/// must never report a row as sent that was not marked, nor lose a committed unsent row.
/// </para>
/// <para>
/// <b>Order.</b> Rows carry a <see cref="OutboxMessage.Bucket"/> derived from their Kafka key. The rows of one bucket are
/// published in <see cref="OutboxMessage.Sequence"/> order by one relay at a time; that is what keeps one key's messages in
/// order across relays. <see cref="LeaseAsync"/> is where a store guarantees it.
/// </para>
/// <para>
/// <b>Errors.</b> Any exception from the relay's calls is logged and the batch is tried again after a pause (100 ms,
/// doubling up to 5 s); nothing is marked sent that Kafka did not acknowledge. An exception from
/// <see cref="EnqueueAsync"/> reaches the application, whose transaction then should not commit.
/// </para>
/// <para>
/// <b>Disposal.</b> A store that implements <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> (to close a
/// connection pool) is disposed by the container.
/// </para>
/// </remarks>
public interface IOutboxStore
{
    /// <summary>
    /// Creates the table (and its indexes) if it is missing, on a connection of the store's own, never inside an
    /// application transaction. Called before every relay batch, so once the table exists it should return at once
    /// (remember that it did). Must be safe to run from several processes at once.
    /// </summary>
    /// <param name="cancellationToken">Stops the call; the relay is shutting down.</param>
    Task EnsureCreatedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts <paramref name="message"/> through the caller's <paramref name="transaction"/> and nothing else: no commit,
    /// no rollback, no second connection whose writes would commit on their own. The row must become visible to
    /// <see cref="LeaseAsync"/> exactly when, and only if, that transaction commits.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><description>Store <see cref="OutboxMessage.Key"/>, <see cref="OutboxMessage.Value"/> and
    /// <see cref="OutboxMessage.Headers"/> byte for byte (the headers are an encoding the relay reads back; treat them as
    /// opaque), and <see cref="OutboxMessage.Bucket"/> and <see cref="OutboxMessage.CreatedAt"/> as given.</description></item>
    /// <item><description>Assign the row its <see cref="OutboxMessage.Sequence"/> (the given one is 0): a number that grows
    /// with every insert, such as an identity column, which <see cref="LeaseAsync"/> orders by.</description></item>
    /// <item><description>Be idempotent on <see cref="OutboxMessage.MessageId"/>: a message whose ID the table already holds
    /// adds no second row and is not an error (a contract with a <c>[MessageId]</c> member enqueued twice).</description></item>
    /// <item><description>Throw <see cref="ArgumentException"/> for a transaction of another provider than the store's (a
    /// <c>SqliteTransaction</c> given to a PostgreSQL store), saying which one it needs.</description></item>
    /// <item><description>Be callable concurrently from many threads, each with its own transaction.</description></item>
    /// </list>
    /// If the table may not exist yet, create it first, either on a connection of the store's own (its creation then
    /// commits on its own) or inside <paramref name="transaction"/> where the database allows that.
    /// </remarks>
    /// <param name="message">The row to insert; its <see cref="OutboxMessage.Sequence"/> is 0.</param>
    /// <param name="transaction">The application's open transaction on the store's database; the application commits it.</param>
    /// <param name="cancellationToken">Stops the insert.</param>
    Task EnqueueAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="maxMessages"/> committed, unsent rows that this relay alone may publish now, for the
    /// relay to publish and then mark with <see cref="OutboxLease.MarkSentAsync"/>. Returns an empty lease when there are
    /// none; it must not wait for rows or for buckets other relays hold.
    /// </summary>
    /// <remarks>
    /// The lease must guarantee, for every bucket it returns rows of:
    /// <list type="bullet">
    /// <item><description>no other lease, of this process or another, holds that bucket until this one is disposed (a lock
    /// that dies with the holder's connection or process, so a crashed relay does not block the bucket forever);</description></item>
    /// <item><description>its rows are the bucket's oldest unsent ones, with no unsent row of the bucket left out between
    /// them, read after the bucket was taken (so rows the previous holder marked sent are not returned again);</description></item>
    /// <item><description>they come in <see cref="OutboxMessage.Sequence"/> order (the lease's rows as a whole are in
    /// sequence order).</description></item>
    /// </list>
    /// A store that allows a single relay per database (documented as such) may skip the locks and return the oldest unsent
    /// rows in sequence order. Rows of uncommitted transactions must not be returned.
    /// </remarks>
    /// <param name="maxMessages">The most rows to return; at least 1.</param>
    /// <param name="cancellationToken">Stops the call; whatever the store took must be given back.</param>
    /// <returns>The lease; the relay disposes it after marking what was sent.</returns>
    Task<OutboxLease> LeaseAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the rows marked sent before <paramref name="olderThan"/>, on a connection of the store's own. Unsent rows
    /// are never deleted, however old.
    /// </summary>
    /// <param name="olderThan">Rows whose sent time is earlier than this go.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>How many rows were deleted.</returns>
    Task<int> PurgeSentAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
