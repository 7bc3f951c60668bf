using Npgsql;

namespace MessageContracts.PostgreSql;

/// <summary>
/// The transactional inbox in a PostgreSQL table. The insert of a message ID is <c>ON CONFLICT DO NOTHING</c>: a
/// committed row means processed before; a concurrent, uncommitted insert of the same ID (a duplicate being handled by
/// another instance) makes this one wait until that transaction commits (then: duplicate) or rolls back (then: ours).
/// </summary>
internal sealed class PostgreSqlInboxStore : IInboxStore, IAsyncDisposable, IDisposable
{
    public const string DefaultTableName = "message_inbox";

    private readonly PostgreSqlTable table;
    private readonly string insertSql;
    private readonly string deadLetteredSql;
    private readonly string purgeSql;

    public PostgreSqlInboxStore(string connectionString, string? schema, string? tableName)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).Build();
        table = new PostgreSqlTable(dataSource, ownsDataSource: true, schema ?? "public", tableName ?? DefaultTableName, "MessageContracts.Inbox", CreateTableSql);
        var t = table.QualifiedName;
        insertSql = $"""
            INSERT INTO {t} (consumer_group, message_id, status, processed_at) VALUES ($1, $2, 'handled', $3)
            ON CONFLICT (consumer_group, message_id) DO NOTHING
            RETURNING 1
            """;
        deadLetteredSql = $"UPDATE {t} SET status = 'dead_lettered' WHERE consumer_group = $1 AND message_id = $2";
        purgeSql = $"DELETE FROM {t} WHERE processed_at < $1";
    }

    public async Task<InboxUnit?> TryBeginAsync(string consumerGroup, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await table.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await InboxUnit.StartAsync(
                connection,
                open => open.BeginTransactionAsync(cancellationToken),
                async unit =>
                {
                    await using var command = InsertCommand(connection, (NpgsqlTransaction)unit.Transaction, consumerGroup, messageId, now);
                    return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
                }).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (PostgreSqlErrors.IsDataError(exception))
        {
            // The unit was rolled back. A known-good ID accepted by the same insert proves the record at fault.
            var recordAtFault = await PostgreSqlErrors.ProbeAsync(
                table.DataSource,
                async (connection, transaction) =>
                {
                    await using var probe = InsertCommand(connection, transaction, consumerGroup, PostgreSqlErrors.ProbeMessageId, now);
                    await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            if (recordAtFault)
            {
                throw PostgreSqlErrors.Rejected("PostgreSQL inbox", messageId, exception);
            }

            throw;
        }
    }

    private NpgsqlCommand InsertCommand(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumerGroup, string messageId, DateTimeOffset now)
    {
        var command = new NpgsqlCommand(insertSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        return command;
    }

    public async Task MarkDeadLetteredAsync(InboxUnit unit, string consumerGroup, string messageId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(deadLetteredSql, (NpgsqlConnection)unit.Connection, (NpgsqlTransaction)unit.Transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        table.DeleteOlderThanAsync(purgeSql, olderThan, cancellationToken);

    public ValueTask DisposeAsync() => table.DisposeAsync();

    public void Dispose() => table.Dispose();

    private static string CreateTableSql(PostgreSqlTable table) => $"""
        CREATE TABLE IF NOT EXISTS {table.QualifiedName} (
            consumer_group text        NOT NULL,
            message_id     text        NOT NULL,
            status         text        NOT NULL CHECK (status IN ('handled', 'dead_lettered')),
            processed_at   timestamptz NOT NULL,
            PRIMARY KEY (consumer_group, message_id)
        );
        CREATE INDEX IF NOT EXISTS "{table.Name}_processed_at" ON {table.QualifiedName} (processed_at);
        """;
}
