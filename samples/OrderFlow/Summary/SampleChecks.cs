using System.Globalization;
using OrderFlow.Faults;
using OrderFlow.Loyalty;
using OrderFlow.Services;
using OrderFlow.Shipping;

namespace OrderFlow.Summary;

/// <summary>The summary's checks, from the toolkit's counters and each service's own state.</summary>
public sealed class SampleChecks(
    IReadOnlyList<OrderPlaced> placed, LoyaltyState loyalty, ShippingState shipping, FlakyCarrier carrier, SampleMetrics metrics, string? duplicateCause)
{
    private const string OrderTopic = "order-placed";
    private const string GrantTopic = "loyalty.grant-points";

    /// <summary>Whether every service's state describes exactly the committed orders: loyalty's, shipping's and the points.</summary>
    public bool ServicesAgree() =>
        EachOnce(loyalty.OrdersSeen) && EachOnce(loyalty.GrantsApplied) && EachOnce(shipping.ShipmentsBooked) && PointsMatch();

    /// <summary>The checks that need no Kafka read-back; the run waits until they hold (or time runs out).</summary>
    public IReadOnlyList<Check> FromCounters()
    {
        var n = placed.Count;
        var flaky = carrier.FailingOrder ?? Guid.Empty;
        var retried = metrics.Count(SampleMetrics.Retried, OrderTopic, ShippingService.Name);
        var loyaltyDuplicates = metrics.Count(SampleMetrics.DuplicatesDropped, OrderTopic, LoyaltyService.Name) + metrics.Count(SampleMetrics.DuplicatesDropped, GrantTopic, LoyaltyService.Name);
        var shippingDuplicates = metrics.Count(SampleMetrics.DuplicatesDropped, OrderTopic, ShippingService.Name);
        var loyaltyDead = metrics.Count(SampleMetrics.DeadLettered, OrderTopic, LoyaltyService.Name);
        var shippingDead = metrics.Count(SampleMetrics.DeadLettered, OrderTopic, ShippingService.Name);
        return
        [
            Equal("published OrderPlaced", n, metrics.Count(SampleMetrics.Published, OrderTopic)),
            Equal("published GrantPoints", n, metrics.Count(SampleMetrics.Published, GrantTopic)),
            Handled("handled by loyalty", n, metrics.Count(SampleMetrics.Handled, OrderTopic, LoyaltyService.Name), EachOnce(loyalty.OrdersSeen)),
            Handled("handled by shipping", n, metrics.Count(SampleMetrics.Handled, OrderTopic, ShippingService.Name), EachOnce(shipping.ShipmentsBooked)),
            Handled("grants applied (loyalty)", n, metrics.Count(SampleMetrics.Handled, GrantTopic, LoyaltyService.Name), EachOnce(loyalty.GrantsApplied) && PointsMatch()),
            new("duplicates dropped", $">= 1 ({duplicateCause ?? "no fault injected"})", $"{loyaltyDuplicates + shippingDuplicates} (loyalty {loyaltyDuplicates}, shipping {shippingDuplicates})",
                duplicateCause is not null ? loyaltyDuplicates + shippingDuplicates >= 1 : null),
            new("retried (flaky carrier)", $">= {FlakyCarrier.FailingAttempts} retries, booked once",
                $"{retried} retries, {shipping.AttemptsFor(flaky)} attempts, booked {Count(shipping.ShipmentsBooked, flaky)}x",
                retried >= FlakyCarrier.FailingAttempts && shipping.AttemptsFor(flaky) == FlakyCarrier.FailingAttempts + 1 && Count(shipping.ShipmentsBooked, flaky) == 1),
            new("dead-lettered (poison)", "1 per service reading it", $"loyalty {loyaltyDead}, shipping {shippingDead}", loyaltyDead == 1 && shippingDead == 1),
        ];
    }

    private static Check Equal(string name, int expected, long measured) =>
        new(name, expected.ToString(CultureInfo.InvariantCulture), measured.ToString(CultureInfo.InvariantCulture), measured == expected);

    private static Check Handled(string name, int expected, long measured, bool eachOnce) =>
        new(name, $"{expected}, each once", $"{measured}{(eachOnce ? ", each once" : ", NOT each once")}", measured == expected && eachOnce);

    private static int Count(IReadOnlyDictionary<Guid, int> counts, Guid orderId) => counts.TryGetValue(orderId, out var n) ? n : 0;

    private bool EachOnce(IReadOnlyDictionary<Guid, int> counts) =>
        counts.Count == placed.Count && placed.All(order => Count(counts, order.OrderId) == 1);

    private bool PointsMatch() =>
        placed.GroupBy(order => order.CustomerId, StringComparer.Ordinal).All(customer =>
            loyalty.PointsByCustomer.TryGetValue(customer.Key, out var points) && points == customer.Sum(OrderService.PointsFor));
}
