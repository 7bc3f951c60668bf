using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Faults.Contracts;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// Records as a foreign producer writes them, with a plain Confluent.Kafka producer: any headers, any bytes. The fault
/// tests use it for what the toolkit's own producer would never send.
/// </summary>
public static class RawRecords
{
    /// <summary>A well-formed <see cref="FaultProbe"/> record with <paramref name="messageId"/> as its <c>ce_id</c> (given as bytes, so it can be anything).</summary>
    public static Message<byte[]?, byte[]?> Probe(byte[] messageId, FaultProbe probe) => new()
    {
        Key = Encoding.UTF8.GetBytes(probe.Key),
        Value = Serialize(probe),
        Headers = Envelope(messageId),
    };

    /// <summary>As <see cref="Probe(byte[], FaultProbe)"/>, for a string ID.</summary>
    public static Message<byte[]?, byte[]?> Probe(string messageId, FaultProbe probe) => Probe(Encoding.UTF8.GetBytes(messageId), probe);

    /// <summary>The CloudEvents headers of a <see cref="FaultProbe"/> with <paramref name="messageId"/>.</summary>
    public static Headers Envelope(byte[] messageId, string type = "FaultProbe") => new()
    {
        { MessageHeaders.SpecVersion, "1.0"u8.ToArray() },
        { MessageHeaders.Id, messageId },
        { MessageHeaders.Type, Encoding.UTF8.GetBytes(type) },
        { MessageHeaders.Source, "foreign-producer"u8.ToArray() },
        { MessageHeaders.ContentType, "application/json"u8.ToArray() },
    };

    /// <summary>A contract's JSON, as its generated serializer writes it.</summary>
    public static byte[] Serialize<T>(T message)
        where T : IMessageContract<T>
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            T.Serialize(writer, message);
        }

        return buffer.ToArray();
    }

    /// <summary>A plain producer for <paramref name="bootstrapServers"/>, as any Kafka client would have.</summary>
    public static IProducer<byte[]?, byte[]?> Producer(string bootstrapServers) =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5 }).Build();

    /// <summary>Produces <paramref name="records"/> in order to partition <paramref name="partition"/> and waits for all.</summary>
    public static async Task ProduceAsync(string bootstrapServers, string topic, int partition, IEnumerable<Message<byte[]?, byte[]?>> records)
    {
        using var producer = Producer(bootstrapServers);
        await Task.WhenAll(records.Select(record => producer.ProduceAsync(new TopicPartition(topic, partition), record)).ToList());
    }
}
