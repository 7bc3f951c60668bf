using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Infrastructure;

/// <summary>
/// What the source generator emits for one assembly: the handlers it found, the message types they handle
/// and a dispatch switch on the message type. Registered once per assembly from a module initializer through
/// <see cref="GeneratedMessageModules.Register"/>, and read by <c>AddMessageContracts</c>.
/// </summary>
/// <remarks>Not for users: the generator derives from it.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GeneratedMessageModule
{
    /// <summary>The name of the assembly the module was generated for (for logs and errors).</summary>
    public abstract string AssemblyName { get; }

    /// <summary>One entry per message type that has at least one handler in the assembly.</summary>
    public abstract IReadOnlyList<MessageSubscription> Subscriptions { get; }

    /// <summary>Registers the assembly's handlers as scoped <see cref="IMessageHandler{TMessage}"/> services.</summary>
    public abstract void RegisterHandlers(IServiceCollection services);

    /// <summary>
    /// Returns the invoker that deserializes and handles <paramref name="messageType"/>, or
    /// <see langword="null"/> when the assembly has no handler for it.
    /// </summary>
    public abstract MessageHandlerInvoker? FindInvoker(string messageType);
}

/// <summary>A message type handled by a generated module, and the topic it arrives on.</summary>
/// <param name="Topic">The Kafka topic.</param>
/// <param name="MessageType">The <c>ce_type</c> value.</param>
/// <param name="Kind">Event or command.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record MessageSubscription(string Topic, string MessageType, MessageKind Kind)
{
    /// <summary>
    /// Whether the contract accepts loss (<c>[Event(Delivery = Delivery.AtMostOnce)]</c>): a transport with a lossy channel
    /// (Redis pub/sub) receives it there. The generator sets it only for such events.
    /// </summary>
    public Delivery Delivery { get; init; }
}

/// <summary>Deserializes one payload and runs every registered handler of its type.</summary>
/// <param name="payload">The record's value: UTF-8 JSON.</param>
/// <param name="context">The delivery's context.</param>
/// <param name="services">The scope the handlers are resolved from.</param>
/// <param name="cancellationToken">Signalled when the consumer is stopping.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate Task MessageHandlerInvoker(
    ReadOnlyMemory<byte> payload,
    MessageContext context,
    IServiceProvider services,
    CancellationToken cancellationToken);
