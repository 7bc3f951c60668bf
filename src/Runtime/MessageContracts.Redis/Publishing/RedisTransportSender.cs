using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// The sender the core sees with <c>UseRedis</c>: at-most-once events go to <see cref="RedisPubSubSender"/>, everything
/// else (dead letters included) to <see cref="RedisStreamSender"/>, by <see cref="RedisPubSubRouting.IsPubSub"/>. Both
/// share the stream sender's connection, which this sender closes.
/// </summary>
internal sealed class RedisTransportSender(RedisStreamSender streams, RedisPubSubSender pubSub) : ITransportSender, IAsyncDisposable, IDisposable
{
    public RedisStreamSender Streams => streams;

    public IConnectionMultiplexer Connection => streams.Connection;

    // Neither a stream nor a channel needs preparing.
    public Task PrepareAsync(string destination, CancellationToken cancellationToken) => streams.PrepareAsync(destination, cancellationToken);

    public void Send(in OutboundMessage message, IDeliveryObserver observer)
    {
        if (RedisPubSubRouting.IsPubSub(message.Kind, message.Delivery))
        {
            pubSub.Send(message, observer);
        }
        else
        {
            streams.Send(message, observer);
        }
    }

    public ValueTask DisposeAsync() => streams.DisposeAsync();

    public void Dispose() => streams.Dispose();
}
