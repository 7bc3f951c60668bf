using System.Collections.Concurrent;
using MessageContracts.Infrastructure;

namespace MessageContracts;

/// <summary>
/// Event or command, by <c>ce_type</c>, for the paths that hold a message's bytes but not its contract type: the outbox
/// relay and the publish failure replay (their rows predate the transport seam and keep no kind; the kind is derived
/// here rather than stored, so the row formats stay as they are). A broker that routes by kind (RabbitMQ: an event to
/// its exchange, a command to its queue) needs it; Kafka routes by topic alone.
/// </summary>
/// <remarks>
/// Filled from the generated modules (every handled contract, at <c>AddMessageContracts</c>) and by each contract the
/// process publishes, sends or enqueues (once per type, when its publisher, sender or first outbox row is made). A type
/// seen by none of these (a row of a command type this process neither handles nor has enqueued since it started) is
/// taken for an event.
/// </remarks>
internal static class ContractKinds
{
    private static readonly ConcurrentDictionary<string, MessageKind> Kinds = new(StringComparer.Ordinal);

    // The types that accept loss (Delivery.AtMostOnce), so a replayed or relayed one goes where its consumers listen.
    private static readonly ConcurrentDictionary<string, bool> AtMostOnce = new(StringComparer.Ordinal);

    /// <summary>The kind of <paramref name="messageType"/>, or <see cref="MessageKind.Event"/> when no contract of that type was seen.</summary>
    public static MessageKind Of(string messageType) =>
        Kinds.TryGetValue(messageType, out var kind) ? kind : MessageKind.Event;

    /// <summary>The delivery of <paramref name="messageType"/>: <see cref="Delivery.AtLeastOnce"/> unless a contract of that type accepting loss was seen.</summary>
    public static Delivery DeliveryOf(string messageType) =>
        AtMostOnce.ContainsKey(messageType) ? Delivery.AtMostOnce : Delivery.AtLeastOnce;

    /// <summary>Records <typeparamref name="T"/>'s kind (a dictionary write the first time per type, nothing after).</summary>
    public static void Register<T>()
        where T : IMessageContract<T>
    {
        _ = Registered<T>.Done;
    }

    /// <summary>Records the kinds of every contract the modules handle.</summary>
    public static void Register(IEnumerable<GeneratedMessageModule> modules)
    {
        foreach (var subscription in modules.SelectMany(module => module.Subscriptions))
        {
            Kinds.TryAdd(subscription.MessageType, subscription.Kind);
            if (subscription.Delivery == Delivery.AtMostOnce)
            {
                AtMostOnce.TryAdd(subscription.MessageType, true);
            }
        }
    }

    /// <summary>Runs the registration once per type, in the static initializer.</summary>
    private static class Registered<T>
        where T : IMessageContract<T>
    {
        public static readonly bool Done = (Kinds.TryAdd(T.MessageType, T.Kind) | (T.Delivery == Delivery.AtMostOnce && AtMostOnce.TryAdd(T.MessageType, true))) || true;
    }
}
