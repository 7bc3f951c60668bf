using StackExchange.Redis;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>
/// The Redis server scripts/brokers.sh starts (MESSAGECONTRACTS_REDIS), with a key prefix of its own for one test class
/// (every key the class writes starts with it, and they are deleted afterwards). An unset variable or an unreachable
/// server fails every test of the class (never skips it), saying what to start.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string Variable = "MESSAGECONTRACTS_REDIS";

    private IConnectionMultiplexer? connection;

    /// <summary>The prefix of this test class's keys.</summary>
    public string Prefix { get; } = "mc-test:" + Guid.NewGuid().ToString("N")[..12] + ":";

    /// <summary>The configuration string (host:port).</summary>
    public static string Configuration =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the Redis tests need a real server. Run them through scripts/test.sh, or start one with "
                + "`eval \"$(bash scripts/brokers.sh)\"` and run dotnet test in that shell.");

    public IConnectionMultiplexer Connection => connection ?? throw new InvalidOperationException("The server was not reached.");

    public IDatabase Database => Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        connection = await ConnectAsync(Configuration);
    }

    /// <summary>A new connection to the server (another "instance"), proven to answer.</summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(string configuration)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.ConnectTimeout = 5000;
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
            await multiplexer.GetDatabase().PingAsync();
            return multiplexer;
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidOperationException(
                $"The Redis tests need a server, and none answered at '{configuration}' ({exception.Message}). "
                + $"Start one with scripts/brokers.sh (scripts/test.sh does), or set {Variable} to one of yours.",
                exception);
        }
    }

    /// <summary>Every key of this class (its prefix), for assertions and the clean-up.</summary>
    public async Task<IReadOnlyList<RedisKey>> KeysAsync(string? within = null)
    {
        var keys = new List<RedisKey>();
        foreach (var endpoint in Connection.GetEndPoints())
        {
            await foreach (var key in Connection.GetServer(endpoint).KeysAsync(pattern: (within ?? Prefix) + "*"))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    public async Task DisposeAsync()
    {
        if (connection is null)
        {
            return;
        }

        var keys = await KeysAsync();
        if (keys.Count > 0)
        {
            await Database.KeyDeleteAsync([.. keys]);
        }

        await connection.DisposeAsync();
    }
}
