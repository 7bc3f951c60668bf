namespace MessageContracts.RabbitMQ.Publishing;

/// <summary>
/// The deadlines of publishes, shared by the publishes that start within the same short slice of time: each slice has
/// one token, cancelled <c>timeout + slice</c> after the slice began, so every publish of the slice gets at least
/// <c>timeout</c> and at most one slice more. A token of its own per publish cost a cancellation source, a timer and
/// their registrations per message, all alive until the broker's confirmation: with thousands of publishes
/// outstanding they outlived the young generation and were promoted.
/// </summary>
/// <remarks>
/// A slice's source is never disposed: its timer fires once, <c>timeout + slice</c> after it was made, and then nothing
/// holds it. At most <c>timeout / slice + 1</c> of them are pending at a time.
/// </remarks>
internal sealed class PublishDeadlines
{
    /// <summary>The longest slice; shorter for a short timeout (a tenth of it), so a deadline is never much later.</summary>
    private static readonly TimeSpan LongestSlice = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan timeout;
    private readonly TimeSpan slice;
    private readonly long sliceTimestamps;
    private readonly TimeProvider clock;
    private Slice? current;

    /// <param name="timeout">The shortest time a publish is given.</param>
    /// <param name="clock">The clock of the deadlines (the system's unless a test steps one).</param>
    public PublishDeadlines(TimeSpan timeout, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        this.timeout = timeout;
        this.clock = clock ?? TimeProvider.System;
        slice = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, Math.Min(LongestSlice.Ticks, timeout.Ticks / 10)));
        sliceTimestamps = Math.Max(1, (long)(slice.TotalSeconds * this.clock.TimestampFrequency));
    }

    /// <summary>A token cancelled no sooner than the timeout from now, and at most one slice later than that.</summary>
    public CancellationToken Next()
    {
        while (true)
        {
            var now = clock.GetTimestamp();
            var seen = Volatile.Read(ref current);
            if (seen is not null && now < seen.EndsAt)
            {
                return seen.Deadline.Token;
            }

            var fresh = new Slice(now + sliceTimestamps, new CancellationTokenSource(timeout + slice, clock));
            if (ReferenceEquals(Interlocked.CompareExchange(ref current, fresh, seen), seen))
            {
                return fresh.Deadline.Token;
            }

            // Another publish began a slice first: look again (its slice may have ended meanwhile too).
            fresh.Deadline.Dispose();
        }
    }

    private sealed record Slice(long EndsAt, CancellationTokenSource Deadline);
}
