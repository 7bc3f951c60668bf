using System.Diagnostics;
using MessageContracts.Behaviour.Tests.Transports;
using MessageContracts.Redis;
using StackExchange.Redis;

namespace MessageContracts.Behaviour.Tests.Redis;

/// <summary>
/// The behaviour suite's view of Redis Streams, on the server scripts/brokers.sh starts (MESSAGECONTRACTS_REDIS): each
/// test works under a key prefix of its own (its streams, groups and dead letters), deleted when the next test begins
/// and at the end. Raw records are XADDed as the transport lays entries out (headers as fields, then partitionkey, then
/// data); settled means the service's group has been handed every entry and has none pending.
/// </summary>
public sealed class RedisTransportUnderTest : TransportUnderTest
{
    private const string Variable = "MESSAGECONTRACTS_REDIS";

    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(20);

    private string configuration = null!;
    private IConnectionMultiplexer? connection;
    private string? prefix;

    public override string Name => "redis";

    private IDatabase Database => (connection ?? throw new InvalidOperationException("The server was not reached.")).GetDatabase();

    private string Prefix => prefix ?? throw new InvalidOperationException("BeginTestAsync was not called.");

    public override async Task InitializeAsync()
    {
        configuration = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the Redis behaviour suite needs a real server. Run it through scripts/test.sh, or start one with "
                + "`eval \"$(bash scripts/brokers.sh)\"` and run dotnet test in that shell.");
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidOperationException(
                $"The Redis behaviour suite needs a server, and none answered at '{configuration}' ({exception.Message}). "
                + "Start one with `eval \"$(bash scripts/brokers.sh)\"` (scripts/test.sh does).", exception);
        }
    }

    public override async Task BeginTestAsync()
    {
        await DropKeysAsync();
        prefix = "mc-suite:" + Guid.NewGuid().ToString("N")[..12] + ":";
    }

    public override void Configure(MessageContractsOptions options, string service) =>
        options.UseRedis(configuration, redis =>
        {
            redis.KeyPrefix = Prefix;
            redis.MaxPollDelay = TimeSpan.FromMilliseconds(200);
        });

    public override async Task SendRawAsync(
        string destinationOfContract, byte[]? key, byte[] value, IReadOnlyList<KeyValuePair<string, byte[]>> headers)
    {
        var fields = new List<NameValueEntry>(headers.Count + 2);
        fields.AddRange(headers.Select(h => new NameValueEntry(h.Key, h.Value)));
        if (key is not null)
        {
            fields.Add(new NameValueEntry("partitionkey", key));
        }

        fields.Add(new NameValueEntry("data", value));
        await Database.StreamAddAsync(Prefix + destinationOfContract, [.. fields]);
    }

    public override async Task WaitUntilSettledAsync(string destinationOfContract, string service, TimeSpan timeout)
    {
        var stream = Prefix + destinationOfContract;
        var group = SuiteDestinations.KindOf(destinationOfContract) == MessageKind.Command ? RedisTransportOptions.DefaultCommandGroup : service;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var state = await SettledAsync(stream, group);
            if (state is null)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"'{service}' did not settle '{destinationOfContract}' within {timeout.TotalSeconds:0} s: {state}.");
            }

            await Task.Delay(CheckInterval);
        }
    }

    public override async Task<IReadOnlyList<DeadLetterSeen>> ReadDeadLettersAsync(
        string destinationOfContract, string service, int atLeast, TimeSpan timeout)
    {
        var stream = Prefix + destinationOfContract + RedisOptionsExtensions.DeadLetterSuffix;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = (await Database.StreamRangeAsync(stream)).Select(ToDeadLetter).Where(d => d.ConsumerGroup == service).ToList();
            if (seen.Count >= atLeast)
            {
                return seen;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Expected at least {atLeast} dead letter(s) of '{service}' in '{stream}' within {timeout.TotalSeconds:0} s; saw {seen.Count}.");
            }

            await Task.Delay(CheckInterval);
        }
    }

    public override async Task DisposeAsync()
    {
        await DropKeysAsync();
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>Null when the group was handed the stream's last entry and has none pending; otherwise what is left.</summary>
    private async Task<string?> SettledAsync(RedisKey stream, string group)
    {
        if (!await Database.KeyExistsAsync(stream))
        {
            return "no stream yet";
        }

        var info = await Database.StreamInfoAsync(stream);
        var groupInfo = (await Database.StreamGroupInfoAsync(stream)).FirstOrDefault(g => g.Name == group);
        if (groupInfo.Name is null)
        {
            return $"no group '{group}' yet";
        }

        return groupInfo.LastDeliveredId == info.LastGeneratedId && groupInfo.PendingMessageCount == 0
            ? null
            : $"group '{group}' delivered up to {groupInfo.LastDeliveredId} of {info.LastGeneratedId}, {groupInfo.PendingMessageCount} pending";
    }

    private static DeadLetterSeen ToDeadLetter(StreamEntry entry)
    {
        byte[]? key = null;
        byte[] value = [];
        var headers = new List<KeyValuePair<string, byte[]>>();
        foreach (var field in entry.Values)
        {
            switch ((string?)field.Name)
            {
                case "partitionkey":
                    key = (byte[]?)field.Value;
                    break;
                case "data":
                    value = (byte[]?)field.Value ?? [];
                    break;
                default:
                    headers.Add(new((string?)field.Name ?? string.Empty, (byte[]?)field.Value ?? []));
                    break;
            }
        }

        return new DeadLetterSeen(key, value, headers);
    }

    private async Task DropKeysAsync()
    {
        if (connection is null || prefix is null)
        {
            return;
        }

        foreach (var endpoint in connection.GetEndPoints())
        {
            var keys = new List<RedisKey>();
            await foreach (var key in connection.GetServer(endpoint).KeysAsync(pattern: prefix + "*"))
            {
                keys.Add(key);
            }

            if (keys.Count > 0)
            {
                await Database.KeyDeleteAsync([.. keys]);
            }
        }

        prefix = null;
    }
}
