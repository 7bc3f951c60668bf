using System.Collections.Concurrent;
using MessageContracts.RabbitMQ.Consuming;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>
/// Records every delivery a consumer callback saw, and lets a test wait on what it saw (never on time): the wait's
/// timeout is only a bound for a broken build.
/// </summary>
internal sealed class DeliveryLog
{
    private readonly ConcurrentQueue<RabbitMqDelivery> deliveries = new();
    private readonly List<(Func<IReadOnlyList<RabbitMqDelivery>, bool> Condition, TaskCompletionSource Done)> waiters = [];

    public IReadOnlyList<RabbitMqDelivery> All => [.. deliveries];

    public void Add(RabbitMqDelivery delivery)
    {
        deliveries.Enqueue(delivery);
        lock (waiters)
        {
            var seen = All;
            foreach (var waiter in waiters.Where(waiter => waiter.Condition(seen)).ToList())
            {
                waiter.Done.TrySetResult();
                waiters.Remove(waiter);
            }
        }
    }

    public async Task WaitUntilAsync(Func<IReadOnlyList<RabbitMqDelivery>, bool> condition, string what, TimeSpan? bound = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiters)
        {
            if (condition(All))
            {
                return;
            }

            waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(bound ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited for {what}; saw {deliveries.Count} deliveries: {string.Join(", ", deliveries.Select(delivery => delivery.MessageId))}");
        }
    }
}
