using System.Globalization;
using OrderFlow.Brokers;
using OrderFlow.Faults;
using OrderFlow.Loyalty;
using OrderFlow.Services;
using OrderFlow.Shipping;
using OrderFlow.Summary;

namespace OrderFlow;

/// <summary>
/// The run: place the orders, inject the three failures on purpose, wait (on observed state, never a sleep) until the
/// services agree, and collect the checks.
/// </summary>
public sealed class Scenario(
    SampleEnvironment environment, OrderService orders, LoyaltyService loyalty, ShippingService shipping, FlakyCarrier carrier, SampleMetrics metrics)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettlePatience = TimeSpan.FromSeconds(15);

    private readonly TimeProvider time = TimeProvider.System;

    public async Task<IReadOnlyList<Check>> RunAsync(int orderCount, CancellationToken cancellationToken)
    {
        var checks = new SampleChecks(orders.Placed, loyalty.State, shipping.State, carrier, metrics, environment.Broker.DuplicateCause);
        var started = time.GetTimestamp();
        var planned = Enumerable.Range(1, orderCount).Select(OrderService.NewOrder).ToList();
        carrier.FailingOrder = planned[2].OrderId;

        await using var progress = new ProgressLine(() => Progress(started));
        progress.Say($"fault 2: the carrier will refuse order {planned[2].OrderId:N} twice; shipping retries it (50 ms backoff)");

        // Order 1 connects the order service's producer; the poison is dead-lettered by both readers. Both happen
        // before the broker fault is armed, so the delayed answer goes to an order's Produce and to nothing else.
        await orders.PlaceAsync(planned[0], cancellationToken);
        progress.Say($"fault 3: a poison message (no CloudEvents attributes, not JSON) goes to {SampleBroker.OrderPlacedTopic} from a plain client");
        var poisonKey = await environment.Broker.SendPoisonAsync(cancellationToken);
        await WaitUntilAsync(
            () => metrics.Count(SampleMetrics.Published, "order-placed") >= 1 && metrics.Total(SampleMetrics.DeadLettered) >= 2,
            Patience,
            cancellationToken);

        progress.Say(environment.Broker.ArmDuplicatingFault());

        foreach (var order in planned.Skip(1))
        {
            await orders.PlaceAsync(order, cancellationToken);
        }

        var lastCommit = time.GetTimestamp();
        progress.Say($"{orderCount} orders committed with their OrderPlaced and GrantPoints (outbox); waiting until the services agree");

        var agreed = await WaitUntilAsync(checks.ServicesAgree, Patience, cancellationToken);
        var agreedAfter = time.GetElapsedTime(lastCommit);

        // The duplicate copy may be dropped a little after the services agree; let the counters settle.
        await WaitUntilAsync(() => SummaryTable.AllHold(checks.FromCounters()), SettlePatience, cancellationToken);

        var deadLetterGroups = await environment.Broker.ServicesThatDeadLetteredAsync(poisonKey, TimeSpan.FromSeconds(10), cancellationToken);
        var onDeadLetterTopic = string.Join(", ", deadLetterGroups.Order(StringComparer.Ordinal));
        return
        [
            .. checks.FromCounters(),
            new Check($"on {environment.Broker.DeadLetterPlace}", "the poison, once per service", onDeadLetterTopic.Length == 0 ? "nothing" : onDeadLetterTopic,
                deadLetterGroups.Order(StringComparer.Ordinal).SequenceEqual([LoyaltyService.Name, ShippingService.Name])),
            new Check("services agreed", $"within {Patience.TotalSeconds:0} s", agreed ? $"{agreedAfter.TotalMilliseconds:0} ms after the last commit" : "not in time", agreed),
        ];
    }

    private string Progress(long started)
    {
        var elapsed = time.GetElapsedTime(started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return $"[{elapsed,5} s] placed {orders.Placed.Count} | published {metrics.Count(SampleMetrics.Published, "order-placed")}"
            + $" | loyalty {loyalty.State.OrdersSeen.Count} | shipping {shipping.State.ShipmentsBooked.Count} | grants {loyalty.State.GrantsApplied.Count}"
            + $" | duplicates dropped {metrics.Total(SampleMetrics.DuplicatesDropped)} | retried {metrics.Total(SampleMetrics.Retried)}"
            + $" | dead-lettered {metrics.Total(SampleMetrics.DeadLettered)}";
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan patience, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (!condition())
        {
            if (time.GetElapsedTime(started) > patience)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken);
        }

        return true;
    }
}
