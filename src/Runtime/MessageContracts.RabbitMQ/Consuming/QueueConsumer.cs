using System.Globalization;
using MessageContracts.RabbitMQ.Publishing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>
/// Reads one queue with manual acknowledgements. Each delivery goes to a callback that returns once the delivery is
/// settled above the transport (handled, found a duplicate, retried or dead-lettered, and that outcome durable); then
/// it is acknowledged. A callback that throws means the outcome is not durable: the delivery is returned to the queue
/// (nack with requeue), and the queue's <c>x-delivery-limit</c> dead-letters it once returned too often.
/// </summary>
/// <remarks>
/// At most <c>concurrency</c> callbacks run at once (the channel's dispatch concurrency) and the broker sends at most
/// twice that many unacknowledged deliveries (prefetch), so the next delivery is at hand when a callback returns.
/// The connection recovers by itself after a broker restart or a dropped connection, and with it this channel, its
/// prefetch and this consumer: deliveries resume without this class doing anything. A delivery whose acknowledgement
/// could not be sent (the connection went) comes again; the deduplication store above drops it.
/// </remarks>
internal sealed partial class QueueConsumer : IAsyncDisposable
{
    private readonly IChannel channel;
    private readonly string queue;
    private readonly Func<RabbitMqDelivery, CancellationToken, Task> onDelivery;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private CancellationTokenSource channelLost;
    private string? consumerTag;

    private QueueConsumer(IChannel channel, string queue, Func<RabbitMqDelivery, CancellationToken, Task> onDelivery, ILogger logger)
    {
        this.channel = channel;
        this.queue = queue;
        this.onDelivery = onDelivery;
        this.logger = logger;
        channelLost = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        channel.ChannelShutdownAsync += OnChannelShutdownAsync;
    }

    /// <summary>The prefetch (unacknowledged deliveries in flight) for a concurrency.</summary>
    public static ushort PrefetchFor(int concurrency) => (ushort)Math.Min(ushort.MaxValue, concurrency * 2);

    /// <summary>Starts consuming <paramref name="queue"/>; the queue must exist.</summary>
    /// <param name="connection">A recovering connection (<see cref="Connections.RabbitMqConnections"/>).</param>
    /// <param name="queue">The queue to read.</param>
    /// <param name="concurrency">How many callbacks may run at once.</param>
    /// <param name="onDelivery">Settles one delivery; returns when its outcome is durable.</param>
    /// <param name="logger">Where acknowledgement failures and callback errors are logged.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public static async Task<QueueConsumer> StartAsync(
        IConnection connection,
        string queue,
        int concurrency,
        Func<RabbitMqDelivery, CancellationToken, Task> onDelivery,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: (ushort)concurrency),
            cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.BasicQosAsync(prefetchSize: 0, PrefetchFor(concurrency), global: false, cancellationToken).ConfigureAwait(false);
            var consumer = new QueueConsumer(channel, queue, onDelivery, logger ?? NullLogger.Instance);
            var basicConsumer = new AsyncEventingBasicConsumer(channel);
            basicConsumer.ReceivedAsync += consumer.OnReceivedAsync;
            consumer.consumerTag = await channel.BasicConsumeAsync(queue, autoAck: false, basicConsumer, cancellationToken).ConfigureAwait(false);
            return consumer;
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops consuming: no new deliveries; the unacknowledged ones go back to the queue when the channel closes.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            if (consumerTag is not null && channel.IsOpen)
            {
                await channel.BasicCancelAsync(consumerTag).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException)
        {
            // The channel is gone already; closing it below is all that is left.
        }

        await channel.DisposeAsync().ConfigureAwait(false);
        channelLost.Dispose();
        stopping.Dispose();
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs args)
    {
        var delivery = new RabbitMqDelivery(
            queue,
            args.DeliveryTag,
            args.Redelivered,
            DeliveryCount(args.BasicProperties),
            args.BasicProperties.MessageId,
            args.BasicProperties.Type,
            AmqpEnvelope.ReadHeaders(args.BasicProperties),
            args.Body.ToArray())
        {
            RawHeaders = args.BasicProperties.Headers,
            ContentType = args.BasicProperties.ContentType,
        };
        var lost = Volatile.Read(ref channelLost).Token;
        try
        {
            await onDelivery(delivery, lost).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // Stopping, or the channel went: the broker returns the delivery to the queue, an ack could not be sent.
            return;
        }
        catch (Exception exception)
        {
            LogCallbackFailed(exception, queue, delivery.MessageId);
            await SettleAsync(() => channel.BasicNackAsync(args.DeliveryTag, multiple: false, requeue: true), delivery).ConfigureAwait(false);
            return;
        }

        await SettleAsync(() => channel.BasicAckAsync(args.DeliveryTag, multiple: false), delivery).ConfigureAwait(false);
    }

    /// <summary>
    /// The channel closed (the connection went, or the consumer stops): the deliveries in flight are returned to the
    /// queue by the broker and their tags are void, so their callbacks are told to give up rather than finish work
    /// that will be redone; the client also waits for running callbacks before it recovers the channel. Deliveries
    /// on the recovered channel get a fresh token.
    /// </summary>
    private async Task OnChannelShutdownAsync(object sender, ShutdownEventArgs args)
    {
        // Cancelled, not disposed: a delivery callback may be reading its token right now (one small object per outage).
        var lost = Interlocked.Exchange(ref channelLost, CancellationTokenSource.CreateLinkedTokenSource(stopping.Token));
        await lost.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Sends an ack or a nack. When the connection went meanwhile, the broker has already returned the delivery to the
    /// queue, and the recovered channel's tags start afresh (the client drops a stale tag rather than send it): so a
    /// failed settlement is logged, never retried.
    /// </summary>
    private async Task SettleAsync(Func<ValueTask> settle, RabbitMqDelivery delivery)
    {
        try
        {
            await settle().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
        {
            LogSettleFailed(queue, delivery.MessageId, exception.Message);
        }
    }

    private static long DeliveryCount(IReadOnlyBasicProperties properties) =>
        properties.Headers is { } headers && headers.TryGetValue("x-delivery-count", out var value) && value is not null
            ? Convert.ToInt64(value, CultureInfo.InvariantCulture)
            : 0;

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling message {MessageId} from queue '{Queue}' failed; it goes back to the queue")]
    private partial void LogCallbackFailed(Exception exception, string queue, string? messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not acknowledge message {MessageId} from queue '{Queue}' ({Reason}); the broker delivers it again")]
    private partial void LogSettleFailed(string queue, string? messageId, string reason);
}
