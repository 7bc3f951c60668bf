using System.Text;
using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

/// <summary>
/// The tolerant reader end to end: records another version of the producer wrote, on the embedded Kafka. A member
/// the consumer does not know is skipped; a record without a member the consumer requires goes to the dead-letter
/// topic, and the reason header names the member.
/// </summary>
public sealed class TolerantReaderTests
{
    private const string Topic = "shipping.requests";
    private const string Contract = "MessageContracts.Tests.Support.ShipmentRequested";

    /// <summary>The key of every record here (the last one's partition key): one partition, so they are handled in order.</summary>
    private const string Key = "o-4";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Unknown_members_are_skipped_and_a_missing_required_member_is_dead_lettered_naming_it()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Topic);
        await using var host = await TestHost.StartAsync(kafka);

        using (var raw = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            // A newer producer: two members this consumer does not know, one of them an object.
            await raw.ProduceAsync(Topic, Record("newer", """{"orderReference":"o-1","carrier":"post","parcels":2,"failInHandler":false,"addedLater":{"x":[1,{"y":null}]}}"""));

            // Payloads without a member that has no default: a string, then an int (not read as 0).
            await raw.ProduceAsync(Topic, Record("no-reference", """{"parcels":2,"failInHandler":false}"""));
            await raw.ProduceAsync(Topic, Record("no-parcels", """{"orderReference":"o-3","failInHandler":false}"""));
        }

        await host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>().SendAsync(new ShipmentRequested(Key, 1, FailInHandler: false));
        await host.Shipments.WaitForCountAsync(2, Patience);

        Assert.Equal(["o-1", "o-4"], host.Shipments.Snapshot().Select(s => s.Message.OrderReference));
        Assert.Equal(2, host.Shipments.Snapshot()[0].Message.Parcels);

        // The records before o-4 on its partition were settled first, so both dead letters are on the topic by now.
        var deadLetters = KafkaProbe.ReadAll(kafka.BootstrapServers, Topic + ".dead-letter");
        Assert.Equal(["no-reference", "no-parcels"], deadLetters.Select(d => KafkaProbe.Header(d, MessageHeaders.Id)));
        Assert.Equal(
            "The payload is not a valid 'ShipmentRequested': Cannot deserialize '" + Contract + "': the required member '" + Contract + ".orderReference' is missing.",
            KafkaProbe.Header(deadLetters[0], MessageHeaders.DeadLetterReason));
        Assert.Equal(
            "The payload is not a valid 'ShipmentRequested': Cannot deserialize '" + Contract + "': the required member '" + Contract + ".parcels' is missing.",
            KafkaProbe.Header(deadLetters[1], MessageHeaders.DeadLetterReason));
        Assert.All(deadLetters, d => Assert.Equal(typeof(MessageDeserializationException).FullName, KafkaProbe.Header(d, MessageHeaders.DeadLetterExceptionType)));
        Assert.Equal(0, host.Attempts.For("no-reference"));
        Assert.Equal(0, host.Attempts.For("no-parcels"));
    }

    /// <summary>A record with a complete envelope of type <c>ShipmentRequested</c> around <paramref name="json"/>.</summary>
    private static Message<string, string> Record(string id, string json) => new()
    {
        Key = Key,
        Value = json,
        Headers = new Headers
        {
            { MessageHeaders.SpecVersion, "1.0"u8.ToArray() },
            { MessageHeaders.Id, Encoding.UTF8.GetBytes(id) },
            { MessageHeaders.Type, "ShipmentRequested"u8.ToArray() },
            { MessageHeaders.Source, "a-newer-or-older-producer"u8.ToArray() },
            { MessageHeaders.ContentType, "application/json"u8.ToArray() },
        },
    };
}
