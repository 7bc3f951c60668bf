using Confluent.Kafka;
using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>Poison records (no envelope at all; an envelope around bytes that are not the contract) are dead-lettered once and the partition moves on.</summary>
[Collection(FaultsCollection.Name)]
public sealed class PoisonRecordTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Poison_records_are_dead_lettered_once_and_the_partition_moves_on()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        using var metrics = new FaultMetrics(Probes.Topic);
        await using var host = await FaultHost.StartAsync(kafka, group, output: output);

        var before = await host.PublishAllAsync(Probes.Create(keys: 2, perKey: 3, prefix: "before"));
        byte[] garbage = [0xFF, 0x00, 0xC3, 0x28, 0x7B, 0x5B, 0xFE];
        using (var raw = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            // No headers at all: there is not even a message ID to deduplicate on.
            await raw.ProduceAsync(Probes.Topic, new Message<byte[], byte[]> { Key = "poison-1"u8.ToArray(), Value = garbage });

            // A well-formed envelope of the right type around bytes that are not JSON.
            var headers = new Headers
            {
                { MessageHeaders.SpecVersion, "1.0"u8.ToArray() },
                { MessageHeaders.Id, "poison-2"u8.ToArray() },
                { MessageHeaders.Type, "FaultProbe"u8.ToArray() },
                { MessageHeaders.Source, "somewhere-else"u8.ToArray() },
                { MessageHeaders.ContentType, "application/json"u8.ToArray() },
            };
            await raw.ProduceAsync(Probes.Topic, new Message<byte[], byte[]> { Key = "poison-2"u8.ToArray(), Value = garbage, Headers = headers });
        }

        var after = await host.PublishAllAsync(Probes.Create(keys: 2, perKey: 3, prefix: "after"));
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        // The partition moved on past both: everything after them was handled, once.
        var published = before.Concat(after).ToList();
        Probes.AssertEachHadExactlyOneEffect(published.Select(r => r.MessageId), host.Effects.CountsById());
        Assert.Equal(0, host.Effects.AttemptsFor("poison-2"));

        // Each poison record is in the dead-letter topic exactly once, with its bytes and the reason.
        var deadLetters = KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic);
        Assert.Equal(2, deadLetters.Count);
        Assert.Equal(2, metrics[FaultMetrics.DeadLettered]);
        var missingEnvelope = Assert.Single(deadLetters, d => KafkaProbe.Header(d, MessageHeaders.Id) is null);
        Assert.Equal(garbage, missingEnvelope.Message.Value);
        Assert.Equal("poison-1"u8.ToArray(), missingEnvelope.Message.Key);
        Assert.Equal("0", KafkaProbe.Header(missingEnvelope, MessageHeaders.DeadLetterAttempts));
        Assert.Equal(before.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), KafkaProbe.Header(missingEnvelope, MessageHeaders.DeadLetterOriginalOffset));
        var badPayload = Assert.Single(deadLetters, d => KafkaProbe.Header(d, MessageHeaders.Id) == "poison-2");
        Assert.Equal(garbage, badPayload.Message.Value);
        Assert.Equal(typeof(MessageDeserializationException).FullName, KafkaProbe.Header(badPayload, MessageHeaders.DeadLetterExceptionType));
        Assert.Contains("not a valid 'FaultProbe'", KafkaProbe.Header(badPayload, MessageHeaders.DeadLetterReason));
    }
}
