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
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        connection = await RabbitMqConnections.ConnectAsync(uri, $"{options.ServiceName} consumer", settings.RecoveryInterval, cancellationToken).ConfigureAwait(false);
        PrioritiesCheck.Verify(settings, connection.ServerProperties);
        var topology = contracts.Builder.Build();
        using (var management = settings.ManagementUri is { } api ? RabbitMqManagementClient.ForAmqpUri(api, uri) : null)
        {
            await TopologyProvisioner.EnsureAsync(connection, RabbitMqConnections.VirtualHostOf(uri), topology, management, cancellationToken).ConfigureAwait(false);
        }

        foreach (var contract in contracts.Consumed)
        {
            var queue = contracts.QueueOf(contract);
            var topic = contract.Topic;
            var reading = ReadingOf(contract);
            consumers.Add(await QueueConsumer.StartAsync(
                connection,
                queue,
                reading,
                (batch, lane, settled, lost) => SettleAsync(topic, batch, lane, settled, lost),
                logger,
                cancellationToken).ConfigureAwait(false));
            LogConsuming(queue, topic, reading.Prefetch, reading.Lanes, reading.MaxBatch);
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
    /// Settles a batch of consecutive deliveries of one queue through the pipeline, reporting each settled prefix (the
    /// consumer acknowledges it); returns once all are settled, throws when they cannot be (the consumer returns the rest
    /// to the queue). A batch the pipeline stops in (a claim another instance holds) is passed on from there; when
    /// nothing was settled, the first record alone, which waits for that claim.
    /// </summary>
    private async Task SettleAsync(string topic, IReadOnlyList<RabbitMqDelivery> deliveries, int lane, Action<int> settled, CancellationToken lost)
    {
        var records = new InboundRecord[deliveries.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = AmqpTransportHeaders.ToRecord(topic, lane, deliveries[i]);
        }

        var done = 0;
        var alone = false;
        while (done < records.Length)
        {
            if (stopping.IsCancellationRequested)
            {
                // Not settled: the deliveries go back to the queue when the channel closes.
                throw new OperationCanceledException(stopping.Token);
            }

            var length = alone || !pipeline.CanBatch ? 1 : records.Length - done;
            var start = done;
            int count;
            await handlerSlots.WaitAsync(lost).ConfigureAwait(false);
            try
            {
                count = await pipeline.SettleAsync(
                    new ArraySegment<InboundRecord>(records, start, length),
                    index => settled(start + index),
                    stopping.Token,
                    lost).ConfigureAwait(false);
            }
            finally
            {
                handlerSlots.Release();
            }

            done += count;
            alone = count == 0;
        }
    }

    /// <summary>
    /// How a queue is read: <see cref="MessageContractsOptions.MaxConcurrency"/> lanes, or one for a queue read in order
    /// (single active consumer), (the handlers running at once
    /// are bounded across queues by the slots anyway), the prefetch of <see cref="RabbitMqPrefetch"/>, and batches of
    /// what is at hand up to a lane's share of it, so that every lane has a batch while another waits for the store.
    /// </summary>
    private QueueConsumerSettings ReadingOf(RabbitMqContract contract)
    {
        // In order: one lane settles the queue's deliveries one batch after another, each in delivery order.
        var lanes = contracts.Topology.InOrder(contract) ? 1 : options.MaxConcurrency;
        var prefetch = RabbitMqPrefetch.For(options.MaxConcurrency);
        return new QueueConsumerSettings(lanes, prefetch, pipeline.CanBatch ? RabbitMqPrefetch.PerLane : 1);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming queue '{Queue}' (topic '{Topic}', prefetch {Prefetch}, {Lanes} lanes, batches of up to {MaxBatch})")]
    private partial void LogConsuming(string queue, string topic, ushort prefetch, int lanes, int maxBatch);
}
