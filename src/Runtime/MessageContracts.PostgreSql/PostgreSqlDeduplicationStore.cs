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
    private readonly string claimManySql;
    private readonly string statesSql;
    private readonly string markProcessedManySql;
    private readonly string releaseManySql;

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

        // The batch forms: $2 is a JSON array of message IDs (text, so no array type mapping is needed), taken
        // distinct (one INSERT may not touch a row twice) and in ID order (so overlapping batches lock rows alike).
        const string Ids = "(SELECT DISTINCT value AS message_id FROM jsonb_array_elements_text($2::jsonb)) AS ids";
        claimManySql = $"""
            INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at)
            SELECT $1, message_id, 'claimed', $3, NULL FROM {Ids} ORDER BY message_id COLLATE "C"
            ON CONFLICT (consumer_group, message_id) DO UPDATE
                SET lease_expires_at = EXCLUDED.lease_expires_at
                WHERE d.state = 'claimed' AND d.lease_expires_at <= $4
            RETURNING d.message_id
            """;
        statesSql = $"SELECT d.message_id, d.state FROM {t} AS d JOIN {Ids} USING (message_id) WHERE d.consumer_group = $1";
        markProcessedManySql = $"""
            INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at)
            SELECT $1, message_id, 'processed', NULL, $3 FROM {Ids} ORDER BY message_id COLLATE "C"
            ON CONFLICT (consumer_group, message_id) DO UPDATE
                SET state = 'processed', lease_expires_at = NULL, processed_at = EXCLUDED.processed_at
                WHERE d.state <> 'processed'
            """;
        releaseManySql = $"DELETE FROM {t} AS d USING {Ids} WHERE d.consumer_group = $1 AND d.message_id = ids.message_id AND d.state = 'claimed'";
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
    /// One round trip and one (implicit) transaction: one <c>INSERT ... SELECT</c> over the batch's distinct IDs (passed
    /// as one JSON array, in ID order so that two instances claiming overlapping batches take the row locks in the
    /// same order), then one read of the states of the rows that refused.
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
        var ids = JsonArray(messageIds);
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var batch = new NpgsqlBatch(connection);
            var claim = new NpgsqlBatchCommand(claimManySql);
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ids });
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + lease });
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            batch.BatchCommands.Add(claim);
            var read = new NpgsqlBatchCommand(statesSql);
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ids });
            batch.BatchCommands.Add(read);

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(reader.GetString(0));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                states[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var answered = new Dictionary<string, DeduplicationClaim>(StringComparer.Ordinal);
        for (var i = 0; i < results.Length; i++)
        {
            var id = messageIds[i];
            if (answered.TryGetValue(id, out var first))
            {
                // An ID given again: its first occurrence holds the claim.
                results[i] = first == DeduplicationClaim.AlreadyProcessed ? first : DeduplicationClaim.ClaimedElsewhere;
                continue;
            }

            results[i] = claimed.Contains(id)
                ? DeduplicationClaim.Claimed
                : states.GetValueOrDefault(id) switch
                {
                    "processed" => DeduplicationClaim.AlreadyProcessed,
                    "claimed" => DeduplicationClaim.ClaimedElsewhere,

                    // The row that refused the claim vanished a moment later (released or purged): ask again alone.
                    _ => await TryClaimAsync(consumerGroup, id, lease, cancellationToken).ConfigureAwait(false),
                };
            answered[id] = results[i];
        }

        return results;
    }

    /// <inheritdoc />
    /// <remarks>One statement over the batch's IDs (passed as one JSON array): one round trip, one transaction.</remarks>
    public async Task MarkProcessedManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(markProcessedManySql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonArray(messageIds) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timeProvider.GetUtcNow().ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One statement over the batch's IDs (passed as one JSON array): one round trip, one transaction.</remarks>
    public async Task ReleaseManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(releaseManySql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonArray(messageIds) });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(purgeSql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = olderThan.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

    private static string JsonArray(IReadOnlyList<string> messageIds)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(messageIds.Count * 40);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var messageId in messageIds)
            {
                writer.WriteStringValue(messageId);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        // The slim builder maps only the basic types the store uses (text, timestamptz) and stays trimming-safe.
        return new NpgsqlSlimDataSourceBuilder(connectionString).Build();
    }
}
