using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>
/// Settles a batch of consecutive deliveries of one queue: reports each settled prefix through <c>settled</c> (the
/// index of its last delivery) as soon as its outcome is durable, and returns once the whole batch is settled; throws
/// when it is not.
/// </summary>
/// <param name="batch">Consecutive deliveries of one channel incarnation, in delivery order.</param>
/// <param name="lane">The lane settling it (0 to the consumer's lane count - 1): one batch per lane at a time.</param>
/// <param name="settled">Called with the index of the last settled delivery, in order, possibly several times.</param>
/// <param name="lost">Cancelled when the channel went (the deliveries are void) or the consumer stops.</param>
internal delegate Task BatchSettler(IReadOnlyList<RabbitMqDelivery> batch, int lane, Action<int> settled, CancellationToken lost);

/// <summary>
/// Reads one queue with manual acknowledgements. The client's dispatch only buffers each delivery (in delivery order);
/// <c>lanes</c> loops each take the consecutive deliveries at hand (up to <c>maxBatch</c>) and give them to the settler,
/// which reports what is settled above the transport (handled, a duplicate, retried or dead-lettered, and that outcome
/// durable); only that is acknowledged, with one <c>multiple</c> ack where the settled deliveries are contiguous
/// (<see cref="AckWindow"/>). A settler that throws means the rest of its batch is not durable: it is returned to the
/// queue (nack with requeue), and the queue's <c>x-delivery-limit</c> dead-letters a delivery once returned too often.
/// </summary>
/// <remarks>
/// The broker sends at most <c>prefetch</c> unacknowledged deliveries, which bounds the buffer. A batch's deliveries
/// are settled in order by one lane, so with one lane (and a single active consumer on the queue) a queue's messages are
/// settled in the queue's order. The connection recovers by itself after a broker restart or a dropped connection, and
/// with it this channel, its prefetch and this consumer: deliveries resume without this class doing anything. The
/// deliveries of the lost channel are void (the broker returns them to the queue): their work is cancelled and their
/// acknowledgements are not sent; the ones still buffered are dropped. A delivery whose acknowledgement could not be
/// sent comes again; the deduplication store above drops it.
/// </remarks>
internal sealed partial class QueueConsumer : IAsyncDisposable
{
    private readonly IChannel channel;
    private readonly string queue;
    private readonly BatchSettler settle;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly DeliveryBuffer buffer = new();
    private readonly int maxBatch;
    private ChannelIncarnation incarnation;
    private Task[] lanes = [];
    private string? consumerTag;

    private QueueConsumer(IChannel channel, string queue, int maxBatch, BatchSettler settle, ILogger logger)
    {
        this.channel = channel;
        this.queue = queue;
        this.maxBatch = maxBatch;
        this.settle = settle;
        this.logger = logger;
        incarnation = new ChannelIncarnation(stopping.Token);
        channel.ChannelShutdownAsync += OnChannelShutdownAsync;
    }

    /// <summary>The default prefetch (unacknowledged deliveries in flight) for a concurrency.</summary>
    public static ushort PrefetchFor(int concurrency) => (ushort)Math.Min(ushort.MaxValue, concurrency * 2);

    /// <summary>
    /// Starts consuming <paramref name="queue"/> with one delivery per batch and <paramref name="concurrency"/> lanes:
    /// <paramref name="onDelivery"/> returns when the delivery's outcome is durable (then it is acknowledged) or throws
    /// (then it goes back to the queue).
    /// </summary>
    public static Task<QueueConsumer> StartAsync(
        IConnection connection,
        string queue,
        int concurrency,
        Func<RabbitMqDelivery, CancellationToken, Task> onDelivery,
        ILogger? logger = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(
            connection,
            queue,
            new QueueConsumerSettings(Lanes: concurrency, Prefetch: PrefetchFor(concurrency), MaxBatch: 1),
            async (batch, _, settled, lost) =>
            {
                await onDelivery(batch[0], lost).ConfigureAwait(false);
                settled(0);
            },
            logger,
            cancellationToken);

    /// <summary>Starts consuming <paramref name="queue"/>; the queue must exist.</summary>
    /// <param name="connection">A recovering connection (<see cref="Connections.RabbitMqConnections"/>).</param>
    /// <param name="queue">The queue to read.</param>
    /// <param name="settings">The lanes, the prefetch and the largest batch.</param>
    /// <param name="settle">Settles a batch; reports what is durable.</param>
    /// <param name="logger">Where acknowledgement failures and settler errors are logged.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public static async Task<QueueConsumer> StartAsync(
        IConnection connection,
        string queue,
        QueueConsumerSettings settings,
        BatchSettler settle,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        settings.Validate();

        // One dispatch at a time: the callback only buffers, and buffers in delivery order.
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: 1),
            cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.BasicQosAsync(prefetchSize: 0, settings.Prefetch, global: false, cancellationToken).ConfigureAwait(false);
            var consumer = new QueueConsumer(channel, queue, settings.MaxBatch, settle, logger ?? NullLogger.Instance);
            consumer.lanes = [.. Enumerable.Range(0, settings.Lanes).Select(lane => Task.Run(() => consumer.RunLaneAsync(lane), CancellationToken.None))];
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

    /// <summary>
    /// Stops consuming: no new deliveries, the work in progress is cancelled, and the unacknowledged deliveries go back
    /// to the queue when the channel closes.
    /// </summary>
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

        buffer.Complete();
        await Task.WhenAll(lanes).ConfigureAwait(false);
        await channel.DisposeAsync().ConfigureAwait(false);
        Volatile.Read(ref incarnation).Dispose();
        stopping.Dispose();
    }

    private Task OnReceivedAsync(object sender, BasicDeliverEventArgs args)
    {
        // The body is copied once, here: the client reuses its buffer once this returns.
        var delivery = new RabbitMqDelivery(
            queue,
            args.DeliveryTag,
            args.Redelivered,
            DeliveryCount(args.BasicProperties),
            args.BasicProperties.MessageId,
            args.BasicProperties.Type,
            args.Body.ToArray())
        {
            RawHeaders = args.BasicProperties.Headers,
            ContentType = args.BasicProperties.ContentType,
        };
        var current = Volatile.Read(ref incarnation);
        current.Acks.Received(args.DeliveryTag);
        buffer.Add(delivery, current);
        return Task.CompletedTask;
    }

    private async Task RunLaneAsync(int lane)
    {
        while (!stopping.IsCancellationRequested)
        {
            (List<RabbitMqDelivery> Batch, ChannelIncarnation Incarnation)? taken;
            try
            {
                taken = await buffer.TakeAsync(maxBatch, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (taken is not { } work)
            {
                return;
            }

            if (work.Incarnation.Lost.IsCancellationRequested)
            {
                // Delivered on a channel that is gone: the broker has returned these to the queue already.
                continue;
            }

            await SettleBatchAsync(work.Batch, work.Incarnation, lane).ConfigureAwait(false);
        }
    }

    private async Task SettleBatchAsync(List<RabbitMqDelivery> batch, ChannelIncarnation owner, int lane)
    {
        var acknowledgements = new List<Task>(1);
        var reported = 0;
        try
        {
            await settle(
                batch,
                lane,
                index =>
                {
                    if (index + 1 > reported)
                    {
                        var tags = new ulong[index + 1 - reported];
                        for (var i = 0; i < tags.Length; i++)
                        {
                            tags[i] = batch[reported + i].DeliveryTag;
                        }

                        reported = index + 1;
                        acknowledgements.Add(AcknowledgeAsync(owner, tags, batch[index]));
                    }
                },
                owner.Lost).ConfigureAwait(false);
            if (reported < batch.Count)
            {
                throw new InvalidOperationException($"{batch.Count - reported} deliveries of queue '{queue}' were not settled.");
            }
        }
        catch (OperationCanceledException) when (owner.Lost.IsCancellationRequested)
        {
            // Stopping, or the channel went: the broker returns the unsettled deliveries to the queue.
        }
        catch (OperationCanceledException)
        {
            // The settler stopped before the end of the batch (its host is stopping): the rest goes back to the queue now,
            // not when the channel closes, and it is no error.
            acknowledgements.Add(ReturnAsync(owner, batch, reported));
        }
        catch (Exception exception)
        {
            LogSettlerFailed(exception, queue, batch[reported].MessageId, batch.Count - reported);
            acknowledgements.Add(ReturnAsync(owner, batch, reported));
        }

        await Task.WhenAll(acknowledgements).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the acks for settled deliveries. When the connection went meanwhile, the broker has already returned them to
    /// the queue, and the recovered channel's tags start afresh: so nothing is sent for a lost incarnation, and a
    /// failed send is logged, never retried.
    /// </summary>
    private async Task AcknowledgeAsync(ChannelIncarnation owner, ulong[] tags, RabbitMqDelivery last)
    {
        await owner.Acks.Sending.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var acks = owner.Acks.Settle(tags);
            if (owner.Gone)
            {
                return;
            }

            foreach (var (tag, multiple) in acks)
            {
                await channel.BasicAckAsync(tag, multiple).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
        {
            LogAckFailed(queue, last.MessageId, exception.Message);
        }
        finally
        {
            owner.Acks.Sending.Release();
        }
    }

    /// <summary>Returns the unsettled rest of a batch to the queue (nack with requeue), one by one.</summary>
    private async Task ReturnAsync(ChannelIncarnation owner, List<RabbitMqDelivery> batch, int from)
    {
        await owner.Acks.Sending.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var tags = batch.Skip(from).Select(delivery => delivery.DeliveryTag).ToArray();
            owner.Acks.Returned(tags);
            if (owner.Gone)
            {
                return;
            }

            foreach (var tag in tags)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
        {
            LogAckFailed(queue, batch[from].MessageId, exception.Message);
        }
        finally
        {
            owner.Acks.Sending.Release();
        }
    }

    /// <summary>
    /// The channel closed (the connection went, or the consumer stops): the deliveries in flight are returned to the
    /// queue by the broker and their tags are void, so their work is told to give up rather than finish work that will
    /// be redone. Deliveries on the recovered channel belong to a fresh incarnation.
    /// </summary>
    private async Task OnChannelShutdownAsync(object sender, ShutdownEventArgs args)
    {
        // Ended, not disposed: a lane may be reading its token right now (one small object per outage).
        var lost = Interlocked.Exchange(ref incarnation, new ChannelIncarnation(stopping.Token));
        await lost.EndAsync().ConfigureAwait(false);
    }

    private static long DeliveryCount(IReadOnlyBasicProperties properties) =>
        properties.Headers is { } headers && headers.TryGetValue("x-delivery-count", out var value) && value is not null
            ? Convert.ToInt64(value, CultureInfo.InvariantCulture)
            : 0;

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling message {MessageId} from queue '{Queue}' failed; it and the {Count} deliveries from it on go back to the queue")]
    private partial void LogSettlerFailed(Exception exception, string queue, string? messageId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not acknowledge message {MessageId} from queue '{Queue}' ({Reason}); the broker delivers it again")]
    private partial void LogAckFailed(string queue, string? messageId, string reason);
}
