using System.Buffers;
using System.Text.Json;
using MessageContracts.RabbitMQ.Publishing;
using MessageContracts.RabbitMQ.Topology;
using RabbitMQ.Client;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>Outgoing messages built as the publisher above the seam will build them: generated serializer, new UUIDv7 ID.</summary>
internal static class TestMessages
{
    public static OutgoingRabbitMessage Of<T>(T message, string source = "tests", RabbitMqNaming? naming = null)
        where T : IMessageContract<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            T.Serialize(writer, message);
        }

        return new OutgoingRabbitMessage(
            Guid.CreateVersion7().ToString(),
            T.MessageType,
            source,
            DateTimeOffset.UtcNow,
            buffer.WrittenMemory.ToArray(),
            RabbitMqTopologyBuilder.RouteOf(RabbitMqContract.Of<T>(), naming ?? RabbitMqNaming.Default));
    }

    /// <summary>How many messages are ready in <paramref name="queue"/> (a passive declare; unacknowledged ones are not counted).</summary>
    public static async Task<uint> ReadyCountAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        var ok = await channel.QueueDeclarePassiveAsync(queue);
        return ok.MessageCount;
    }
}
