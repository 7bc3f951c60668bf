using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>Fan-out: every service that handles an event gets its own copy of each one, and handles it once.</summary>
public abstract class FanOutBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output)
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<FanOutHappened>();

    [Fact]
    public async Task An_event_reaches_each_of_two_services_once()
    {
        var billing = await StartAsync("billing", [typeof(FanOutHandler)]);
        var shipping = await StartAsync("shipping", [typeof(FanOutHandler)]);
        var orders = await StartAsync("orders", []);

        var publisher = orders.Publisher<FanOutHappened>();
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await publisher.PublishAsync(new FanOutHappened($"k{i % 3}", i))).MessageId);
        }

        await Task.WhenAll(billing.Log.WaitForEffectsAsync(ids, Patience), shipping.Log.WaitForEffectsAsync(ids, Patience));
        await Task.WhenAll(
            Transport.WaitUntilSettledAsync(Topic, billing.Service, Patience),
            Transport.WaitUntilSettledAsync(Topic, shipping.Service, Patience));

        foreach (var service in new[] { billing, shipping })
        {
            var counts = service.Log.EffectCounts();
            Assert.Equal(ids.Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));
            Assert.All(counts, c => Assert.True(c.Value == 1, $"{service.Service} handled {c.Key} {c.Value} times"));
        }
    }
}
