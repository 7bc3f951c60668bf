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
/// A message ID the table cannot hold (longer than its key index allows, refused by a narrower column or a constraint a
/// DBA created) is reported as <see cref="MessageIdRejectedException"/> once a known-good ID is shown to be accepted
/// (<see cref="PostgreSqlErrors"/>); the consumer dead-letters that record. Every other error is thrown as it is, and
/// retried by the consumer.
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

    // A row that refused a claim or a mark and vanished a moment later (released, purged) is asked about again, this
    // often at most; then the answer is "held elsewhere" (claim) or "not recorded" (mark).
    private const int MaxAttempts = 5;

    private const string StoreName = "PostgreSQL deduplication store";

    private readonly PostgreSqlTable table;
    private readonly PostgreSqlWriteGroups groups;
    private readonly TimeProvider timeProvider;
    private readonly string claimSql;
    private readonly string stateSql;
    private readonly string renewSql;
    private readonly string markProcessedSql;
    private readonly string releaseSql;
    private readonly string claimSetSql;
    private readonly string markProcessedSetSql;
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
        table = new PostgreSqlTable(dataSource, ownsDataSource, schema ?? DefaultSchema, tableName ?? DefaultTableName, "MessageContracts.Deduplication", CreateTableSql, addedColumn: "owner uuid NULL");
        this.timeProvider = timeProvider ?? TimeProvider.System;
        groups = new PostgreSqlWriteGroups(table.DataSource);

        var t = table.QualifiedName;

        // Every statement: $1 group, $2 message ID (the failing statement of a batch is told by it), $3 owner.
        // A claim: $4 the new lease's expiry, $5 now. A conflicting row is updated (and returned) only when it is a claim
        // whose lease has run out; a live claim or a processed row makes RETURNING yield nothing.
        claimSql = $"""
            INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
            VALUES ($1, $2, 'claimed', $4, NULL, $3)
            ON CONFLICT (consumer_group, message_id) DO UPDATE
                SET lease_expires_at = EXCLUDED.lease_expires_at, owner = EXCLUDED.owner
                WHERE d.state = 'claimed' AND d.lease_expires_at <= $5
            RETURNING d.state
            """;
        stateSql = $"SELECT state FROM {t} WHERE consumer_group = $1 AND message_id = $2";

        // $4 the renewed lease's expiry.
        renewSql = $"UPDATE {t} SET lease_expires_at = $4 WHERE consumer_group = $1 AND message_id = $2 AND state = 'claimed' AND owner = $3";

        // $4 now. Marked unless another owner holds an unexpired claim; RETURNING yields nothing when the row is left
        // alone (processed before, or another owner's live claim), and the state read says which.
        markProcessedSql = $"""
            INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
            VALUES ($1, $2, 'processed', NULL, $4, NULL)
            ON CONFLICT (consumer_group, message_id) DO UPDATE
                SET state = 'processed', lease_expires_at = NULL, processed_at = EXCLUDED.processed_at, owner = NULL
                WHERE d.state = 'claimed' AND (d.owner = $3 OR d.lease_expires_at <= $4)
            RETURNING d.state
            """;
        releaseSql = $"DELETE FROM {t} WHERE consumer_group = $1 AND message_id = $2 AND state = 'claimed' AND owner = $3";

        // The same for a set of IDs: $2 is a JSON array of distinct IDs in ID order (rows are then locked in one order by
        // every instance, so two set statements cannot deadlock), one statement per operation instead of one per ID. JSON
        // text rather than a text[] parameter: a data source built with NpgsqlSlimDataSourceBuilder maps no arrays.
        //
        // Each set statement writes, then answers with the IDs it did not write and the state their row had when the
        // statement began (NULL: no row then, e.g. one another instance inserted meanwhile; the caller asks again). So
        // the usual answer, everything written, is no row at all: nothing per ID to send back, parse and keep.
        claimSetSql = $"""
            WITH w AS (
                INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
                SELECT $1, j.id, 'claimed', $4, NULL, $3 FROM jsonb_array_elements_text($2::jsonb) AS j(id)
                ON CONFLICT (consumer_group, message_id) DO UPDATE
                    SET lease_expires_at = EXCLUDED.lease_expires_at, owner = EXCLUDED.owner
                    WHERE d.state = 'claimed' AND d.lease_expires_at <= $5
                RETURNING d.message_id)
            {RefusedSql(t)}
            """;

        // The state read (RefusedSql) looks each ID up by the whole key (a subplan per ID, which no plan can turn into a scan of the
        // group). "message_id IN (SELECT jsonb_array_elements_text($2))" was planned, on a freshly truncated table, as a
        // nested loop over every row of the group that expanded the JSON again per row (50-685 ms per read end to end),
        // and "= ANY (ARRAY(...))" as a filter over the group's rows. NULL when there is no row. Renew and release (rare:
        // a handler outliving its lease, a failed handler) keep a statement per ID, by the whole key, for the same reason.
        markProcessedSetSql = $"""
            WITH w AS (
                INSERT INTO {t} AS d (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
                SELECT $1, j.id, 'processed', NULL, $4, NULL FROM jsonb_array_elements_text($2::jsonb) AS j(id)
                ON CONFLICT (consumer_group, message_id) DO UPDATE
                    SET state = 'processed', lease_expires_at = NULL, processed_at = EXCLUDED.processed_at, owner = NULL
                    WHERE d.state = 'claimed' AND (d.owner = $3 OR d.lease_expires_at <= $4)
                RETURNING d.message_id)
            {RefusedSql(t)}
            """;
        purgeSql = $"DELETE FROM {t} WHERE state = 'processed' AND processed_at < $1";
    }

    /// <summary>The schema of the store's table.</summary>
    public string Schema => table.Schema;

    /// <summary>The name of the store's table.</summary>
    public string TableName => table.Name;

    /// <inheritdoc />
    /// <remarks>
    /// One claim statement for the distinct IDs, in message ID order so that two instances claiming overlapping sets take
    /// the row locks in the same order, then one read of the states of the rows, in one round trip and one (implicit)
    /// transaction shared with the other claims and marks of this store waiting at the same time (group commit). A
    /// statement per ID only to find the ID the server refuses.
    /// </remarks>
    public async Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        var answers = await WriteThenReadAsync(consumerGroup, messageIds, owner, claimSql, claimSetSql, [now + lease, now], cancellationToken).ConfigureAwait(false);
        var results = new DeduplicationClaim[answers.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = answers[i] switch
            {
                Answer.Written => DeduplicationClaim.Claimed,
                Answer.Processed => DeduplicationClaim.AlreadyProcessed,

                // A live claim, or (after MaxAttempts) a row that keeps vanishing: someone else is busy with it.
                _ => DeduplicationClaim.ClaimedElsewhere,
            };
        }

        return results;
    }

    /// <inheritdoc />
    /// <remarks>One round trip and one (implicit) transaction.</remarks>
    public async Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new bool[messageIds.Count];
        if (results.Length == 0)
        {
            return results;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var expires = timeProvider.GetUtcNow().ToUniversalTime() + lease;
        await using var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var order = SortedOrder(messageIds);
        foreach (var i in order)
        {
            batch.BatchCommands.Add(Statement(renewSql, consumerGroup, messageIds[i], owner, [expires]));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < order.Length; k++)
        {
            results[order[k]] = batch.BatchCommands[k].RecordsAffected > 0;
        }

        return results;
    }

    /// <inheritdoc />
    /// <remarks>One mark statement for the distinct IDs, in message ID order, then one read of the states: one round trip and one (implicit) transaction, shared as a claim's is.</remarks>
    public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        var answers = await WriteThenReadAsync(consumerGroup, messageIds, owner, markProcessedSql, markProcessedSetSql, [now], cancellationToken).ConfigureAwait(false);
        var results = new bool[answers.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = answers[i] is Answer.Written or Answer.Processed;
        }

        return results;
    }

    /// <inheritdoc />
    /// <remarks>One round trip and one (implicit) transaction.</remarks>
    public async Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
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
            batch.BatchCommands.Add(Statement(releaseSql, consumerGroup, messageIds[i], owner, []));
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

    /// <summary>
    /// The tail of a set statement after its write <c>w</c>: each ID of $2 the write did not return, with its row's state
    /// in the statement's snapshot (a subplan by the whole key per ID: see the constructor for why).
    /// </summary>
    private static string RefusedSql(string table) =>
        $"SELECT j.id, (SELECT d.state FROM {table} AS d WHERE d.consumer_group = $1 AND d.message_id = j.id) FROM jsonb_array_elements_text($2::jsonb) AS j(id) WHERE j.id NOT IN (SELECT message_id FROM w)";

    private static string CreateTableSql(PostgreSqlTable table) => $"""
        CREATE TABLE IF NOT EXISTS {table.QualifiedName} (
            consumer_group   text        NOT NULL,
            message_id       text        NOT NULL,
            state            text        NOT NULL CHECK (state IN ('claimed', 'processed')),
            lease_expires_at timestamptz NULL,
            processed_at     timestamptz NULL,
            owner            uuid        NULL,
            PRIMARY KEY (consumer_group, message_id)
        );
        CREATE INDEX IF NOT EXISTS "{table.Name}_processed_at" ON {table.QualifiedName} (processed_at) WHERE state = 'processed';
        """;

    /// <summary>
    /// Runs <paramref name="writeSql"/> (a claim or a mark, with <c>RETURNING</c>) for every ID, in ID order, then reads
    /// the state of each row, in one round trip and one implicit transaction, and says for each ID what became of it. A
    /// row that refused the write and then vanished (released or purged in between) is written again, up to
    /// <see cref="MaxAttempts"/> rounds. A data error is a <see cref="MessageIdRejectedException"/> once the record is
    /// shown to be at fault.
    /// </summary>
    private async Task<Answer[]> WriteThenReadAsync(
        string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, string writeSql, string writeSetSql, DateTimeOffset[] extra, CancellationToken cancellationToken)
    {
        var answers = new Answer[messageIds.Count];
        if (answers.Length == 0)
        {
            return answers;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var pending = SortedOrder(messageIds);
        for (var attempt = 1; attempt <= MaxAttempts && pending.Length > 0; attempt++)
        {
            var written = new bool[pending.Length];
            var states = new string?[pending.Length];
            var answeredAsSet = SetOf(messageIds, pending) is { } set
                && await TryWriteThenReadSetAsync(consumerGroup, messageIds, pending, set, owner, writeSetSql, extra, written, states, cancellationToken).ConfigureAwait(false);
            if (!answeredAsSet)
            {
                try
                {
                    // A data error in the set statement (or an ID JSON cannot carry): one statement per ID, so the failing one names its ID.
                    await using var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    await using var batch = new NpgsqlBatch(connection);
                    foreach (var i in pending)
                    {
                        batch.BatchCommands.Add(Statement(writeSql, consumerGroup, messageIds[i], owner, extra));
                    }

                    foreach (var i in pending)
                    {
                        batch.BatchCommands.Add(Statement(stateSql, consumerGroup, messageIds[i], owner: null, []));
                    }

                    await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    for (var k = 0; k < pending.Length; k++)
                    {
                        if (k > 0)
                        {
                            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                        }

                        written[k] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    }

                    for (var k = 0; k < pending.Length; k++)
                    {
                        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                        states[k] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(0) : null;
                    }
                }
                catch (PostgresException exception) when (PostgreSqlErrors.IsDataError(exception))
                {
                    throw await RejectionOrSelfAsync(exception, consumerGroup, messageIds, cancellationToken).ConfigureAwait(false);
                }
            }

            var again = new List<int>();
            for (var k = 0; k < pending.Length; k++)
            {
                var i = pending[k];
                answers[i] = written[k] ? Answer.Written
                    : states[k] == "processed" ? Answer.Processed
                    : states[k] == "claimed" ? Answer.HeldElsewhere
                    : Answer.Vanished;
                if (answers[i] == Answer.Vanished)
                {
                    again.Add(i);
                }
            }

            pending = [.. again];
        }

        return answers;
    }

    /// <summary>
    /// The set form of one round of <see cref="WriteThenReadAsync"/>: <paramref name="writeSetSql"/> for the distinct IDs
    /// (<paramref name="set"/>, in ID order), then one read of their states, in one round trip and one implicit
    /// transaction. An ID given again after its first occurrence counts as not written, as its own statement after the
    /// first would have found the first one's row. False (nothing written) on a data error: the caller then finds the
    /// refused ID one statement per ID.
    /// </summary>
    private async Task<bool> TryWriteThenReadSetAsync(
        string consumerGroup, IReadOnlyList<string> messageIds, int[] pending, string set, Guid owner, string writeSetSql, DateTimeOffset[] extra,
        bool[] written, string?[] states, CancellationToken cancellationToken)
    {
        // With the other workers' claims and marks waiting at the same time, in one transaction (group commit).
        var write = new PostgreSqlWriteGroups.SetWrite(writeSetSql, consumerGroup, set, pending.Length, owner, extra, cancellationToken);
        if (!await groups.WriteAsync(write).ConfigureAwait(false))
        {
            return false;
        }

        // The row of an ID the statement wrote is in the state it wrote: a later occurrence of the ID finds it so.
        var writtenState = ReferenceEquals(writeSetSql, claimSetSql) ? "claimed" : "processed";
        var refused = write.Refused;
        for (var k = 0; k < pending.Length; k++)
        {
            var messageId = messageIds[pending[k]];
            var first = k == 0 || !string.Equals(messageIds[pending[k - 1]], messageId, StringComparison.Ordinal);
            if (refused is not null && refused.TryGetValue(messageId, out var state))
            {
                written[k] = false;
                states[k] = state;
            }
            else
            {
                written[k] = first;
                states[k] = writtenState;
            }
        }

        return true;
    }

    /// <summary>
    /// The distinct IDs at <paramref name="order"/> (sorted by ID) as a JSON array for the set statements (one ID too: the
    /// set form joins the group commit); null for none, or when an ID is not valid UTF-16, which JSON text cannot carry.
    /// </summary>
    private static string? SetOf(IReadOnlyList<string> messageIds, int[] order)
    {
        if (order.Length == 0)
        {
            return null;
        }

        var json = new System.Buffers.ArrayBufferWriter<byte>();
        try
        {
            using var writer = new System.Text.Json.Utf8JsonWriter(json);
            writer.WriteStartArray();
            string? previous = null;
            foreach (var i in order)
            {
                if (!string.Equals(previous, messageIds[i], StringComparison.Ordinal))
                {
                    writer.WriteStringValue(messageIds[i]);
                    previous = messageIds[i];
                }
            }

            writer.WriteEndArray();
        }
        catch (ArgumentException)
        {
            return null;
        }

        return System.Text.Encoding.UTF8.GetString(json.WrittenSpan);
    }

    /// <summary>
    /// The exception for a data error: <see cref="MessageIdRejectedException"/> for the ID of the failing statement when
    /// a known-good ID is accepted (so that ID is at fault), else the original error, which the consumer retries.
    /// </summary>
    private async Task<Exception> RejectionOrSelfAsync(PostgresException exception, string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        var messageId = PostgreSqlErrors.FailingMessageId(exception, parameterIndex: 1, single: messageIds.Count == 1 ? messageIds[0] : null);
        if (messageId is null)
        {
            return exception;
        }

        var now = timeProvider.GetUtcNow().ToUniversalTime();
        var recordAtFault = await PostgreSqlErrors.ProbeAsync(
            table.DataSource,
            async (connection, transaction) =>
            {
                await using var probe = new NpgsqlBatch(connection, transaction);
                probe.BatchCommands.Add(Statement(claimSql, consumerGroup, PostgreSqlErrors.ProbeMessageId, Guid.NewGuid(), [now + TimeSpan.FromSeconds(1), now]));
                await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return recordAtFault ? PostgreSqlErrors.Rejected(StoreName, messageId, exception) : exception;
    }

    /// <summary>One statement: $1 the group, $2 the message ID, $3 the owner (when given), then <paramref name="extra"/>.</summary>
    internal static NpgsqlBatchCommand Statement(string sql, string consumerGroup, string messageId, Guid? owner, DateTimeOffset[] extra)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
        if (owner is { } token)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = token });
        }

        foreach (var value in extra)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = value });
        }

        return command;
    }

    /// <summary>The indexes of <paramref name="messageIds"/> in ordinal ID order; equal IDs keep their order (a stable sort).</summary>
    private static int[] SortedOrder(IReadOnlyList<string> messageIds)
    {
        // Sorted in place, ties broken by index (so stable), without the keys array and buffers of a LINQ OrderBy.
        var order = new int[messageIds.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (x, y) => string.CompareOrdinal(messageIds[x], messageIds[y]) is var byId && byId != 0 ? byId : x.CompareTo(y));
        return order;
    }

    /// <summary>What a claim or a mark did to one row.</summary>
    private enum Answer
    {
        /// <summary>The statement wrote the row: claimed, or marked.</summary>
        Written,

        /// <summary>Left alone: processed before.</summary>
        Processed,

        /// <summary>Left alone: another owner's live claim.</summary>
        HeldElsewhere,

        /// <summary>Left alone, and gone by the time its state was read.</summary>
        Vanished,
    }

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        // The slim builder maps only the basic types the store uses (text, timestamptz) and stays trimming-safe.
        return new NpgsqlSlimDataSourceBuilder(connectionString).Build();
    }
}
