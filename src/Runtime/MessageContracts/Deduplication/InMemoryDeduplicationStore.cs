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

    // Entries by key, and the same entries ordered by their last change (oldest first) for eviction.
    private readonly Dictionary<Key, LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> byAge = new();

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
                if (entries.TryGetValue(new Key(consumerGroup, messageId), out var node) && !node.Value.Processed && node.Value.Owner == owner)
                {
                    Remove(node);
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
            var node = byAge.First;
            while (node is not null)
            {
                var next = node.Next;
                if (node.Value.Processed && node.Value.ChangedAt < olderThan)
                {
                    Remove(node);
                    removed++;
                }

                node = next;
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
        if (!entries.TryGetValue(key, out var node) || node.Value.Processed || node.Value.Owner != owner)
        {
            return false;
        }

        Remove(node);
        Add(node.Value with { LeaseExpiresAt = now + lease, ChangedAt = now });
        return true;
    }

    private bool MarkProcessed(Key key, Guid owner, DateTimeOffset now)
    {
        if (entries.TryGetValue(key, out var node))
        {
            var entry = node.Value;
            if (entry.Processed)
            {
                return true;
            }

            if (entry.Owner != owner && entry.LeaseExpiresAt > now)
            {
                // Another owner holds it now (this owner's claim was taken over): its outcome counts.
                return false;
            }

            Remove(node);
        }

        // Recorded also without a claim of this owner, as long as nobody else holds one: the outcome is final.
        Add(new Entry(key, Processed: true, Owner: Guid.Empty, LeaseExpiresAt: DateTimeOffset.MinValue, ChangedAt: now));
        return true;
    }

    private DeduplicationClaim Claim(Key key, Guid owner, DateTimeOffset now, TimeSpan lease)
    {
        if (entries.TryGetValue(key, out var node))
        {
            var entry = node.Value;
            if (entry.Processed)
            {
                return DeduplicationClaim.AlreadyProcessed;
            }

            if (entry.LeaseExpiresAt > now)
            {
                return DeduplicationClaim.ClaimedElsewhere;
            }

            // The holder's lease ran out (it died or stalled): the claim passes to this owner.
            Remove(node);
        }

        Add(new Entry(key, Processed: false, owner, LeaseExpiresAt: now + lease, ChangedAt: now));
        return DeduplicationClaim.Claimed;
    }

    private void Add(Entry entry)
    {
        entries.Add(entry.Key, byAge.AddLast(entry));
        while (entries.Count > MaxEntries)
        {
            Remove(byAge.First!);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        entries.Remove(node.Value.Key);
        byAge.Remove(node);
    }

    private void EvictExpired(DateTimeOffset now)
    {
        var cutoff = now - Window;
        while (byAge.First is { } oldest && oldest.Value.ChangedAt <= cutoff)
        {
            Remove(oldest);
        }
    }

    private readonly record struct Key(string ConsumerGroup, string MessageId);

    // A processed entry has its processed time in ChangedAt; a claimed one, the time of the claim or its last renewal.
    private sealed record Entry(Key Key, bool Processed, Guid Owner, DateTimeOffset LeaseExpiresAt, DateTimeOffset ChangedAt);
}
