using System.Collections.Concurrent;
using MessageContracts.RabbitMQ.Connections;
using MessageContracts.RabbitMQ.Consuming;
using MessageContracts.RabbitMQ.Management;
using MessageContracts.RabbitMQ.Topology;
using MessageContracts.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace MessageContracts.RabbitMQ.Transport;

/// <summary>
/// The seam's receiver: at startup it declares this service's topology (comparing it first with the broker's through
/// the management API when one is configured, and failing with the differences), then reads each of its queues with a
/// <see cref="QueueConsumer"/> and hands every delivery to the core's pipeline as a batch of one. A delivery is
/// acknowledged only once the pipeline reported it settled (handled and marked, a duplicate, or dead-lettered);
/// otherwise it goes back to the queue, whose <c>x-delivery-limit</c> bounds how often.
/// </summary>
/// <remarks>
/// The pipeline takes no concurrency slots of its own: the receiver bounds the handlers running at once, across all
/// queues, to <see cref="MessageContractsOptions.MaxConcurrency"/>, and the broker's prefetch per queue derives from it.
/// Deliveries of one queue arrive in no order the core can rely on once several are in flight, so each running
/// settlement gets a lane of its own (a lane number held for the settlement), keeping the seam's rule that one lane is
/// settled by one call at a time.
/// </remarks>
internal sealed partial class RabbitMqReceiver : IHostedService, IAsyncDisposable
{
    private readonly Uri uri;
    private readonly RabbitMqTransportOptions settings;
    private readonly MessageContractsOptions options;
    private readonly IInboundRecordPipeline pipeline;
    private readonly RabbitMqServiceContracts contracts;
    private readonly ILogger logger;
    private readonly SemaphoreSlim handlerSlots;
    private readonly ConcurrentBag<int> lanes;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<QueueConsumer> consumers = [];
    private IConnection? connection;

    public RabbitMqReceiver(
        Uri uri,
        RabbitMqTransportOptions settings,
        MessageContractsOptions options,
        IInboundRecordPipeline pipeline,
        RabbitMqServiceContracts contracts,
        ILogger logger)
    {
        this.uri = uri;
        this.settings = settings;
        this.options = options;
        this.pipeline = pipeline;
        this.contracts = contracts;
        this.logger = logger;
        handlerSlots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        lanes = [.. Enumerable.Range(0, options.MaxConcurrency)];
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        connection = await RabbitMqConnections.ConnectAsync(uri, $"{options.ServiceName} consumer", settings.RecoveryInterval, cancellationToken).ConfigureAwait(false);
        var topology = contracts.Builder.Build();
        using (var management = settings.ManagementUri is { } api ? RabbitMqManagementClient.ForAmqpUri(api, uri) : null)
        {
            await TopologyProvisioner.EnsureAsync(connection, RabbitMqConnections.VirtualHostOf(uri), topology, management, cancellationToken).ConfigureAwait(false);
        }

        foreach (var contract in contracts.Consumed)
        {
            var queue = contracts.QueueOf(contract);
            var topic = contract.Topic;
            consumers.Add(await QueueConsumer.StartAsync(
                connection,
                queue,
                options.MaxConcurrency,
                (delivery, lost) => SettleAsync(topic, delivery, lost),
                logger,
                cancellationToken).ConfigureAwait(false));
            LogConsuming(queue, topic, QueueConsumer.PrefetchFor(options.MaxConcurrency));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // No new deliveries; the unacknowledged ones go back to their queues when the channels close.
        foreach (var consumer in consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        consumers.Clear();
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            connection = null;
        }
    }

    /// <summary>
    /// Settles one delivery; returns once it is settled (the consumer then acknowledges it), throws when it is not (the
    /// consumer returns it to the queue).
    /// </summary>
    private async Task SettleAsync(string topic, RabbitMqDelivery delivery, CancellationToken lost)
    {
        await handlerSlots.WaitAsync(lost).ConfigureAwait(false);
        var lane = lanes.TryTake(out var free) ? free : 0;
        try
        {
            var record = AmqpTransportHeaders.ToRecord(topic, lane, delivery);
            var settled = false;
            await pipeline.SettleAsync([record], _ => settled = true, stopping.Token, lost).ConfigureAwait(false);
            if (!settled)
            {
                throw new InvalidOperationException($"The pipeline did not settle message {delivery.MessageId} from queue '{delivery.Queue}'.");
            }
        }
        finally
        {
            lanes.Add(lane);
            handlerSlots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming queue '{Queue}' (topic '{Topic}', prefetch {Prefetch})")]
    private partial void LogConsuming(string queue, string topic, ushort prefetch);
}
