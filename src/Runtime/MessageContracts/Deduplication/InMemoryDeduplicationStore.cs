namespace MessageContracts;

/// <summary>
/// An <see cref="IDeduplicationStore"/> that keeps its entries in this process's memory.
/// <b>For tests and demos only:</b> it loses every entry when the process stops, and it cannot be shared by
/// the instances of a consumer group, so after a restart or a rebalance duplicates are no longer dropped.
/// Use <see cref="SqliteDeduplicationStore"/> (one process) or the PostgreSQL store (several instances) for anything real.
/// </summary>
/// <remarks>
/// The store is bounded twice: it holds at most <see cref="MaxEntries"/> entries, and forgets an entry once it is
/// older than <see cref="Window"/> (measured from its last change). When either bound is hit the oldest entries go first.
/// Time comes from the <see cref="TimeProvider"/> given to the constructor, so tests can move it without sleeping.
/// All members are thread-safe.
/// </remarks>
public sealed class InMemoryDeduplicationStore : IDeduplicationStore
{
    /// <summary>The number of entries kept when the constructor is not told otherwise.</summary>
    public const int DefaultMaxEntries = 100_000;

    /// <summary>How long an entry is kept when the constructor is not told otherwise: one day.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);

    private readonly TimeProvider timeProvider;
    private readonly object gate = new();

    // Entries by key, and the same entries ordered by their last change (oldest first) for eviction: each entry is its
    // own node of that order, changed in place, so a claim allocates one object and a mark none.
    private readonly Dictionary<Key, Entry> entries = [];
    private Entry? oldest;
    private Entry? newest;

    /// <summary>Creates a store that keeps <see cref="DefaultMaxEntries"/> entries for <see cref="DefaultWindow"/>.</summary>
    /// <param name="timeProvider">The clock for leases, the window and processed times; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryDeduplicationStore(TimeProvider? timeProvider = null)
        : this(DefaultMaxEntries, DefaultWindow, timeProvider)
    {
    }

    /// <summary>Creates a store with the given bounds.</summary>
    /// <param name="maxEntries">The most entries kept (claimed and processed together); the oldest are evicted first.</param>
    /// <param name="window">How long an entry is kept after its last change.</param>
    /// <param name="timeProvider">The clock for leases, the window and processed times; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryDeduplicationStore(int maxEntries, TimeSpan window, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be longer than zero.");
        }

        MaxEntries = maxEntries;
        Window = window;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The most entries this store keeps.</summary>
    public int MaxEntries { get; }

    /// <summary>How long an entry is kept after its last change.</summary>
    public TimeSpan Window { get; }

    /// <summary>The number of entries held now (claimed and processed), after forgetting those older than <see cref="Window"/>.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                EvictExpired(timeProvider.GetUtcNow());
                return entries.Count;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>All of the IDs are claimed under one lock, as one step.</remarks>
    public Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        return EachUnderOneLock(consumerGroup, messageIds, (key, now) => Claim(key, owner, now, lease), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        return EachUnderOneLock(consumerGroup, messageIds, (key, now) => Renew(key, owner, now, lease), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        return EachUnderOneLock(consumerGroup, messageIds, (key, now) => MarkProcessed(key, owner, now), cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        lock (gate)
        {
            foreach (var messageId in messageIds)
            {
                if (entries.TryGetValue(new Key(consumerGroup, messageId), out var entry) && !entry.Processed && entry.Owner == owner)
                {
                    Remove(entry);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<int>(cancellationToken);
        }

        lock (gate)
        {
            var removed = 0;
            var cutoff = olderThan.UtcTicks;
            var entry = oldest;
            while (entry is not null)
            {
                var next = entry.Newer;
                if (entry.Processed && entry.ChangedAt < cutoff)
                {
                    Remove(entry);
                    removed++;
                }

                entry = next;
            }

            return Task.FromResult(removed);
        }
    }

    /// <summary>
    /// Applies <paramref name="apply"/> to each of <paramref name="messageIds"/> under one lock, at one "now", after
    /// forgetting the expired entries: a set call is one step, as the SQL stores' one transaction is.
    /// </summary>
    private Task<IReadOnlyList<T>> EachUnderOneLock<T>(
        string consumerGroup, IReadOnlyList<string> messageIds, Func<Key, DateTimeOffset, T> apply, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<T>>(cancellationToken);
        }

        var results = new T[messageIds.Count];
        lock (gate)
        {
            var now = timeProvider.GetUtcNow();
            EvictExpired(now);
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = apply(new Key(consumerGroup, messageIds[i]), now);
            }
        }

        return Task.FromResult<IReadOnlyList<T>>(results);
    }

    private bool Renew(Key key, Guid owner, DateTimeOffset now, TimeSpan lease)
    {
        if (!entries.TryGetValue(key, out var entry) || entry.Processed || entry.Owner != owner)
        {
            return false;
        }

        entry.LeaseExpiresAt = (now + lease).UtcTicks;
        Touch(entry, now);
        return true;
    }

    private bool MarkProcessed(Key key, Guid owner, DateTimeOffset now)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            if (entry.Processed)
            {
                return true;
            }

            if (entry.Owner != owner && entry.LeaseExpiresAt > now.UtcTicks)
            {
                // Another owner holds it now (this owner's claim was taken over): its outcome counts.
                return false;
            }

            entry.Processed = true;
            entry.Owner = Guid.Empty;
            entry.LeaseExpiresAt = DateTimeOffset.MinValue.UtcTicks;
            Touch(entry, now);
            return true;
        }

        // Recorded also without a claim of this owner, as long as nobody else holds one: the outcome is final.
        Add(new Entry(key) { Processed = true, Owner = Guid.Empty, LeaseExpiresAt = DateTimeOffset.MinValue.UtcTicks, ChangedAt = now.UtcTicks });
        return true;
    }

    private DeduplicationClaim Claim(Key key, Guid owner, DateTimeOffset now, TimeSpan lease)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            if (entry.Processed)
            {
                return DeduplicationClaim.AlreadyProcessed;
            }

            if (entry.LeaseExpiresAt > now.UtcTicks)
            {
                return DeduplicationClaim.ClaimedElsewhere;
            }

            // The holder's lease ran out (it died or stalled): the claim passes to this owner.
            entry.Owner = owner;
            entry.LeaseExpiresAt = (now + lease).UtcTicks;
            Touch(entry, now);
            return DeduplicationClaim.Claimed;
        }

        Add(new Entry(key) { Owner = owner, LeaseExpiresAt = (now + lease).UtcTicks, ChangedAt = now.UtcTicks });
        return DeduplicationClaim.Claimed;
    }

    private void Add(Entry entry)
    {
        entries.Add(entry.Key, entry);
        Append(entry);
        while (entries.Count > MaxEntries)
        {
            Remove(oldest!);
        }
    }

    /// <summary>Records a change of <paramref name="entry"/> at <paramref name="now"/>: it becomes the newest.</summary>
    private void Touch(Entry entry, DateTimeOffset now)
    {
        entry.ChangedAt = now.UtcTicks;
        Unlink(entry);
        Append(entry);
    }

    private void Remove(Entry entry)
    {
        entries.Remove(entry.Key);
        Unlink(entry);
    }

    private void Append(Entry entry)
    {
        entry.Older = newest;
        entry.Newer = null;
        if (newest is null)
        {
            oldest = entry;
        }
        else
        {
            newest.Newer = entry;
        }

        newest = entry;
    }

    private void Unlink(Entry entry)
    {
        if (entry.Older is null)
        {
            oldest = entry.Newer;
        }
        else
        {
            entry.Older.Newer = entry.Newer;
        }

        if (entry.Newer is null)
        {
            newest = entry.Older;
        }
        else
        {
            entry.Newer.Older = entry.Older;
        }

        entry.Older = null;
        entry.Newer = null;
    }

    private void EvictExpired(DateTimeOffset now)
    {
        var cutoff = (now - Window).UtcTicks;
        while (oldest is { } entry && entry.ChangedAt <= cutoff)
        {
            Remove(entry);
        }
    }

    private readonly record struct Key(string ConsumerGroup, string MessageId);

    /// <summary>
    /// One ID's state, and its place in the order of last changes. Times are UTC ticks. A processed entry has its
    /// processed time in <see cref="ChangedAt"/>; a claimed one, the time of the claim or its last renewal.
    /// </summary>
    private sealed class Entry(Key key)
    {
        public Key Key { get; } = key;

        public bool Processed { get; set; }

        public Guid Owner { get; set; }

        public long LeaseExpiresAt { get; set; }

        public long ChangedAt { get; set; }

        // The neighbours in the order of last changes (null at either end).
        public Entry? Older { get; set; }

        public Entry? Newer { get; set; }
    }
}
