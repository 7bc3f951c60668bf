using Npgsql;

namespace MessageContracts.PostgreSql;

/// <summary>
/// An <see cref="IDeduplicationStore"/> in a PostgreSQL table, shared by every instance of a consumer group (on any
/// number of machines): whichever instance a duplicate reaches, the store answers for the whole group.
/// </summary>
/// <remarks>
/// <para>
/// A claim is one statement, <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE</c> the lease has expired <c>RETURNING</c>,
/// so PostgreSQL's row lock decides between instances that claim one message at once: exactly one is told
/// <see cref="DeduplicationClaim.Claimed"/>.
/// </para>
/// <para>
/// The table (by default <c>public.message_deduplication</c>) and its schema are created on first use, or by
/// <see cref="EnsureCreatedAsync"/>, when missing. Instances starting together serialize that step on an advisory lock,
/// so none fails on a concurrent <c>CREATE</c>. A user without the right to create them can run the DDL
/// beforehand; the store then only reads and writes rows.
/// </para>
/// <para>
/// Lease expiry and processed times are read from the <see cref="TimeProvider"/> of each instance, not from the
/// database server: the instances' clocks must agree to well within a lease (NTP does that).
/// </para>
/// </remarks>
public sealed class PostgreSqlDeduplicationStore : IDeduplicationStore, IAsyncDisposable, IDisposable
{
    /// <summary>The schema of the table when the constructor is not given one.</summary>
    public const string DefaultSchema = "public";

    /// <summary>The name of the table when the constructor is not given one.</summary>
    public const string DefaultTableName = "message_deduplication";

    private const int MaxClaimAttempts = 5;

    private readonly PostgreSqlTable table;
    private readonly TimeProvider timeProvider;
    private readonly string claimSql;
    private readonly string stateSql;
    private readonly string markProcessedSql;
    private readonly string releaseSql;
    private readonly string purgeSql;

    /// <summary>Creates a store that opens its connections from <paramref name="dataSource"/>, which the caller keeps and disposes.</summary>
    /// <param name="dataSource">Where connections come from; it is not disposed with the store.</param>
    /// <param name="schema">The table's schema; <see cref="DefaultSchema"/> when null. Letters, digits and '_' only.</param>
    /// <param name="tableName">The table's name; <see cref="DefaultTableName"/> when null. Letters, digits and '_' only.</param>
    /// <param name="timeProvider">The clock for leases and processed times; <see cref="TimeProvider.System"/> when null.</param>
    public PostgreSqlDeduplicationStore(NpgsqlDataSource dataSource, string? schema = null, string? tableName = null, TimeProvider? timeProvider = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, schema, tableName, timeProvider)
    {
    }

    /// <summary>Creates a store with its own connection pool for <paramref name="connectionString"/>, closed when the store is disposed.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Username=orders;Password=...;Database=orders</c>.</param>
    /// <param name="schema">The table's schema; <see cref="DefaultSchema"/> when null. Letters, digits and '_' only.</param>
    /// <param name="tableName">The table's name; <see cref="DefaultTableName"/> when null. Letters, digits and '_' only.</param>
    /// <param name="timeProvider">The clock for leases and processed times; <see cref="TimeProvider.System"/> when null.</param>
    public PostgreSqlDeduplicationStore(string connectionString, string? schema = null, string? tableName = null, TimeProvider? timeProvider = null)
        : this(CreateDataSource(connectionString), ownsDataSource: true, schema, tableName, timeProvider)
    {
    }

    private PostgreSqlDeduplicationStore(NpgsqlDataSource dataSource, bool ownsDataSource, string? schema, string? tableName, TimeProvider? timeProvider)
    {
        table = new PostgreSqlTable(dataSource, ownsDataSource, schema ?? DefaultSchema, tableName ?? DefaultTableName, "MessageContracts.Deduplication", CreateTableSql);
        this.timeProvider = timeProvider ?? TimeProvider.System;

        var t = table.QualifiedName;

        // $1 group, $2 message ID, $3 the new lease's expiry, $4 now. A conflicting row is updated (and returned) only
        // when it is a claim whose lease has run out; a live claim or a processed row makes RETURNING yield nothing.
        claimSql = $"""
            INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at)
            VALUES ($1, $2, 'claimed', $3, NULL)
            ON CONFLICT (consumer_group, message_id) DO UPDATE
                SET lease_expires_at = EXCLUDED.lease_expires_at
                WHERE d.state = 'claimed' AND d.lease_expires_at <= $4
            RETURNING d.state
            """;
        stateSql = $"SELECT state FROM {t} WHERE consumer_group = $1 AND message_id = $2";
        markProcessedSql = $"""
            INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at)
            VALUES ($1, $2, 'processed', NULL, $3)
            ON CONFLICT (consumer_group, message_id) DO UPDATE
                SET state = 'processed', lease_expires_at = NULL, processed_at = EXCLUDED.processed_at
                WHERE d.state <> 'processed'
            """;
        releaseSql = $"DELETE FROM {t} WHERE consumer_group = $1 AND message_id = $2 AND state = 'claimed'";
        purgeSql = $"DELETE FROM {t} WHERE state = 'processed' AND processed_at < $1";
    }

    /// <summary>The schema of the store's table.</summary>
    public string Schema => table.Schema;

    /// <summary>The name of the store's table.</summary>
    public string TableName => table.Name;

    /// <inheritdoc />
    public async Task<DeduplicationClaim> TryClaimAsync(string consumerGroup, string messageId, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A claim's lease must be longer than zero.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 1; attempt <= MaxClaimAttempts; attempt++)
        {
            var now = timeProvider.GetUtcNow().ToUniversalTime();

            // One round trip: the claim, then (a new snapshot under READ COMMITTED) the state of the row that refused it.
            await using var batch = new NpgsqlBatch(connection);
            var claim = new NpgsqlBatchCommand(claimSql);
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + lease });
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            batch.BatchCommands.Add(claim);
            var read = new NpgsqlBatchCommand(stateSql);
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
            batch.BatchCommands.Add(read);

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var claimed = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var state = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(0) : null;

            if (claimed)
            {
                return DeduplicationClaim.Claimed;
            }

            switch (state)
            {
                case "processed":
                    return DeduplicationClaim.AlreadyProcessed;
                case "claimed":
                    return DeduplicationClaim.ClaimedElsewhere;
                default:
                    // The row that refused the claim was released or purged a moment later: claim again.
                    continue;
            }
        }

        // The row keeps vanishing under us: someone else is busy with this message, so ask again later.
        return DeduplicationClaim.ClaimedElsewhere;
    }

    /// <inheritdoc />
    public async Task MarkProcessedAsync(string consumerGroup, string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(markProcessedSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timeProvider.GetUtcNow().ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string consumerGroup, string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(releaseSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip and one (implicit) transaction: a batch of the claim statements, in message ID order so that two
    /// instances claiming overlapping batches take the row locks in the same order, then the states of the rows.
    /// </remarks>
    public async Task<IReadOnlyList<DeduplicationClaim>> TryClaimManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A claim's lease must be longer than zero.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var results = new DeduplicationClaim[messageIds.Count];
        if (results.Length == 0)
        {
            return results;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var order = SortedOrder(messageIds);
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        bool[] claimed = new bool[results.Length];
        string?[] states = new string?[results.Length];
        await using (var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var batch = new NpgsqlBatch(connection);
            foreach (var i in order)
            {
                var claim = new NpgsqlBatchCommand(claimSql);
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageIds[i] });
                claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + lease });
                claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
                batch.BatchCommands.Add(claim);
            }

            foreach (var i in order)
            {
                var read = new NpgsqlBatchCommand(stateSql);
                read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
                read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageIds[i] });
                batch.BatchCommands.Add(read);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < order.Length; k++)
            {
                if (k > 0)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }

                claimed[order[k]] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            for (var k = 0; k < order.Length; k++)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                states[order[k]] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(0) : null;
            }
        }

        for (var i = 0; i < results.Length; i++)
        {
            results[i] = claimed[i]
                ? DeduplicationClaim.Claimed
                : states[i] switch
                {
                    "processed" => DeduplicationClaim.AlreadyProcessed,
                    "claimed" => DeduplicationClaim.ClaimedElsewhere,

                    // The row that refused the claim vanished a moment later (released or purged): ask again alone.
                    _ => await TryClaimAsync(consumerGroup, messageIds[i], lease, cancellationToken).ConfigureAwait(false),
                };
        }

        return results;
    }

    /// <inheritdoc />
    /// <remarks>One round trip and one (implicit) transaction for the whole batch.</remarks>
    public async Task MarkProcessedManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        await using var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var i in SortedOrder(messageIds))
        {
            var command = new NpgsqlBatchCommand(markProcessedSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageIds[i] });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One round trip and one (implicit) transaction for the whole batch.</remarks>
    public async Task ReleaseManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var i in SortedOrder(messageIds))
        {
            var command = new NpgsqlBatchCommand(releaseSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageIds[i] });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await table.DeleteOlderThanAsync(purgeSql, olderThan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the schema and the table if either is missing. Every other member calls it first, so calling it is
    /// needed only to fail early, e.g. at startup when the server is unreachable.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait for the server.</param>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => table.EnsureCreatedAsync(cancellationToken);

    /// <summary>Disposes the connection pool if the store created it from a connection string.</summary>
    public ValueTask DisposeAsync() => table.DisposeAsync();

    /// <summary>Disposes the connection pool if the store created it from a connection string.</summary>
    public void Dispose() => table.Dispose();

    private static string CreateTableSql(PostgreSqlTable table) => $"""
        CREATE TABLE IF NOT EXISTS {table.QualifiedName} (
            consumer_group   text        NOT NULL,
            message_id       text        NOT NULL,
            state            text        NOT NULL CHECK (state IN ('claimed', 'processed')),
            lease_expires_at timestamptz NULL,
            processed_at     timestamptz NULL,
            PRIMARY KEY (consumer_group, message_id)
        );
        CREATE INDEX IF NOT EXISTS "{table.Name}_processed_at" ON {table.QualifiedName} (processed_at) WHERE state = 'processed';
        """;

    private static void ValidateMany(string consumerGroup, IReadOnlyList<string> messageIds)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(messageIds);
        foreach (var messageId in messageIds)
        {
            ArgumentException.ThrowIfNullOrEmpty(messageId);
        }
    }

    /// <summary>The indexes of <paramref name="messageIds"/> in ordinal ID order; equal IDs keep their order (a stable sort).</summary>
    private static int[] SortedOrder(IReadOnlyList<string> messageIds) =>
        Enumerable.Range(0, messageIds.Count).OrderBy(i => messageIds[i], StringComparer.Ordinal).ToArray();

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        // The slim builder maps only the basic types the store uses (text, timestamptz) and stays trimming-safe.
        return new NpgsqlSlimDataSourceBuilder(connectionString).Build();
    }
}
