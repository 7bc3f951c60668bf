using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>
/// One command owner: a command goes to the one service that handles it, and to one of its instances, once; instances
/// share the work (and, as several instances of a real service do, one dedup store).
/// </summary>
public abstract class CommandOwnerBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output)
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<OwnedCommand>();

    [Fact]
    public async Task A_command_is_handled_once_by_one_instance_of_its_owner()
    {
        var store = new InMemoryDeduplicationStore();
        var first = await StartAsync("fulfilment", [typeof(OwnedCommandHandler)], deduplication: store);
        var second = await StartAsync("fulfilment", [typeof(OwnedCommandHandler)], deduplication: store);
        var client = await StartAsync("storefront", []);

        var sender = client.Sender<OwnedCommand>();
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await sender.SendAsync(new OwnedCommand($"k{i}", i))).MessageId);
        }

        await HandlerLog.WaitUntilAsync([first.Log, second.Log], () => ids.All(id => first.Log.EffectsFor(id) + second.Log.EffectsFor(id) > 0), Patience, $"{ids.Count} commands handled");
        await Transport.WaitUntilSettledAsync(Topic, "fulfilment", Patience);

        foreach (var id in ids)
        {
            var (a, b) = (first.Log.EffectsFor(id), second.Log.EffectsFor(id));
            Assert.True(a + b == 1, $"command {id} was handled {a} time(s) by the first instance and {b} by the second");
        }

        Assert.Equal(ids.Count, first.Log.Effects.Count + second.Log.Effects.Count);
        Output.WriteLine($"{Transport.Name}: first instance handled {first.Log.Effects.Count}, second {second.Log.Effects.Count}");
    }
}
