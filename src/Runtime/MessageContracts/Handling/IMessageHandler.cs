namespace MessageContracts;

/// <summary>
/// Handles one kind of message. Implementations are found by the source generator, registered by
/// <c>AddMessageContracts</c> and created per message from the service container, so they may take any
/// registered service in their constructor.
/// </summary>
/// <typeparam name="TMessage">An <c>[Event]</c> or <c>[Command]</c> record.</typeparam>
/// <remarks>
/// Delivery is at least once: mark the handler <see cref="IdempotentAttribute">[Idempotent]</see> once running
/// it twice for one message is harmless. An exception thrown from <see cref="HandleAsync"/> makes the consumer
/// retry the message and, when the attempts are spent, send it to the dead-letter topic.
/// </remarks>
public interface IMessageHandler<TMessage>
    where TMessage : IMessageContract<TMessage>
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The message, already deserialized.</param>
    /// <param name="context">Where the message came from: its ID, type, topic, partition, offset, attempt and trace context.</param>
    /// <param name="cancellationToken">Signalled when the consumer is stopping.</param>
    Task HandleAsync(TMessage message, MessageContext context, CancellationToken cancellationToken);
}
