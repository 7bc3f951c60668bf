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
}
