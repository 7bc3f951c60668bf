using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MessageContracts.Redis;
using StackExchange.Redis;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// (xt) The toolkit over Redis Streams with its defaults: the generated publisher and handler in a host built with
/// <c>AddMessageContracts(o => o.UseRedis(configuration))</c> and a key prefix of the run's own (so no earlier run's
/// stream or group counts), so the default SQLite deduplication store, retention, batch and polling. Compared with (x),
/// raw StackExchange.Redis with the same guarantees on the same server. With <c>createStore</c> (given the run's key
/// prefix), the same with another deduplication store: where the toolkit's cost goes.
/// </summary>
internal sealed class ToolkitRedisContender(
    string? configuration,
    string key = "xt-redis",
    string description = "toolkit over Redis Streams: UseRedis and defaults (SQLite dedup)",
    Func<string, IDeduplicationStore>? createStore = null) : Contender
{
    public override string Key => key;

    public override string Description => description;

    public override string Broker => RedisBench.Broker;

    public override string? SkipReason => string.IsNullOrEmpty(configuration) ? $"{RedisBench.Variable} is not set (source scripts/brokers.sh)" : null;

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        var prefix = "bench:toolkit:" + Guid.NewGuid().ToString("N")[..12] + ":";
        var sink = new LatencySink();
        var store = createStore?.Invoke(prefix + "dedup:");
        var host = ToolkitContender.BuildHost(kafka: null, store, sink, options => options.UseRedis(configuration!, redis => redis.KeyPrefix = prefix));
        try
        {
            return await ToolkitContender.MeasureStartedAsync(Key, round, settings, host, sink).ConfigureAwait(false);
        }
        finally
        {
            await ToolkitContender.DisposeAsync(host, store).ConfigureAwait(false);
            await DeleteKeysAsync(prefix).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// As the Kafka toolkit contenders: the publish phase alone (the sender works before the host starts; the receiver,
    /// a hosted service, creates its group at the stream's start when the host starts), then the consume phase.
    /// </summary>
    public override async Task<AllocationResult?> MeasureAllocationsAsync(RunSettings settings)
    {
        var prefix = "bench:toolkit:" + Guid.NewGuid().ToString("N")[..12] + ":";
        var sink = new LatencySink();
        var store = createStore?.Invoke(prefix + "dedup:");
        var host = ToolkitContender.BuildHost(kafka: null, store, sink, options => options.UseRedis(configuration!, redis => redis.KeyPrefix = prefix));
        try
        {
            return await ToolkitContender.MeasureAllocationsStartedAsync(Key, settings, host, sink).ConfigureAwait(false);
        }
        finally
        {
            await ToolkitContender.DisposeAsync(host, store).ConfigureAwait(false);
            await DeleteKeysAsync(prefix).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the run's streams, groups and dedup keys.</summary>
    private async Task DeleteKeysAsync(string prefix)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration!).ConfigureAwait(false);
        var keys = new List<RedisKey>();
        foreach (var endpoint in connection.GetEndPoints())
        {
            await foreach (var found in connection.GetServer(endpoint).KeysAsync(pattern: prefix + "*").ConfigureAwait(false))
            {
                keys.Add(found);
            }
        }

        if (keys.Count > 0)
        {
            await connection.GetDatabase().KeyDeleteAsync([.. keys]).ConfigureAwait(false);
        }
    }
}
