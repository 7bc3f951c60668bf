namespace MessageContracts;

/// <summary>
/// An outbox store that can say how many rows wait to be published and how old the oldest is: the source of the
/// <c>messagecontracts.outbox.backlog</c> and <c>messagecontracts.outbox.oldest_age</c> gauges and of the outbox
/// backlog health check (docs/observability.md). The SQLite and PostgreSQL stores implement it; a custom
/// <see cref="IOutboxStore"/> may, and without it those gauges and that check report nothing.
/// </summary>
public interface IOutboxBacklog
{
    /// <summary>
    /// Counts the committed, unsent rows and finds the creation time of the oldest, on a connection of the store's own.
    /// Called from a metrics collection or a health probe, at most every few seconds, concurrently with the relay and
    /// the application's writes: it must be read-only and must not wait for locks the relay holds.
    /// </summary>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <returns>The count and the oldest row's <see cref="OutboxMessage.CreatedAt"/>.</returns>
    Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken);
}
