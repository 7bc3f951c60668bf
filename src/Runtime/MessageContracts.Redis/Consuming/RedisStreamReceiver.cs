using MessageContracts.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MessageContracts.Redis;

/// <summary>
/// The Redis transport's receiving side: one <see cref="StreamLane"/> per handled topic, each with its consumer group
/// (created when missing) and a doorbell subscription that wakes it after a publish. Bounds the handlers running at
/// once across the lanes to <see cref="MessageContractsOptions.MaxConcurrency"/>: the seam's settle call takes no slots.
/// </summary>
internal sealed class RedisStreamReceiver(
    RedisStreamSender sender,
    IInboundRecordPipeline pipeline,
    RedisTransportOptions options,
    MessageContractsOptions core,
    RedisStreamNaming naming,
    TimeProvider timeProvider,
    ILogger logger) : IHostedService
{
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource aborting = new();
    private readonly List<(StackExchange.Redis.RedisChannel Channel, Action<StackExchange.Redis.RedisChannel, StackExchange.Redis.RedisValue> Handler)> doorbells = [];
    private Task running = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RedisTransportOptionsValidation.Validate(options, core);
        var kinds = ContractKinds();
        var consumer = options.ConsumerName ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        var slots = new SemaphoreSlim(core.MaxConcurrency, core.MaxConcurrency);
        var deadLetters = new PendingDeadLetters(sender, core);
        var subscriber = sender.Connection.GetSubscriber();
        var lanes = new List<StreamLane>();
        foreach (var source in pipeline.Sources)
        {
            var kind = kinds.TryGetValue(source, out var known) ? known : MessageKind.Event;
            var lane = new StreamLane(
                source,
                naming.StreamKey(source),
                naming.Group(kind),
                consumer,
                sender.Connection.GetDatabase(options.Database),
                pipeline,
                slots,
                options,
                deadLetters,
                timeProvider,
                logger);

            // The group exists before the host reports started, so a message published right after is read.
            await lane.EnsureGroupAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var channel = naming.Doorbell(source);
            Action<StackExchange.Redis.RedisChannel, StackExchange.Redis.RedisValue> ring = (_, _) => lane.Ring();
            await subscriber.SubscribeAsync(channel, ring).WaitAsync(cancellationToken).ConfigureAwait(false);
            doorbells.Add((channel, ring));
            lanes.Add(lane);
            logger.LogInformation("Reading Redis stream {Stream} as consumer {Consumer} of group {Group}", (string?)naming.StreamKey(source), consumer, naming.Group(kind));
        }

        running = Task.WhenAll(lanes.Select(lane => Task.Run(() => lane.RunAsync(stopping.Token, aborting.Token))));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        logger.LogInformation("Stopping the Redis receiver: the records in progress are settled, the rest of each batch stays pending");
        try
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of time: cancel the handlers in progress; their entries stay pending and are reclaimed.
            await aborting.CancelAsync().ConfigureAwait(false);
        }

        var subscriber = sender.Connection.GetSubscriber();
        foreach (var (channel, handler) in doorbells)
        {
            try
            {
                await subscriber.UnsubscribeAsync(channel, handler).ConfigureAwait(false);
            }
            catch (StackExchange.Redis.RedisException)
            {
                // The connection is going anyway.
            }
        }
    }

    // Event or command, per topic, from the generated modules: what decides the group a topic is read with.
    private static Dictionary<string, MessageKind> ContractKinds()
    {
        var kinds = new Dictionary<string, MessageKind>(StringComparer.Ordinal);
        foreach (var module in GeneratedMessageModules.All)
        {
            foreach (var subscription in module.Subscriptions)
            {
                kinds.TryAdd(subscription.Topic, subscription.Kind);
            }
        }

        return kinds;
    }
}
