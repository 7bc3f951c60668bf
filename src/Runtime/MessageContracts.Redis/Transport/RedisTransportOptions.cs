namespace MessageContracts.Redis;

/// <summary>Settings of the Redis Streams transport, given to <c>UseRedis</c>.</summary>
public sealed class RedisTransportOptions
{
    private readonly Dictionary<string, RedisStreamRetention> retentions = new(StringComparer.Ordinal);

    /// <summary>The group name every owner of a command reads its stream with, when not set.</summary>
    public const string DefaultCommandGroup = "command-owners";

    /// <summary>The database number; -1 (the default) is the connection's default database.</summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// The start of every stream key: a contract's stream is <c>{KeyPrefix}{topic}</c>, its dead letters
    /// <c>{KeyPrefix}{topic}:dead-letter</c>. Empty by default; give applications sharing a database different prefixes.
    /// </summary>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>How much of each stream is kept when <see cref="SetRetention(string, RedisStreamRetention)"/> sets nothing else; <see cref="RedisStreamRetention.Default"/> (<c>MAXLEN ~ 1,000,000</c>).</summary>
    public RedisStreamRetention DefaultRetention { get; set; } = RedisStreamRetention.Default;

    /// <summary>
    /// The consumer group every service that handles a command reads the command's stream with: one group, so each
    /// command is handled by one consumer. Events are read with one group per service,
    /// <see cref="MessageContractsOptions.ConsumerGroup"/>. Default <see cref="DefaultCommandGroup"/>.
    /// </summary>
    public string CommandGroup { get; set; } = DefaultCommandGroup;

    /// <summary>This instance's consumer name within its groups; unique per process when null (machine, process ID and a random part).</summary>
    public string? ConsumerName { get; set; }

    /// <summary>How many entries one <c>XREADGROUP</c> returns at most. Default 100.</summary>
    public int ReadBatchSize { get; set; } = 100;

    /// <summary>
    /// The first wait after a read found nothing; each further empty read doubles it up to <see cref="MaxPollDelay"/>.
    /// A publish rings the stream's doorbell (a pub/sub message), which ends the wait at once. Default 10 ms.
    /// </summary>
    public TimeSpan MinPollDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait between reads of an idle stream (when a doorbell was missed). Default 1 second.</summary>
    public TimeSpan MaxPollDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an entry must have been pending (delivered and not acknowledged) before another consumer takes it over
    /// with <c>XAUTOCLAIM</c>: the consumer that had it is presumed dead. Set it above the longest time your handlers
    /// (with their retries) may take, and it must exceed <see cref="MessageContractsOptions.DeduplicationLease"/> (so the
    /// dead consumer's claim has run out by then). Default 5 minutes.
    /// </summary>
    public TimeSpan ReclaimMinIdleTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each consumer looks for entries to reclaim (the <c>XAUTOCLAIM</c> cursor is kept between looks). Default 30 seconds.</summary>
    public TimeSpan ReclaimInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many deliveries (the count <c>XPENDING</c> reports) an entry may have: one delivered more often (its consumers
    /// kept crashing or stopping while handling it) is written to the dead-letter stream without being handled again.
    /// Default 10.
    /// </summary>
    public int MaxDeliveries { get; set; } = 10;

    /// <summary>Keeps <paramref name="retention"/> for the stream of topic <paramref name="topic"/> (and its dead letters).</summary>
    /// <param name="topic">The contract's topic name.</param>
    /// <param name="retention">How much of the stream to keep.</param>
    /// <returns>These options, for chaining.</returns>
    public RedisTransportOptions SetRetention(string topic, RedisStreamRetention retention)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(retention);
        retentions[topic] = retention;
        return this;
    }

    /// <summary>Keeps <paramref name="retention"/> for the stream of contract <typeparamref name="TMessage"/>.</summary>
    /// <typeparam name="TMessage">An <c>[Event]</c> or <c>[Command]</c> record.</typeparam>
    /// <param name="retention">How much of the stream to keep.</param>
    /// <returns>These options, for chaining.</returns>
    public RedisTransportOptions SetRetention<TMessage>(RedisStreamRetention retention)
        where TMessage : IMessageContract<TMessage> =>
        SetRetention(TMessage.Topic, retention);

    /// <summary>The retention of topic <paramref name="topic"/>: the one set for it, or <see cref="DefaultRetention"/>.</summary>
    /// <param name="topic">The topic name.</param>
    /// <returns>The retention.</returns>
    public RedisStreamRetention RetentionFor(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return retentions.TryGetValue(topic, out var retention) ? retention : DefaultRetention;
    }
}
