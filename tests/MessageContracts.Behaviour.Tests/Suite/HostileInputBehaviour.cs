using System.Text;
using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>
/// The hostile-input test (issue 11's, on every transport): one record of every malformed kind (<see cref="HostileCases"/>:
/// random bytes, truncated JSON, wrong types, 1e400, 5,000-deep nesting, invalid UTF-8 and control characters in
/// headers, empty, blank and 10,000-character IDs, oversized headers and header keys, missing and wrong envelope
/// attributes, 900 KB of garbage, a type nobody here handles) interleaved with valid messages whose IDs are SQL and
/// format-string shaped and whose text is unicode, control characters and 100 KB, and with second copies of some of
/// them. Every valid message is handled once with its text intact; every unreadable record is dead-lettered once with a
/// reason that says why; the unknown type is skipped; and the service settles everything.
/// </summary>
/// <remarks>
/// Kafka's own version (tests/MessageContracts.Tests/Faults/HostileInputTests.cs) adds volume (thousands of records
/// over six partitions), bounded memory in a separate process, and the three dedup stores; this one is the same cases
/// once each, so it runs in seconds on any broker.
/// </remarks>
public abstract class HostileInputBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output)
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<HostileProbe>();

    [Fact]
    public async Task Every_valid_message_is_handled_once_and_every_unreadable_one_dead_lettered_with_its_reason()
    {
        var consumer = await StartAsync("moderation", [typeof(HostileHandler)]);
        var producer = await StartAsync("uploads", []);
        var publisher = producer.Publisher<HostileProbe>();

        var malformed = HostileCases.Malformed();
        var left = malformed.Where(c => !Transport.CanCarry(c.Headers)).ToList();
        foreach (var unsent in left)
        {
            Output.WriteLine($"{Transport.Name} cannot carry '{unsent.Kind}': left out");
        }

        var sent = malformed.Except(left).ToList();
        var valid = HostileCases.HostileIds.Select((id, i) => (Id: id, Message: new HostileProbe($"valid-{i % 3}", i, HostileCases.HostileTexts[i % HostileCases.HostileTexts.Length]))).ToList();

        // Interleaved: a valid message, then a few malformed records, then again; each third valid message is sent a
        // second time (same ID, same content) further on.
        var perValid = (sent.Count + valid.Count - 1) / valid.Count;
        for (var i = 0; i < valid.Count; i++)
        {
            await publisher.PublishAsync(valid[i].Message, new PublishOptions { MessageId = valid[i].Id });
            foreach (var record in sent.Skip(i * perValid).Take(perValid))
            {
                await Transport.SendRawAsync(Topic, record.Key, record.Value, record.Headers);
            }

            if (i % 3 == 2)
            {
                await publisher.PublishAsync(valid[i - 1].Message, new PublishOptions { MessageId = valid[i - 1].Id });
            }
        }

        await consumer.Log.WaitForEffectsAsync(valid.Select(v => v.Id), Patience);
        await Transport.WaitUntilSettledAsync(Topic, consumer.Service, Patience);

        // Every valid message: one effect, its text byte for byte; nothing else reached the handler.
        foreach (var (id, message) in valid)
        {
            var effects = consumer.Log.Effects.Where(e => e.MessageId == id).ToList();
            Assert.True(effects.Count == 1, $"'{id}' had {effects.Count} effects");
            var received = (HostileProbe)effects[0].Message;
            Assert.Equal(Encoding.UTF8.GetBytes(message.Text), Encoding.UTF8.GetBytes(received.Text));
            Assert.Equal(message, received);
        }

        Assert.Equal(valid.Count, consumer.Log.Effects.Count);

        // Every unreadable record: dead-lettered once, with a reason that says why. The unknown type: skipped.
        var expected = sent.Where(c => c.Reason is not null).ToList();
        var deadLetters = await Transport.ReadDeadLettersAsync(Topic, consumer.Service, atLeast: expected.Count, Patience);
        foreach (var record in expected)
        {
            var copies = deadLetters.Where(d => d.KeyText == record.KeyText).ToList();
            Assert.True(copies.Count == 1, $"'{record.Kind}' was dead-lettered {copies.Count} times");
            Assert.True(
                copies[0].Reason?.Contains(record.Reason!, StringComparison.Ordinal) == true,
                $"'{record.Kind}' was dead-lettered with the reason \"{copies[0].Reason}\", which does not say \"{record.Reason}\"");
        }

        Assert.Equal(expected.Count, deadLetters.Count);
        Output.WriteLine($"{Transport.Name}: {valid.Count} valid messages handled once, {expected.Count} unreadable records dead-lettered once, {sent.Count - expected.Count} skipped");
    }
}
