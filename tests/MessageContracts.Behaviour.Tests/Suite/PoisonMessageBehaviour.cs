using System.Text;
using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>
/// Poison messages: a record with an unreadable body, or with missing or bad envelope headers, is dead-lettered once with
/// a reason that says why, its handler never runs, and the consumer goes on with the messages behind it.
/// </summary>
public abstract class PoisonMessageBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output)
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<PoisonProbe>();

    [Fact]
    public async Task Poison_messages_are_dead_lettered_with_their_reason_and_the_consumer_goes_on()
    {
        var consumer = await StartAsync("analytics", [typeof(PoisonHandler)]);
        var producer = await StartAsync("sensors", []);
        var publisher = producer.Publisher<PoisonProbe>();

        var before = (await publisher.PublishAsync(new PoisonProbe("poison-0", 0))).MessageId;
        byte[] garbage = [0xFF, 0x00, 0xC3, 0x28, 0x7B, 0x5B, 0xFE];
        var valid = RawEnvelope.Serialize(new PoisonProbe("poison", 1));
        var poisons = new (string Key, byte[] Value, List<KeyValuePair<string, byte[]>> Headers, string Reason, string Attempts)[]
        {
            // Kafka says the record has no headers; a transport may add what its own properties carry (content-type on AMQP), and
            // then the first CloudEvents attribute missing is named: either way the reason names ce_specversion.
            ("poison-1", garbage, [], "ce_specversion", "0"),
            ("poison-2", garbage, RawEnvelope.Headers("poison-id-2", nameof(PoisonProbe)), "not a valid 'PoisonProbe'", "1"),
            ("poison-3", valid, RawEnvelope.Without(RawEnvelope.Headers("poison-id-3", nameof(PoisonProbe)), MessageHeaders.Id), "no ce_id", "0"),
            ("poison-4", valid, RawEnvelope.Replace(RawEnvelope.Headers("poison-id-4", nameof(PoisonProbe)), MessageHeaders.SpecVersion, "0.3"u8.ToArray()), "only \"1.0\"", "0"),
        };
        foreach (var (key, value, headers, _, _) in poisons)
        {
            await Transport.SendRawAsync(Topic, Encoding.ASCII.GetBytes(key), value, headers);
        }

        var after = (await publisher.PublishAsync(new PoisonProbe("poison-1", 2))).MessageId;

        await consumer.Log.WaitForEffectsAsync([before, after], Patience);
        await Transport.WaitUntilSettledAsync(Topic, consumer.Service, Patience);

        // Only the valid messages reached the handler, once each.
        Assert.Equal(1, consumer.Log.EffectsFor(before));
        Assert.Equal(1, consumer.Log.EffectsFor(after));
        Assert.Equal(2, consumer.Log.Effects.Count);
        Assert.Equal(0, consumer.Log.AttemptsFor("poison-id-2"));

        // Each poison record is dead-lettered once, with its body and the reason: an unreadable envelope before any
        // attempt, a body that is not the contract at its first attempt, without retries (MaxAttempts is 3).
        var deadLetters = await Transport.ReadDeadLettersAsync(Topic, consumer.Service, atLeast: poisons.Length, Patience);
        Assert.Equal(poisons.Length, deadLetters.Count);
        foreach (var (key, value, _, reason, attempts) in poisons)
        {
            var deadLetter = Assert.Single(deadLetters, d => d.KeyText == key);
            Assert.Equal(value, deadLetter.Value);
            Assert.True(deadLetter.Reason?.Contains(reason, StringComparison.Ordinal) == true, $"{key} was dead-lettered with the reason \"{deadLetter.Reason}\", which does not say \"{reason}\"");
            Assert.Equal(attempts, deadLetter.Attempts);
            Assert.Equal(Topic, deadLetter.OriginalDestination);
        }

        var badPayload = Assert.Single(deadLetters, d => d.KeyText == "poison-2");
        Assert.Equal("poison-id-2", badPayload.MessageId);
        Assert.Equal(typeof(MessageDeserializationException).FullName, badPayload.ExceptionType);
    }
}
