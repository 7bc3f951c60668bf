namespace MessageContracts;

/// <summary>Transactional outbox and inbox settings. See docs/outbox.md.</summary>
public sealed partial class MessageContractsOptions
{
    /// <summary>The outbox relay's settings; they apply once an outbox is configured.</summary>
    public OutboxOptions Outbox { get; } = new();

    /// <summary>The configured outbox store, or null when there is no outbox.</summary>
    internal IOutboxStore? OutboxStore { get; set; }

    /// <summary>The configured inbox store, or null when the claim-based deduplication settles records.</summary>
    internal IInboxStore? InboxStore { get; set; }

    /// <summary>
    /// Keeps the transactional outbox in the SQLite database file that <paramref name="connectionString"/> names, the file
    /// the application writes its own data to: <see cref="IOutbox.EnqueueAsync"/> then writes messages through the
    /// application's <c>SqliteTransaction</c>, and this service's relay publishes them once committed. Run the relay in
    /// one process per file (<see cref="OutboxOptions.RunRelay"/>). The table, <c>outbox_messages</c>, is created when missing.
    /// </summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string naming a file; in-memory databases are refused.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions UseSqliteOutbox(string connectionString)
    {
        OutboxStore = new SqliteOutboxStore(connectionString);
        return this;
    }

    /// <summary>
    /// Settles every received message in a transaction on the SQLite database file that <paramref name="connectionString"/>
    /// names, instead of the claim-based <see cref="DeduplicationStore"/>: the message ID is inserted into the
    /// <c>message_inbox</c> table, the handlers run with that transaction in <see cref="MessageContext.Transaction"/>, and
    /// everything commits together before the offset is stored. A handler that writes its data through the context's
    /// connection has its effect exactly once.
    /// </summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string naming a file; in-memory databases are refused.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions UseSqliteInbox(string connectionString)
    {
        InboxStore = new SqliteInboxStore(connectionString);
        return this;
    }

    /// <summary>
    /// Keeps the transactional outbox in <paramref name="store"/>: an <see cref="IOutboxStore"/> for a database other than
    /// SQLite or PostgreSQL (for those, <see cref="UseSqliteOutbox"/> and <c>UsePostgreSqlOutbox</c> are ready-made).
    /// <see cref="IOutbox"/> then writes through it and this service's relay publishes from it.
    /// </summary>
    /// <param name="store">The store; the container disposes it when the application stops.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions UseOutboxStore(IOutboxStore store)
    {
        OutboxStore = store ?? throw new ArgumentNullException(nameof(store));
        return this;
    }

    /// <summary>
    /// Settles every received message in a transaction of <paramref name="store"/> instead of the claim-based
    /// <see cref="DeduplicationStore"/>: an <see cref="IInboxStore"/> for a database other than SQLite or PostgreSQL (for
    /// those, <see cref="UseSqliteInbox"/> and <c>UsePostgreSqlInbox</c> are ready-made).
    /// </summary>
    /// <param name="store">The store; disposed when the application stops if it is <see cref="IAsyncDisposable"/>.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions UseInboxStore(IInboxStore store)
    {
        InboxStore = store ?? throw new ArgumentNullException(nameof(store));
        return this;
    }
}
