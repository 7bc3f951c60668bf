using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// (xt) The toolkit over Redis Streams with its defaults: the generated publisher and handler in a host built with
/// <c>AddMessageContracts(o => o.UseRedis(configuration))</c> and a key prefix of the run's own (so no earlier run's
/// stream or group counts), so the default SQLite deduplication store, retention, batch and polling. Compared with (x),
/// raw StackExchange.Redis with the same guarantees on the same server.
/// </summary>
internal sealed class ToolkitRedisContender(string? configuration) : Contender
{
    public override string Key => "xt-redis";

    public override string Description => "toolkit over Redis Streams: UseRedis and defaults (SQLite dedup)";

    public override string Broker => RedisBench.Broker;

    public override string? SkipReason => string.IsNullOrEmpty(configuration) ? $"{RedisBench.Variable} is not set (source scripts/brokers.sh)" : null;

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        var prefix = "bench:toolkit:" + Guid.NewGuid().ToString("N")[..12] + ":";
        var sink = new LatencySink();
        var host = ToolkitContender.BuildHost(kafka: null, store: null, sink, options => options.UseRedis(configuration!, redis => redis.KeyPrefix = prefix));
        try
        {
            await host.StartAsync().ConfigureAwait(false);
            var publisher = host.Services.GetRequiredService<IEventPublisher<BenchOrderPlaced>>();

            sink.Reset(settings.WarmUp);
            await ToolkitContender.PublishAsync(publisher, settings.WarmUp, settings.Window).ConfigureAwait(false);
            if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
            {
                throw new TimeoutException($"{Key}: the warm-up messages were not handled.");
            }

            sink.Reset(settings.Messages);
            var started = Stopwatch.GetTimestamp();
            await (settings.PacedRate is { } rate
                ? ToolkitContender.PublishPacedAsync(publisher, settings.Messages, rate)
                : ToolkitContender.PublishAsync(publisher, settings.Messages, settings.Window)).ConfigureAwait(false);
            var published = Stopwatch.GetTimestamp();
            var completed = await WaitAsync(sink, settings.Timeout).ConfigureAwait(false);
            var result = Result(Key, round, settings, sink, started, published, completed);
            await host.StopAsync().ConfigureAwait(false);
            return result;
        }
        finally
        {
            await ToolkitContender.DisposeAsync(host, store: null).ConfigureAwait(false);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration!).ConfigureAwait(false);
            await connection.GetDatabase().KeyDeleteAsync([prefix + BenchTopics.Orders, prefix + BenchTopics.Orders + ":dead-letter"]).ConfigureAwait(false);
        }
    }
}
