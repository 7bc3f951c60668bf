namespace MessageContracts.PostgreSql;

/// <summary>Configures the transactional outbox and inbox on PostgreSQL. See docs/outbox.md.</summary>
public static class PostgreSqlOutboxOptionsExtensions
{
    /// <summary>
    /// Keeps the transactional outbox in a PostgreSQL table of the database the application writes its own data to:
    /// <see cref="IOutbox.EnqueueAsync"/> writes messages through the application's <c>NpgsqlTransaction</c>, and the relay
    /// of every instance publishes committed rows. Any number of instances may relay: each key bucket is relayed by one
    /// at a time, in order. The table (by default <c>public.outbox_messages</c>) is created when missing.
    /// </summary>
    /// <param name="options">The options being configured in <c>AddMessageContracts</c>.</param>
    /// <param name="connectionString">An Npgsql connection string for the application's database; the relay opens its own pool.</param>
    /// <param name="schema">The table's schema; <c>public</c> when null. Letters, digits and '_' only.</param>
    /// <param name="tableName">The table's name; <c>outbox_messages</c> when null. Letters, digits and '_' only.</param>
    /// <returns>The same options, for chaining.</returns>
    public static MessageContractsOptions UsePostgreSqlOutbox(this MessageContractsOptions options, string connectionString, string? schema = null, string? tableName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.UseOutboxStore(new PostgreSqlOutboxStore(connectionString, schema, tableName));
    }

    /// <summary>
    /// Settles every received message in a PostgreSQL transaction instead of the claim-based deduplication store: the
    /// message ID is inserted into the inbox table, the handlers run with that transaction in
    /// <see cref="MessageContext.Transaction"/>, and everything commits together before the offset is stored. A handler
    /// that writes its data through the context's connection has its effect exactly once. The table (by default
    /// <c>public.message_inbox</c>) is created when missing.
    /// </summary>
    /// <param name="options">The options being configured in <c>AddMessageContracts</c>.</param>
    /// <param name="connectionString">An Npgsql connection string for the database the handlers write to.</param>
    /// <param name="schema">The table's schema; <c>public</c> when null. Letters, digits and '_' only.</param>
    /// <param name="tableName">The table's name; <c>message_inbox</c> when null. Letters, digits and '_' only.</param>
    /// <returns>The same options, for chaining.</returns>
    public static MessageContractsOptions UsePostgreSqlInbox(this MessageContractsOptions options, string connectionString, string? schema = null, string? tableName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.UseInboxStore(new PostgreSqlInboxStore(connectionString, schema, tableName));
    }
}
