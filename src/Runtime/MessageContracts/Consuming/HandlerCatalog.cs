using MessageContracts.Infrastructure;

namespace MessageContracts;

/// <summary>
/// The message types this service handles, collected from the generated modules: which topics to subscribe
/// to, and which generated invoker runs a given <c>ce_type</c>.
/// </summary>
internal sealed class HandlerCatalog
{
    private readonly Dictionary<string, MessageHandlerInvoker> invokers = new(StringComparer.Ordinal);

    public HandlerCatalog(IReadOnlyList<GeneratedMessageModule> modules)
    {
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            foreach (var subscription in module.Subscriptions)
            {
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
}
