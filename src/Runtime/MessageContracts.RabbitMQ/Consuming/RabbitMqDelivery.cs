using MessageContracts.RabbitMQ.Publishing;

namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>One message a queue delivered, with its body copied (the client reuses its buffer once the callback returns).</summary>
/// <param name="Queue">The queue it came from.</param>
/// <param name="DeliveryTag">The channel's tag for it (the consumer acknowledges it; callers need not).</param>
/// <param name="Redelivered">The broker delivered it before, without an acknowledgement (a crash, a lost connection, a nack).</param>
/// <param name="DeliveryCount">
/// How many earlier deliveries were returned to a quorum queue (its <c>x-delivery-count</c> header; 0 on the first).
/// The queue dead-letters the message once this reaches the queue's <c>x-delivery-limit</c>.
/// </param>
/// <param name="MessageId">The AMQP <c>message-id</c> property (the publisher sets it to <c>ce_id</c>), or null when absent.</param>
/// <param name="MessageType">The AMQP <c>type</c> property (<c>ce_type</c>), or null when absent.</param>
/// <param name="Body">The payload, in an array of its own (the receiver hands that array on as the record's value).</param>
internal sealed record RabbitMqDelivery(
    string Queue,
    ulong DeliveryTag,
    bool Redelivered,
    long DeliveryCount,
    string? MessageId,
    string? MessageType,
    ReadOnlyMemory<byte> Body)
{
    private IReadOnlyDictionary<string, string>? headers;

    /// <summary>
    /// The AMQP headers as the client decoded them (long strings and byte arrays as <c>byte[]</c>): what the receiver
    /// reads; null when the message has none.
    /// </summary>
    public IDictionary<string, object?>? RawHeaders { get; init; }

    /// <summary>The AMQP <c>content-type</c> property, or null.</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// The headers as text: the CloudEvents attributes under the Kafka binding's names (<see cref="MessageHeaders"/>),
    /// <c>content-type</c> from the property, and what the broker adds. Decoded from <see cref="RawHeaders"/> on first
    /// use: the receiver reads the bytes and never asks for it, so a delivery does not pay for decoding them twice.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers => headers ??= AmqpEnvelope.ReadHeaders(RawHeaders, ContentType);
}
