using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// Receives the at-most-once events this service handles: one <c>SUBSCRIBE</c> per contract channel, its messages handed
/// to the core in arrival order, as one lane per channel. The core claims the IDs (a copy published twice under one ID is
/// dropped; with a shared deduplication store, the instances of a service, which each receive every message, handle it
/// once between them), runs the handlers with their in-process retries, and dead-letters what fails or cannot be read to
/// the durable <c>&lt;stream&gt;:dead-letter</c> stream, as on Streams. There is nothing to acknowledge and nothing comes
/// back: a message that could not be settled (the deduplication store unreachable, the service stopping) is logged and
/// dropped.
/// </summary>
internal sealed class RedisPubSubReceiver(
    IConnectionMultiplexer connection,
    IInboundRecordPipeline pipeline,
    RedisTransportOptions options,
    int maxConcurrency,
    ILogger logger) : IHostedService
{
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource aborting = new();
    private readonly List<ChannelMessageQueue> queues = [];
    private readonly SemaphoreSlim handlerSlots = new(maxConcurrency, maxConcurrency);
    private Task running = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var lanes = new List<Func<Task>>();
        foreach (var source in pipeline.Sources)
        {
            // Subscribed before the host reports started, so a message published right after reaches this instance.
            var channel = RedisPubSubRouting.Channel(options, source);
            var queue = await connection.GetSubscriber().SubscribeAsync(channel).WaitAsync(cancellationToken).ConfigureAwait(false);
            queues.Add(queue);
            lanes.Add(() => RunAsync(source, queue, stopping.Token, aborting.Token));
            logger.LogInformation("Subscribed to Redis channel {Channel} (at most once: nothing is stored, messages published while not subscribed are not received)", channel.ToString());
        }

        running = Task.WhenAll(lanes.Select(lane => Task.Run(lane)));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop receiving first; what is already queued in this process is dropped (at most once), the batch in progress settled.
        foreach (var queue in queues)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // The connection is going anyway.
            }
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await aborting.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync(string source, ChannelMessageQueue queue, CancellationToken stop, CancellationToken abort)
    {
        var batch = new List<InboundRecord>();
        while (!stop.IsCancellationRequested)
        {
            ChannelMessage first;
            try
            {
                first = await queue.ReadAsync(stop).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
            {
                // Stopping, or unsubscribed (the queue is completed).
                return;
            }

            batch.Clear();
            batch.Add(RedisPubSubPayload.Decode(source, (byte[])first.Message!));
            while (pipeline.CanBatch && batch.Count < options.ReadBatchSize && queue.TryRead(out var next))
            {
                batch.Add(RedisPubSubPayload.Decode(source, (byte[])next.Message!));
            }

            await SettleAsync(source, batch, stop, abort).ConfigureAwait(false);
        }
    }

    private async Task SettleAsync(string source, List<InboundRecord> batch, CancellationToken stop, CancellationToken abort)
    {
        var done = 0;
        var alone = false;
        try
        {
            while (done < batch.Count && !stop.IsCancellationRequested)
            {
                var length = alone || !pipeline.CanBatch ? 1 : batch.Count - done;
                await handlerSlots.WaitAsync(abort).ConfigureAwait(false);
                int settled;
                try
                {
                    // Nothing to acknowledge: a received message is settled or lost.
                    settled = await pipeline.SettleAsync(batch.GetRange(done, length), static _ => { }, stop, abort).ConfigureAwait(false);
                }
                finally
                {
                    handlerSlots.Release();
                }

                done += settled;

                // Nothing settled: another instance holds a claim; passed alone, the record waits for it (then is dropped as processed).
                alone = settled == 0;
            }
        }
        catch (Exception exception) when (!abort.IsCancellationRequested && exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Settling {Count} messages of Redis channel {Channel} failed; they are dropped (at most once: nothing redelivers them)", batch.Count - done, source);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the rest of the batch is dropped.
        }
    }
}
