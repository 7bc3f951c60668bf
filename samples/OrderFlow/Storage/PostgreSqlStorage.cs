using System.Data.Common;
using MessageContracts;
using MessageContracts.PostgreSql;
using Npgsql;

namespace OrderFlow.Storage;

/// <summary>
/// --postgres: the orders table and the outbox in one PostgreSQL database, and the consumers' processed message IDs in
/// the shared PostgreSQL deduplication table (what several instances of a service would share).
/// </summary>
public sealed class PostgreSqlStorage(string connectionString) : SampleStorage
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public override string Description => $"PostgreSQL at {dataSource.ConnectionString.Split(';').FirstOrDefault(part => part.StartsWith("Host", StringComparison.OrdinalIgnoreCase)) ?? "the given server"}";

    public override async Task<DbConnection> OpenOrdersAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override void UseOutbox(MessageContractsOptions options) => options.UsePostgreSqlOutbox(connectionString);

    public override IDeduplicationStore DeduplicationStoreFor(string service) => new PostgreSqlDeduplicationStore(connectionString);

    public override async ValueTask DisposeAsync() => await dataSource.DisposeAsync();
}
