namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>How a <see cref="QueueConsumer"/> reads its queue.</summary>
/// <param name="Lanes">How many batches are settled at once (1: the queue's deliveries are settled in order).</param>
/// <param name="Prefetch">How many unacknowledged deliveries the broker sends ahead (<c>basic.qos</c>).</param>
/// <param name="MaxBatch">The most consecutive deliveries one batch takes.</param>
internal readonly record struct QueueConsumerSettings(int Lanes, ushort Prefetch, int MaxBatch)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Lanes, 1, nameof(Lanes));
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, (ushort)1, nameof(Prefetch));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatch, 1, nameof(MaxBatch));
    }
}
