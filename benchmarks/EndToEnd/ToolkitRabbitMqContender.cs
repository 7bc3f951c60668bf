using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// (rt) The toolkit over RabbitMQ with its defaults: the generated publisher and handler in a host built with
/// <c>AddMessageContracts(o => o.UseRabbitMq(uri))</c> and nothing else, so the default SQLite deduplication store, the
/// default concurrency and the topology the contract gives (fanout exchange, a quorum queue per service). Compared
/// with (r), raw RabbitMQ.Client with the same guarantees on the same broker.
/// </summary>
internal sealed class ToolkitRabbitMqContender(string? uri, string? managementUri) : Contender
{
    public override string Key => "rt-rabbitmq";

    public override string Description => "toolkit over RabbitMQ: UseRabbitMq and defaults (SQLite dedup)";

    public override string Broker => RabbitMqBench.Broker;

    public override string? SkipReason => string.IsNullOrEmpty(uri) || string.IsNullOrEmpty(managementUri)
        ? $"{RabbitMqBench.Variable} and {RabbitMqBench.ManagementVariable} are not set (source scripts/brokers.sh)"
        : null;

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        // A virtual host per run: no earlier run's queue holds messages this one would count.
        await using var virtualHost = await BenchVirtualHost.CreateAsync(new Uri(managementUri!), new Uri(uri!)).ConfigureAwait(false);
        var sink = new LatencySink();
        var host = ToolkitContender.BuildHost(kafka: null, store: null, sink, options => options.UseRabbitMq(virtualHost.Uri.ToString()));
        try
        {
            return await ToolkitContender.MeasureStartedAsync(Key, round, settings, host, sink).ConfigureAwait(false);
        }
        finally
        {
            await ToolkitContender.DisposeAsync(host, store: null).ConfigureAwait(false);
        }
    }
}
