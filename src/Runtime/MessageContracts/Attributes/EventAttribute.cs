namespace MessageContracts;

/// <summary>
/// Marks a <c>partial</c> record as an event: a fact that already happened, published to any number of
/// interested services. Every consumer group subscribed to the event's topic receives its own copy.
/// </summary>
/// <remarks>
/// The source generator gives the record a reflection-free JSON serializer and makes it usable with
/// <see cref="IEventPublisher{TEvent}"/> and <see cref="IMessageHandler{TMessage}"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class EventAttribute : Attribute
{
    /// <summary>
    /// The Kafka topic the event is published to. When not set, the topic is the type name in kebab case
    /// (<c>OrderPlaced</c> becomes <c>order-placed</c>).
    /// </summary>
    public string? Topic { get; set; }

    /// <summary>
    /// The message type name written to the <c>ce_type</c> header, which consumers use to tell messages apart.
    /// When not set, it is the type's simple name, with containing types joined by <c>.</c>
    /// (<c>OrderPlaced</c>, or <c>Outer.OrderPlaced</c> for a type nested in <c>Outer</c>). The namespace is deliberately
    /// left out, so moving the event to another namespace does not change the wire. Set it to keep the wire name when
    /// renaming the record. It must not be empty or white space (MC0015), and no two contracts may share one (MC0016).
    /// </summary>
    public string? Type { get; set; }

    /// <summary>
    /// Whether the event must reach its consumers (<see cref="MessageContracts.Delivery.AtLeastOnce"/>, the default) or may
    /// be lost for lower latency (<see cref="MessageContracts.Delivery.AtMostOnce"/>: over Redis it travels by pub/sub,
    /// and a message published while no subscriber listens is gone). See <see cref="MessageContracts.Delivery"/>.
    /// </summary>
    public Delivery Delivery { get; set; }
}
