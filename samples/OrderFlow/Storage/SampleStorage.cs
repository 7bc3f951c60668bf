using System.Data.Common;
using MessageContracts;

namespace OrderFlow.Storage;

/// <summary>
/// Where the services keep their data: the order service's orders table and outbox, and each consumer's record of
/// the message IDs it processed. SQLite files in a temporary folder by default, PostgreSQL with --postgres.
/// </summary>
public abstract class SampleStorage : IAsyncDisposable
{
    /// <summary>Shown at startup.</summary>
    public abstract string Description { get; }

    /// <summary>Opens a connection to the order service's database.</summary>
    public abstract Task<DbConnection> OpenOrdersAsync(CancellationToken cancellationToken);

    /// <summary>Keeps the order service's outbox in its own database, so an order and its messages commit together.</summary>
    public abstract void UseOutbox(MessageContractsOptions options);

    /// <summary>The deduplication store of one consuming service.</summary>
    public abstract IDeduplicationStore DeduplicationStoreFor(string service);

    /// <summary>Creates the orders table when it is missing.</summary>
    public async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenOrdersAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS orderflow_orders (order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, total NUMERIC NOT NULL)";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
