using System.Data.Common;
using MessageContracts;
using Microsoft.Data.Sqlite;

namespace OrderFlow.Storage;

/// <summary>The default: one SQLite file per service in a fresh temporary folder, deleted at the end.</summary>
public sealed class SqliteStorage : SampleStorage
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"orderflow-{Guid.NewGuid():N}");

    public SqliteStorage() => Directory.CreateDirectory(folder);

    public override string Description => $"SQLite files in {folder}";

    private string OrdersConnectionString => $"Data Source={Path.Combine(folder, "orders.db")}";

    public override async Task<DbConnection> OpenOrdersAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(OrdersConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override void UseOutbox(MessageContractsOptions options) => options.UseSqliteOutbox(OrdersConnectionString);

    public override IDeduplicationStore DeduplicationStoreFor(string service) =>
        new SqliteDeduplicationStore($"Data Source={Path.Combine(folder, service + "-processed.db")}");

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
