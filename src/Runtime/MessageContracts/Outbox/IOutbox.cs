using System.Data.Common;

namespace MessageContracts;

/// <summary>
/// The transactional outbox: writes a message into the outbox table inside the caller's open database transaction,
/// so the message exists exactly when the business data it belongs to is committed. A relay (a hosted service) then
/// publishes committed outbox rows to Kafka, in order per partition key. Nothing reaches Kafka unless the transaction
/// commits. Configure it with <see cref="MessageContractsOptions.UseSqliteOutbox"/> or <c>UsePostgreSqlOutbox</c>
/// (MessageContracts.PostgreSql) and resolve it from the container; see docs/outbox.md.
/// </summary>
public interface IOutbox
{
    /// <summary>
    /// Serializes <paramref name="message"/> and inserts it, with its final Kafka key and CloudEvents headers, into the
    /// outbox table through <paramref name="transaction"/>. The message ID is fixed now (derived from the contract's
    /// <c>[MessageId]</c> member when it has one, as a publish would, else a new UUIDv7) and travels unchanged to every
    /// consumer, so a re-sent row is dropped as a duplicate by the consumer's deduplication. Enqueuing a message whose
    /// ID the outbox already holds (the same <c>[MessageId]</c> value twice) adds no second row.
    /// </summary>
    /// <typeparam name="TMessage">An <c>[Event]</c> or <c>[Command]</c> contract.</typeparam>
    /// <param name="message">The message to publish once the transaction commits.</param>
    /// <param name="transaction">
    /// The caller's open transaction on the database the outbox was configured for (a <c>SqliteTransaction</c> for the
    /// SQLite outbox, an <c>NpgsqlTransaction</c> for the PostgreSQL one). The caller commits or rolls it back.
    /// </param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The message ID (the <c>ce_id</c> header) the message will be published with.</returns>
    Task<string> EnqueueAsync<TMessage>(TMessage message, DbTransaction transaction, CancellationToken cancellationToken = default)
        where TMessage : IMessageContract<TMessage>;
}
