using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>The Redis names derived from a topic: its stream key, its doorbell channel and the group that reads it.</summary>
internal sealed class RedisStreamNaming(RedisTransportOptions options, MessageContractsOptions core)
{
    /// <summary>The stream of <paramref name="topic"/> (a contract's topic, or a dead-letter topic).</summary>
    public RedisKey StreamKey(string topic) => options.KeyPrefix + topic;

    /// <summary>The pub/sub channel a publish to <paramref name="topic"/> rings after its XADD, to wake the stream's consumers.</summary>
    public RedisChannel Doorbell(string topic) => RedisChannel.Literal(options.KeyPrefix + topic + ":doorbell");

    /// <summary>
    /// The group this service reads a topic of <paramref name="kind"/> with: its own for an event (every consuming service gets each
    /// event), the shared command group for a command (one owner handles each).
    /// </summary>
    public string Group(MessageKind kind) => kind == MessageKind.Command ? options.CommandGroup : core.ConsumerGroup;
}
