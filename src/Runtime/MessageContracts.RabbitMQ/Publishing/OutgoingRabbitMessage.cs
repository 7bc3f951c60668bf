using MessageContracts.RabbitMQ.Topology;

namespace MessageContracts.RabbitMQ.Publishing;

/// <summary>One message to publish: its CloudEvents attributes, its payload and where it goes.</summary>
/// <param name="MessageId">The message's ID, set once before the first attempt (<c>ce_id</c>, AMQP <c>message-id</c>).</param>
/// <param name="MessageType">The contract's type name (<c>ce_type</c>, AMQP <c>type</c>).</param>
/// <param name="Source">The publishing service (<c>ce_source</c>, AMQP <c>app-id</c>).</param>
/// <param name="Time">When the message was created (<c>ce_time</c>; AMQP <c>timestamp</c> in whole seconds).</param>
/// <param name="Body">The UTF-8 JSON payload.</param>
/// <param name="Route">The exchange, the routing key and whether an unrouted message is an error.</param>
/// <param name="TraceParent">W3C trace context of the publishing operation, when there is one.</param>
/// <param name="TraceState">W3C trace state, when there is one.</param>
internal sealed record OutgoingRabbitMessage(
    string MessageId,
    string MessageType,
    string Source,
    DateTimeOffset Time,
    ReadOnlyMemory<byte> Body,
    RabbitMqRoute Route,
    string? TraceParent = null,
    string? TraceState = null);
