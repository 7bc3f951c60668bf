namespace MessageContracts;

/// <summary>
/// The transactional inbox's table: a message ID is inserted in the same transaction as the handlers' own writes, so
/// both commit or neither does. This assembly has the SQLite store (<see cref="MessageContractsOptions.UseSqliteInbox"/>),
/// MessageContracts.PostgreSql the PostgreSQL one; implement it for another database and register it with
/// <see cref="MessageContractsOptions.UseInboxStore"/>. See docs/outbox.md.
/// </summary>
/// <remarks>
/// <para>
/// <b>How a record is settled.</b> For each record the consumer calls <see cref="TryBeginAsync"/>. On
/// <see langword="null"/> it drops the record as a duplicate. Otherwise it runs the handlers with
/// <see cref="InboxUnit.Transaction"/> in <see cref="MessageContext.Transaction"/>, calls
/// <see cref="MarkDeadLetteredAsync"/> when the record was dead-lettered instead of handled, commits
/// <see cref="InboxUnit.Transaction"/> itself, disposes the unit, and only then stores the record's Kafka offset. The
/// store never commits a unit.
/// </para>
/// <para>
/// <b>Concurrency.</b> The container holds one store for the life of the application. Records of different partitions
/// are settled in parallel (up to <see cref="MessageContractsOptions.MaxConcurrency"/> units open at once), so every
/// method must be thread-safe and every unit needs a connection of its own. The retention service calls
/// <see cref="PurgeAsync"/> now and then, while units are open. Instances of the service in other processes use the same
/// table at the same time.
/// </para>
/// <para>
/// <b>Errors.</b> Any exception from the unit (from <see cref="TryBeginAsync"/>, the handlers, <see cref="MarkDeadLetteredAsync"/>
/// or the commit) rolls it back, and the whole unit runs again after a pause (100 ms, doubling up to 5 s) until it
/// commits; the partition waits. The one exception is <see cref="MessageIdRejectedException"/>: the record's message ID
/// itself cannot be stored (too long for the key, refused by a constraint), and the record is dead-lettered. Throw it
/// only when the ID, not the database or its configuration, is at fault.
/// </para>
/// <para>
/// <b>Disposal.</b> A store that implements <see cref="IAsyncDisposable"/> (to close a connection pool) is disposed
/// when the application stops.
/// </para>
/// </remarks>
public interface IInboxStore
{
    /// <summary>
    /// Opens a connection of the store's own, begins a transaction on it and inserts (<paramref name="consumerGroup"/>,
    /// <paramref name="messageId"/>) as handled at <paramref name="now"/> in that transaction, uncommitted.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><description>When the pair was committed before (the message was processed), roll back, close the connection
    /// and return <see langword="null"/>.</description></item>
    /// <item><description>When another transaction inserted the pair and has not ended yet (a redelivery being handled by
    /// another instance), wait until it ends: then the answer is <see langword="null"/> if it committed, a unit if it
    /// rolled back. A unique key on (consumer group, message ID) with insert-if-absent gives exactly this.</description></item>
    /// <item><description>Never leave a connection or transaction open when returning <see langword="null"/> or
    /// throwing: <see cref="InboxUnit.StartAsync"/> does this bookkeeping.</description></item>
    /// <item><description>Throw <see cref="MessageIdRejectedException"/> (with nothing left open) only when
    /// <paramref name="messageId"/> itself cannot be stored.</description></item>
    /// </list>
    /// </remarks>
    /// <param name="consumerGroup">The consumer group the record is processed for; part of the key.</param>
    /// <param name="messageId">The record's <c>ce_id</c>; part of the key.</param>
    /// <param name="now">The processing time, which <see cref="PurgeAsync"/> compares with.</param>
    /// <param name="cancellationToken">Stops the call; nothing may be left open.</param>
    /// <returns>The open unit, which the caller now owns (commits and disposes), or null for a duplicate.</returns>
    Task<InboxUnit?> TryBeginAsync(string consumerGroup, string messageId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records, inside <paramref name="unit"/>'s transaction, that the message was dead-lettered rather than handled. A
    /// duplicate delivery is dropped either way; the status is for people reading the table.
    /// </summary>
    /// <param name="unit">The open unit <see cref="TryBeginAsync"/> returned for this message.</param>
    /// <param name="consumerGroup">The consumer group given to <see cref="TryBeginAsync"/>.</param>
    /// <param name="messageId">The message ID given to <see cref="TryBeginAsync"/>.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task MarkDeadLetteredAsync(InboxUnit unit, string consumerGroup, string messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the message IDs processed before <paramref name="olderThan"/>, on a connection of the store's own. A message
    /// delivered again after that is processed again, so the consumer passes
    /// <see cref="MessageContractsOptions.DeduplicationRetention"/> ago.
    /// </summary>
    /// <param name="olderThan">IDs whose processing time is earlier than this go.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>How many IDs were forgotten.</returns>
    Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
