using Confluent.Kafka;

namespace OrderFlow.Brokers;

/// <summary>
/// Injected failure 3: a record no MessageContracts service can read (no CloudEvents headers, bytes that are not JSON),
/// written to the OrderPlaced topic by a plain Kafka producer, as a misbehaving client would. Each service that reads
/// the topic dead-letters it to <c>order-placed.dead-letter</c>, with the reason, and carries on.
/// </summary>
public static class KafkaPoison
{
    /// <summary>Sends the poison record; its key is unique, so it can be found again in the dead-letter topic.</summary>
    public static async Task<string> SendAsync(string bootstrapServers, string topic, CancellationToken cancellationToken)
    {
        var key = $"poison-{Guid.NewGuid():N}";
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers }).Build();
        await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = [0xde, 0xad, 0xbe, 0xef, 0x00, 0xff] }, cancellationToken);
        return key;
    }
}
