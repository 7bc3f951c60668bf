using MessageContracts;
using StackExchange.Redis;

namespace OrderFlow.Brokers;

/// <summary>
/// Redis Streams (<c>--transport redis</c>): the same services over a real Redis server. Each run uses a key prefix of
/// its own, so no stream or group of an earlier run is seen. Fault 1 is a publisher's retry after a lost answer: a plain
/// client adds a copy of the next OrderPlaced entry again, with the same message ID; the poison entry is added by a
/// plain client too, and the dead letters are read back from <c>&lt;stream&gt;:dead-letter</c>.
/// </summary>
public sealed class RedisBroker : SampleBroker
{
    public const string ConfigurationVariable = "MESSAGECONTRACTS_REDIS";

    private readonly string configuration;
    private readonly string prefix;
    private readonly ConnectionMultiplexer connection;
    private readonly CancellationTokenSource stopping = new();

    private RedisBroker(string configuration, string prefix, ConnectionMultiplexer connection)
    {
        this.configuration = configuration;
        this.prefix = prefix;
        this.connection = connection;
    }

    /// <summary>Connects to <paramref name="configuration"/> (or <c>MESSAGECONTRACTS_REDIS</c>) with a key prefix of this run's own.</summary>
    public static async Task<RedisBroker> StartAsync(string? configuration, CancellationToken cancellationToken)
    {
        var given = configuration ?? Environment.GetEnvironmentVariable(ConfigurationVariable)
            ?? throw new ArgumentException(
                $"--transport redis needs a server: pass --redis host:6379, or set {ConfigurationVariable} "
                + "(`eval \"$(bash scripts/brokers.sh)\"` starts one and sets it).");
        var connection = await ConnectionMultiplexer.ConnectAsync(given);
        return new RedisBroker(given, $"orderflow-{Guid.NewGuid():N}"[..22] + ":", connection);
    }

    private string OrderPlacedStream => prefix + OrderPlacedTopic;

    private RedisChannel Doorbell => RedisChannel.Literal(OrderPlacedStream + ":doorbell");

    private IDatabase Database => connection.GetDatabase();

    public override string Description =>
        $"Redis Streams: {configuration}, keys under '{prefix}' (this run's own); a duplicate, a poison entry and a flaky handler are injected";

    public override string DeadLetterPlace => $"{OrderPlacedTopic}:dead-letter";

    public override string? DuplicateCause => "re-added copy";

    public override void Configure(MessageContractsOptions options) => options.UseRedis(configuration, redis => redis.KeyPrefix = prefix);

    public override string ArmDuplicatingFault()
    {
        // The next OrderPlaced entry after this point is added again, field for field (the same ce_id), as a publisher
        // does when the connection went before Redis answered its XADD.
        var last = Database.StreamRange(OrderPlacedStream, count: 1, messageOrder: Order.Descending) is [var newest, ..] ? newest.Id : (RedisValue)"0-0";
        _ = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                if (await Database.StreamRangeAsync(OrderPlacedStream, minId: "(" + last, count: 1) is [var next, ..])
                {
                    await Database.StreamAddAsync(OrderPlacedStream, next.Values);
                    await connection.GetSubscriber().PublishAsync(Doorbell, RedisValue.EmptyString);
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), stopping.Token);
            }
        });
        return "fault 1: the next OrderPlaced entry is added a second time with the same message ID, as a publisher retries after a lost answer";
    }

    public override async Task<string> SendPoisonAsync(CancellationToken cancellationToken)
    {
        var key = $"poison-{Guid.NewGuid():N}";
        await Database.StreamAddAsync(OrderPlacedStream, [new NameValueEntry("partitionkey", key), new NameValueEntry("data", new byte[] { 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff })]);
        await connection.GetSubscriber().PublishAsync(Doorbell, RedisValue.EmptyString);
        return key;
    }

    public override async Task<IReadOnlyList<string>> ServicesThatDeadLetteredAsync(string key, TimeSpan patience, CancellationToken cancellationToken)
    {
        var services = new List<string>();
        foreach (var entry in await Database.StreamRangeAsync(prefix + OrderPlacedTopic + ":dead-letter"))
        {
            var fields = entry.Values.ToDictionary(value => value.Name.ToString(), value => value.Value.ToString(), StringComparer.Ordinal);
            if (fields.TryGetValue("partitionkey", out var entryKey) && entryKey == key
                && fields.TryGetValue(MessageHeaders.DeadLetterConsumerGroup, out var group))
            {
                services.Add(group);
            }
        }

        return services;
    }

    public override async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        var server = connection.GetServers()[0];
        await foreach (var stale in server.KeysAsync(pattern: prefix + "*"))
        {
            await Database.KeyDeleteAsync(stale);
        }

        await connection.DisposeAsync();
        stopping.Dispose();
    }
}
