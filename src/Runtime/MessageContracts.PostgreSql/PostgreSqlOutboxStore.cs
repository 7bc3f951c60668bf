using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace MessageContracts.PostgreSql;

/// <summary>
/// The outbox in a PostgreSQL table, shared by any number of relays. Rows carry a key bucket
/// (<see cref="OutboxBuckets"/>); a relay leases whole buckets with session advisory locks
/// (<c>pg_try_advisory_lock(hashtext('MessageContracts.Outbox:' || table), bucket)</c>), reads their oldest unsent rows in
/// sequence order once it holds them, and gives them back after marking what Kafka acknowledged. So one bucket, and
/// with it every key in it, is relayed by one live relay at a time and in order; a relay that dies loses its session
/// and with it its locks.
/// </summary>
internal sealed class PostgreSqlOutboxStore : IOutboxStore, IOutboxBacklog, IAsyncDisposable, IDisposable
{
    public const string DefaultTableName = "outbox_messages";

    // At most this many buckets per lease, so other relays find free buckets while this one works.
    private const int BucketsPerLease = 16;

    private readonly PostgreSqlTable table;
    private readonly string lockScope;
    private readonly string insertSql;
    private readonly string candidatesSql;
    private readonly string leaseSql;
    private readonly string markSentSql;
    private readonly string purgeSql;
    private readonly string backlogSql;

    public PostgreSqlOutboxStore(string connectionString, string? schema, string? tableName)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        // The slim builder stays trimming-safe; the lease needs arrays (bucket = ANY($1), sequence = ANY($1)).
        var dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).EnableArrays().Build();
        table = new PostgreSqlTable(dataSource, ownsDataSource: true, schema ?? "public", tableName ?? DefaultTableName, "MessageContracts.Outbox", CreateTableSql);
        var t = table.QualifiedName;
        lockScope = "MessageContracts.Outbox:" + t;
        insertSql = $"""
            INSERT INTO {t} (message_id, message_type, topic, message_key, message_value, headers, bucket, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (message_id) DO NOTHING
            """;

        // The buckets with unsent rows, the one with the oldest row first: one probe of the unsent index per bucket, so
        // the cost does not grow with the backlog.
        candidatesSql = $"""
            SELECT b.bucket FROM generate_series(0, {OutboxBuckets.Count - 1}) AS b(bucket)
            CROSS JOIN LATERAL (
                SELECT o.sequence FROM {t} AS o WHERE o.bucket = b.bucket AND o.sent_at IS NULL ORDER BY o.sequence LIMIT 1
            ) AS oldest
            ORDER BY oldest.sequence
            """;
        leaseSql = $"""
            SELECT sequence, message_id, message_type, topic, message_key, message_value, headers, bucket, created_at
            FROM {t} WHERE bucket = ANY($1) AND sent_at IS NULL ORDER BY sequence LIMIT $2
            """;
        markSentSql = $"UPDATE {t} SET sent_at = $2 WHERE sequence = ANY($1)";
        purgeSql = $"DELETE FROM {t} WHERE sent_at IS NOT NULL AND sent_at < $1";

        // A plain read under MVCC: it takes no lock the relays' advisory locks or marks could make it wait for.
        backlogSql = $"SELECT count(*), min(created_at) FROM {t} WHERE sent_at IS NULL";
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => table.EnsureCreatedAsync(cancellationToken);

    public async Task EnqueueAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (transaction is not NpgsqlTransaction npgsqlTransaction || npgsqlTransaction.Connection is not { } connection)
        {
            throw new ArgumentException($"The PostgreSQL outbox writes through an NpgsqlTransaction; got {transaction.GetType().Name}.", nameof(transaction));
        }

        // On a connection of the store's own: the table's creation commits whatever the caller's transaction does.
        await table.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(insertSql, connection, npgsqlTransaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.MessageId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.MessageType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.Topic });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)message.Key ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = message.Value });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = message.Headers });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = message.Bucket });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = message.CreatedAt.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = table.DataSource.CreateCommand(backlogSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var count = reader.GetInt64(0);
        return new OutboxBacklog(count, reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    public async Task<OutboxLease> LeaseAsync(int maxMessages, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var lease = new Lease(connection, markSentSql);
        try
        {
            var candidates = new List<int>();
            await using (var command = new NpgsqlCommand(candidatesSql, connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    candidates.Add(reader.GetInt32(0));
                }
            }

            // Oldest buckets first, each tried once: a bucket another relay holds is skipped, never waited for.
            var held = new List<int>();
            await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext($1), $2)", connection))
            {
                var scope = new NpgsqlParameter<string> { TypedValue = lockScope };
                var bucket = new NpgsqlParameter<int>();
                tryLock.Parameters.Add(scope);
                tryLock.Parameters.Add(bucket);
                foreach (var candidate in candidates)
                {
                    bucket.TypedValue = candidate;
                    if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                    {
                        held.Add(candidate);
                        if (held.Count == BucketsPerLease)
                        {
                            break;
                        }
                    }
                }
            }

            if (held.Count == 0)
            {
                return lease;
            }

            // Read only now that the buckets are ours: this statement's snapshot sees every row the previous holder
            // marked sent before it let go.
            await using (var read = new NpgsqlCommand(leaseSql, connection))
            {
                read.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. held] });
                read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxMessages });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    lease.Rows.Add(new OutboxMessage(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4),
                        reader.GetFieldValue<byte[]>(5),
                        reader.GetFieldValue<byte[]>(6),
                        reader.GetInt32(7),
                        reader.GetFieldValue<DateTimeOffset>(8)));
                }
            }

            return lease;
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<int> PurgeSentAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        table.DeleteOlderThanAsync(purgeSql, olderThan, cancellationToken);

    public ValueTask DisposeAsync() => table.DisposeAsync();

    public void Dispose() => table.Dispose();

    private static string CreateTableSql(PostgreSqlTable table) => $"""
        CREATE TABLE IF NOT EXISTS {table.QualifiedName} (
            sequence      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            message_id    text        NOT NULL UNIQUE,
            message_type  text        NOT NULL,
            topic         text        NOT NULL,
            message_key   bytea       NULL,
            message_value bytea       NOT NULL,
            headers       bytea       NOT NULL,
            bucket        integer     NOT NULL,
            created_at    timestamptz NOT NULL,
            sent_at       timestamptz NULL
        );
        CREATE INDEX IF NOT EXISTS "{table.Name}_unsent" ON {table.QualifiedName} (bucket, sequence) WHERE sent_at IS NULL;
        CREATE INDEX IF NOT EXISTS "{table.Name}_sent_at" ON {table.QualifiedName} (sent_at) WHERE sent_at IS NOT NULL;
        """;

    private sealed class Lease(NpgsqlConnection connection, string markSentSql) : OutboxLease(new List<OutboxMessage>())
    {
        public List<OutboxMessage> Rows => (List<OutboxMessage>)Messages;

        public override async Task MarkSentAsync(IReadOnlyList<long> sequences, DateTimeOffset sentAt, CancellationToken cancellationToken)
        {
            if (sequences.Count == 0)
            {
                return;
            }

            await using var command = new NpgsqlCommand(markSentSql, connection);
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. sequences] });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = sentAt.ToUniversalTime() });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                // The connection goes back to the pool: it must not keep the buckets.
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
                await unlock.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                // A broken connection: the server ended the session, and its locks with it.
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
