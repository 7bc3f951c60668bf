using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>Deduplication: a message published twice under one message ID is handled once, by each service.</summary>
public abstract class DeduplicationBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output)
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<DedupProbe>();

    [Fact]
    public async Task The_same_message_id_published_twice_is_handled_once()
    {
        var consumer = await StartAsync("ledger", [typeof(DedupHandler)]);
        var producer = await StartAsync("payments", []);
        var publisher = producer.Publisher<DedupProbe>();

        // A re-publish after an unclear failure: same ID, same content. Then one that merely shares the content.
        var id = "payment-" + Guid.NewGuid().ToString("N");
        var message = new DedupProbe("account-1", "captured 10.00");
        var firstCopy = await publisher.PublishAsync(message, new PublishOptions { MessageId = id });
        var secondCopy = await publisher.PublishAsync(message, new PublishOptions { MessageId = id });
        var other = await publisher.PublishAsync(message);
        Assert.Equal(id, firstCopy.MessageId);
        Assert.Equal(id, secondCopy.MessageId);

        await consumer.Log.WaitForEffectsAsync([id, other.MessageId], Patience);
        await Transport.WaitUntilSettledAsync(Topic, consumer.Service, Patience);

        Assert.Equal(1, consumer.Log.EffectsFor(id));
        Assert.Equal(1, consumer.Log.EffectsFor(other.MessageId));
        Assert.Equal(2, consumer.Log.Effects.Count);
        Assert.Empty(await Transport.ReadDeadLettersAsync(Topic, consumer.Service, atLeast: 0, Patience));
    }
}
