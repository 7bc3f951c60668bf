using MessageContracts.Infrastructure;

namespace MessageContracts;

/// <summary>
/// The message types this service handles, collected from the generated modules: which topics to subscribe
/// to, and which generated invoker runs a given <c>ce_type</c>.
/// </summary>
internal sealed class HandlerCatalog
{
    private readonly Dictionary<string, MessageHandlerInvoker> invokers = new(StringComparer.Ordinal);

    /// <param name="modules">The generated modules of the loaded assemblies.</param>
    /// <param name="handlesMessageType">
    /// Whether this service kept a handler of a contract type; null when every generated handler is registered.
    /// </param>
    public HandlerCatalog(IReadOnlyList<GeneratedMessageModule> modules, Func<Type, bool>? handlesMessageType = null)
    {
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            foreach (var subscription in module.Subscriptions)
            {
                if (handlesMessageType is not null && !Handles(module, subscription, handlesMessageType))
                {
                    continue;
                }

                topics.Add(subscription.Topic);

                // Handlers of one type in several assemblies all sit in the container as IMessageHandler<T>;
                // one invoker resolves them all, so the first module's invoker serves the type.
                if (!invokers.ContainsKey(subscription.MessageType) && module.FindInvoker(subscription.MessageType) is { } invoker)
                {
                    invokers.Add(subscription.MessageType, invoker);
                }
            }
        }

        Topics = [.. topics];
    }

    /// <summary>The topics to subscribe to, ordinal-sorted.</summary>
    public IReadOnlyList<string> Topics { get; }

    public MessageHandlerInvoker? Find(string messageType) =>
        invokers.TryGetValue(messageType, out var invoker) ? invoker : null;

    /// <summary>
    /// Whether a handler of the subscription's contract type was kept. The generated invoker is
    /// <c>MessageDispatch.InvokeHandlersAsync&lt;TMessage&gt;</c>, so its one type argument is the contract type.
    /// </summary>
    private static bool Handles(GeneratedMessageModule module, MessageSubscription subscription, Func<Type, bool> handlesMessageType) =>
        module.FindInvoker(subscription.MessageType) is { Method: { IsGenericMethod: true } method }
        && handlesMessageType(method.GetGenericArguments()[0]);
}
