using Npgsql;
using Xunit;

namespace MessageContracts.Stores.Tests;

/// <summary>
/// The PostgreSQL server the tests use: <c>MESSAGECONTRACTS_POSTGRES</c>, or the local server <c>.ci/run</c> starts.
/// An unreachable server fails every PostgreSQL test (never skips it), naming the connection string it tried.
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "MESSAGECONTRACTS_POSTGRES";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    private NpgsqlDataSource? dataSource;

    public string ConnectionString { get; } =
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public NpgsqlDataSource DataSource => dataSource ?? throw new InvalidOperationException("The server was not reached.");

    public async Task InitializeAsync()
    {
        dataSource = await ConnectAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
    }

    /// <summary>Opens a pool on <paramref name="connectionString"/> and proves the server answers, or says plainly why not.</summary>
    public static async Task<NpgsqlDataSource> ConnectAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Timeout > 10)
        {
            builder.Timeout = 10;
        }

        var source = NpgsqlDataSource.Create(builder);
        try
        {
            await using var command = source.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync();
            return source;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await source.DisposeAsync();
            var shown = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(shown.Password))
            {
                shown.Password = "***";
            }

            throw new InvalidOperationException(
                $"The PostgreSQL tests need a server, and none answered at '{shown}' ({exception.Message}). "
                + $"Start one (.ci/run does: pg_ctlcluster <version> main start) or set {EnvironmentVariable} to a connection string for one.",
                exception);
        }
    }

    /// <summary>Drops a test's schema and everything in it.</summary>
    public async Task DropSchemaAsync(string schema)
    {
        await using var command = DataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    public static string NewSchemaName() => "mc_test_" + Guid.NewGuid().ToString("N");
}
