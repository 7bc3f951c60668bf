using MessageContracts.PostgreSql;
using Npgsql;
using Xunit;

namespace MessageContracts.Tests.FailureLog;

/// <summary>
/// The shared suite on a real PostgreSQL: <c>MESSAGECONTRACTS_POSTGRES</c> names the server (a local
/// <c>postgres</c>/<c>postgres</c> login on 127.0.0.1 when unset). An unreachable server fails these tests; it never skips them.
/// </summary>
public sealed class PostgreSqlPublishFailureLogTests : PublishFailureLogContract
{
    private static readonly string ConnectionString =
        Environment.GetEnvironmentVariable("MESSAGECONTRACTS_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres;Timeout=5";

    // A table per test, so tests (and test runs) sharing the server never see each other's records.
    private readonly string table = "publish_failures_" + Guid.NewGuid().ToString("N")[..16];
    private readonly List<PostgreSqlPublishFailureLog> logs = [];

    protected override IPublishFailureLog CreateLog()
    {
        var log = new PostgreSqlPublishFailureLog(ConnectionString, tableName: table);
        logs.Add(log);
        return log;
    }

    public override async Task DisposeAsync()
    {
        foreach (var log in logs)
        {
            await log.DisposeAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS \"public\".\"{table}\"");
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_table_is_created_in_its_own_schema_when_asked_for_one()
    {
        var schema = "mc_failures_" + Guid.NewGuid().ToString("N")[..12];
        await using var log = new PostgreSqlPublishFailureLog(ConnectionString, schema, "failures");
        try
        {
            await log.AppendAsync(Record("m1"), default);
            Assert.Equal(1, await log.CountAsync(default));
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
