using System.Globalization;
using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// An <see cref="IDeduplicationStore"/> in Redis, shared by every instance of a consumer group: for services that have
/// Redis and no database. Claims are keys written with an expiry (<c>SET ... PX</c>), marks are keys without one, as
/// the SQL stores have claimed and processed rows.
/// </summary>
/// <remarks>
/// <para>
/// Every call is one Lua script over the whole batch of IDs, run atomically by Redis, so instances that claim one
/// message at once get exactly one <see cref="DeduplicationClaim.Claimed"/>. A message's key is
/// <c>{KeyPrefix}{group length}:{group}:{message ID}</c>; processed keys are also listed in the sorted set
/// <c>{KeyPrefix}processed</c> (scored by the processed time) so <see cref="PurgeAsync"/> finds old ones without a scan.
/// </para>
/// <para>
/// Lease expiry and processed times come from <see cref="RedisDeduplicationStoreOptions.TimeProvider"/>, not from the
/// server. A claim's key also expires in Redis <see cref="RedisDeduplicationStoreOptions.AbandonedClaimExpiry"/> after
/// its lease, so a crashed instance's claims do not stay forever; processed keys stay until purged (the core's retention
/// service calls <see cref="PurgeAsync"/> with <c>DeduplicationRetention</c>).
/// </para>
/// <para>
/// Durability is Redis's: without AOF (<c>appendonly yes</c>, <c>appendfsync everysec</c> or <c>always</c>) a server
/// restart forgets processed IDs, and a redelivered message runs its handlers again. The keys of one store are used
/// together in one script, so under Redis Cluster give the prefix a hash tag (<c>{mc-dedup}:</c>).
/// </para>
/// </remarks>
public sealed class RedisDeduplicationStore : IDeduplicationStore, IAsyncDisposable, IDisposable
{
    private const int PurgeBatch = 500;

    private readonly Lazy<Task<IConnectionMultiplexer>> connection;
    private readonly bool ownsConnection;
    private readonly string keyPrefix;
    private readonly RedisKey processedIndex;
    private readonly int database;
    private readonly TimeSpan abandonedClaimExpiry;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates a store with the default options on <paramref name="connection"/>, which the caller keeps and disposes.</summary>
    /// <param name="connection">A connected multiplexer, shared with the rest of the application.</param>
    public RedisDeduplicationStore(IConnectionMultiplexer connection)
        : this(connection, options: null)
    {
    }

    /// <summary>Creates a store on <paramref name="connection"/>, which the caller keeps and disposes.</summary>
    /// <param name="connection">A connected multiplexer, shared with the rest of the application.</param>
    /// <param name="options">Key prefix, database and clock; the defaults when null.</param>
    public RedisDeduplicationStore(IConnectionMultiplexer connection, RedisDeduplicationStoreOptions? options)
        : this(Known(connection ?? throw new ArgumentNullException(nameof(connection))), ownsConnection: false, options)
    {
    }

    /// <summary>
    /// Creates a store with its own connection for <paramref name="configuration"/>, opened on first use and closed when
    /// the store is disposed.
    /// </summary>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    public RedisDeduplicationStore(string configuration)
        : this(configuration, options: null)
    {
    }

    /// <summary>
    /// Creates a store with its own connection for <paramref name="configuration"/>, opened on first use and closed when
    /// the store is disposed.
    /// </summary>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="options">Key prefix, database and clock; the defaults when null.</param>
    public RedisDeduplicationStore(string configuration, RedisDeduplicationStoreOptions? options)
        : this(RedisConnections.Lazily(configuration), ownsConnection: true, options)
    {
    }

    private RedisDeduplicationStore(Func<Task<IConnectionMultiplexer>> connect, bool ownsConnection, RedisDeduplicationStoreOptions? options)
    {
        options ??= new RedisDeduplicationStoreOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.KeyPrefix, nameof(options));
        if (options.AbandonedClaimExpiry < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AbandonedClaimExpiry, "AbandonedClaimExpiry must not be negative.");
        }

        connection = new Lazy<Task<IConnectionMultiplexer>>(connect);
        this.ownsConnection = ownsConnection;
        keyPrefix = options.KeyPrefix;
        processedIndex = keyPrefix + "processed";
        database = options.Database;
        abandonedClaimExpiry = options.AbandonedClaimExpiry;
        timeProvider = options.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>The start of every key the store writes.</summary>
    public string KeyPrefix => keyPrefix;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        Validate(consumerGroup, messageIds, owner, lease);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return [];
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var answers = await EvaluateAsync(
            RedisDeduplicationScripts.Claim,
            KeysOf(consumerGroup, messageIds, withIndex: false),
            [Token(owner), Milliseconds(now), Milliseconds(now + (long)lease.TotalMilliseconds), KeyExpiry(lease)],
            cancellationToken).ConfigureAwait(false);
        var claims = new DeduplicationClaim[answers.Length];
        for (var i = 0; i < answers.Length; i++)
        {
            claims[i] = (DeduplicationClaim)(int)answers[i];
        }

        return claims;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        Validate(consumerGroup, messageIds, owner, lease);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return [];
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var answers = await EvaluateAsync(
            RedisDeduplicationScripts.Renew,
            KeysOf(consumerGroup, messageIds, withIndex: false),
            [Token(owner), Milliseconds(now + (long)lease.TotalMilliseconds), KeyExpiry(lease)],
            cancellationToken).ConfigureAwait(false);
        return ToBooleans(answers);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        Validate(consumerGroup, messageIds, owner);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return [];
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var answers = await EvaluateAsync(
            RedisDeduplicationScripts.Mark,
            KeysOf(consumerGroup, messageIds, withIndex: true),
            [Token(owner), Milliseconds(now)],
            cancellationToken).ConfigureAwait(false);
        return ToBooleans(answers);
    }

    /// <inheritdoc/>
    public async Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        Validate(consumerGroup, messageIds, owner);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return;
        }

        await EvaluateAsync(RedisDeduplicationScripts.Release, KeysOf(consumerGroup, messageIds, withIndex: false), [Token(owner)], cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var cutoff = Milliseconds(olderThan.ToUnixTimeMilliseconds());
        var removed = 0;

        // In batches, so one purge of a large backlog never holds the server for long.
        while (true)
        {
            var answer = await EvaluateAsync(RedisDeduplicationScripts.Purge, [processedIndex], [cutoff, PurgeBatch], cancellationToken).ConfigureAwait(false);
            removed += (int)answer[0];
            if ((int)answer[1] < PurgeBatch)
            {
                return removed;
            }
        }
    }

    /// <summary>Closes the store's own connection (not one given to the constructor).</summary>
    public async ValueTask DisposeAsync()
    {
        if (ownsConnection && connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            await connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the store's own connection (not one given to the constructor).</summary>
    public void Dispose()
    {
        if (ownsConnection && connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            connection.Value.Result.Dispose();
        }
    }

    private async Task<RedisResult[]> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        var multiplexer = await connection.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var result = await multiplexer.GetDatabase(database).ScriptEvaluateAsync(script, keys, arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (RedisResult[])result!;
    }

    // The group's length first, so no group and ID pair can spell another pair's key.
    private RedisKey[] KeysOf(string consumerGroup, IReadOnlyList<string> messageIds, bool withIndex)
    {
        var offset = withIndex ? 1 : 0;
        var keys = new RedisKey[messageIds.Count + offset];
        if (withIndex)
        {
            keys[0] = processedIndex;
        }

        var groupPart = keyPrefix + consumerGroup.Length.ToString(CultureInfo.InvariantCulture) + ":" + consumerGroup + ":";
        for (var i = 0; i < messageIds.Count; i++)
        {
            keys[i + offset] = groupPart + messageIds[i];
        }

        return keys;
    }

    private RedisValue KeyExpiry(TimeSpan lease) => (long)Math.Ceiling((lease + abandonedClaimExpiry).TotalMilliseconds);

    private static RedisValue Token(Guid owner) => owner.ToString("N");

    private static RedisValue Milliseconds(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool[] ToBooleans(RedisResult[] answers)
    {
        var values = new bool[answers.Length];
        for (var i = 0; i < answers.Length; i++)
        {
            values[i] = (int)answers[i] == 1;
        }

        return values;
    }

    private static void Validate(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease)
    {
        Validate(consumerGroup, messageIds, owner);
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A claim's lease must be longer than zero.");
        }
    }

    // The checks the core's stores make, so they fail alike: every argument before anything is written.
    private static void Validate(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(messageIds);
        for (var i = 0; i < messageIds.Count; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(messageIds[i], nameof(messageIds));
        }

        if (owner == Guid.Empty)
        {
            throw new ArgumentException("A claim's owner token must not be Guid.Empty: make one per claim call with Guid.NewGuid().", nameof(owner));
        }
    }

    private static Func<Task<IConnectionMultiplexer>> Known(IConnectionMultiplexer connection) => () => Task.FromResult(connection);
}
