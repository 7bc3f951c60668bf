namespace MessageContracts;

/// <summary>What <see cref="IOutboxBacklog.GetBacklogAsync"/> found: the unsent rows and the oldest one's creation time.</summary>
public sealed class OutboxBacklog
{
    /// <summary>Creates the answer of a backlog query.</summary>
    /// <param name="unsentCount">How many committed rows are not marked sent.</param>
    /// <param name="oldestUnsentCreatedAt">The <see cref="OutboxMessage.CreatedAt"/> of the oldest of them; null when there are none.</param>
    public OutboxBacklog(long unsentCount, DateTimeOffset? oldestUnsentCreatedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unsentCount);
        UnsentCount = unsentCount;
        OldestUnsentCreatedAt = unsentCount == 0 ? null : oldestUnsentCreatedAt;
    }

    /// <summary>How many committed rows are not marked sent.</summary>
    public long UnsentCount { get; }

    /// <summary>When the oldest unsent row was enqueued; null when there is none.</summary>
    public DateTimeOffset? OldestUnsentCreatedAt { get; }

    /// <summary>How long the oldest unsent row has waited at <paramref name="now"/>; zero when there is none.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The age, never negative.</returns>
    public TimeSpan OldestAge(DateTimeOffset now) =>
        OldestUnsentCreatedAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}
