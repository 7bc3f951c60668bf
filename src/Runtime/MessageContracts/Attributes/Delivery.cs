namespace MessageContracts;

/// <summary>
/// What a contract asks of the transport: every message delivered (at least once, the default), or low latency with
/// loss accepted (at most once). Set with <c>[Event(Delivery = Delivery.AtMostOnce)]</c>.
/// </summary>
/// <remarks>
/// Only a transport that has a lossy channel uses <see cref="AtMostOnce"/>: Redis sends such events over pub/sub (nothing
/// is stored, and a message published while no subscriber listens is gone); Kafka and RabbitMQ deliver every contract
/// at least once. The analyzers report a command that accepts loss (MC0027: a command must not vanish) and an outbox used
/// with such a contract (MC0029: the outbox exists to make delivery certain). See docs/transports.md ("Redis").
/// </remarks>
public enum Delivery
{
    /// <summary>Every message reaches each consuming service at least once; the deduplication store makes handling effectively once. The default.</summary>
    AtLeastOnce = 0,

    /// <summary>
    /// A message reaches the services listening when it is sent, or nobody: never twice, and lost when no subscriber
    /// listens, the connection drops, or a consumer stops. For telemetry, live prices, presence: data the next message
    /// replaces.
    /// </summary>
    AtMostOnce = 1,
}
