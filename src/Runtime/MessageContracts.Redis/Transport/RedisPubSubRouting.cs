using MessageContracts.Infrastructure;
using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// Which contracts travel over Redis pub/sub instead of Streams, and on which channel: an event that accepts loss
/// (<c>[Event(Delivery = Delivery.AtMostOnce)]</c>), on channel <c>{KeyPrefix}{topic}</c>. Everything else, commands
/// included (MC0027 reports a command that asks), and every dead letter, stays on Streams. The sender and the receiver
/// decide with this one rule, so a publisher and its subscribers always meet.
/// </summary>
internal static class RedisPubSubRouting
{
    /// <summary>Whether a message of <paramref name="kind"/> and <paramref name="delivery"/> goes over pub/sub.</summary>
    public static bool IsPubSub(MessageKind kind, Delivery delivery) =>
        kind == MessageKind.Event && delivery == Delivery.AtMostOnce;

    /// <summary>The channel of <paramref name="topic"/>: named after the contract's topic, under the key prefix (renamed the same way as a stream: <c>Topic</c> on the attribute, <see cref="RedisTransportOptions.KeyPrefix"/>).</summary>
    public static RedisChannel Channel(RedisTransportOptions options, string topic) => RedisChannel.Literal(options.KeyPrefix + topic);

    /// <summary>The topics the generated modules receive over pub/sub (their handlers' at-most-once events).</summary>
    public static HashSet<string> HandledTopics()
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var module in GeneratedMessageModules.All)
        {
            foreach (var subscription in module.Subscriptions)
            {
                if (IsPubSub(subscription.Kind, subscription.Delivery))
                {
                    topics.Add(subscription.Topic);
                }
            }
        }

        return topics;
    }
}
