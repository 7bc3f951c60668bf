using System.Threading.Channels;

namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>
/// The deliveries of one queue between the client's dispatch (which only adds to it, in delivery order, and so never
/// waits for a handler) and the consumer's lanes, which take what is there as contiguous batches. The prefetch bounds
/// what it holds: the broker sends no more while that many deliveries are unacknowledged.
/// </summary>
internal sealed class DeliveryBuffer
{
    private readonly Channel<(RabbitMqDelivery Delivery, ChannelIncarnation Incarnation)> deliveries =
        Channel.CreateUnbounded<(RabbitMqDelivery, ChannelIncarnation)>(new UnboundedChannelOptions { SingleWriter = true });

    private readonly SemaphoreSlim taking = new(1, 1);

    /// <summary>Adds a delivery (the dispatch, in delivery order).</summary>
    public void Add(RabbitMqDelivery delivery, ChannelIncarnation incarnation) => deliveries.Writer.TryWrite((delivery, incarnation));

    /// <summary>No more deliveries: lanes waiting to take get null.</summary>
    public void Complete() => deliveries.Writer.TryComplete();

    /// <summary>
    /// Waits for a delivery, then takes it and those queued right behind it, up to <paramref name="max"/>, all of one
    /// channel incarnation; null once completed and empty. One lane takes at a time, so a batch is a run of consecutive
    /// deliveries. Never waits to fill a batch.
    /// </summary>
    public async Task<(List<RabbitMqDelivery> Batch, ChannelIncarnation Incarnation)?> TakeAsync(int max, CancellationToken cancellationToken)
    {
        await taking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reader = deliveries.Reader;
            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) || !reader.TryRead(out var first))
            {
                return null;
            }

            var batch = new List<RabbitMqDelivery>(Math.Min(max, reader.Count + 1)) { first.Delivery };
            while (batch.Count < max && reader.TryPeek(out var next) && next.Incarnation == first.Incarnation && reader.TryRead(out next))
            {
                batch.Add(next.Delivery);
            }

            return (batch, first.Incarnation);
        }
        finally
        {
            taking.Release();
        }
    }
}
