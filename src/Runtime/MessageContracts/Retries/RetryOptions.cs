namespace MessageContracts;

/// <summary>
/// How a failing handler is retried in process before its record goes to the dead-letter topic. Retries block
/// the partition (later records of the same key wait), which keeps per-key order; see docs/reliability.md.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Attempts in total, the first included. Defaults to 3; 1 means no retry.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The pause before the first retry; it doubles for every further one. Defaults to 200 ms.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between two attempts. Defaults to 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Randomises each pause between half and all of its nominal length, so instances that failed together do
    /// not retry together. Defaults to <see langword="true"/>.
    /// </summary>
    public bool UseJitter { get; set; } = true;

    internal RetryOptions Clone() => new()
    {
        MaxAttempts = MaxAttempts,
        InitialDelay = InitialDelay,
        MaxDelay = MaxDelay,
        UseJitter = UseJitter,
    };

    /// <summary>The pause after failed attempt number <paramref name="attempt"/> (1-based).</summary>
    internal TimeSpan DelayAfter(int attempt, Random random)
    {
        var nominal = InitialDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = (long)Math.Min(nominal, MaxDelay.Ticks);
        if (!UseJitter || capped <= 1)
        {
            return TimeSpan.FromTicks(capped);
        }

        // "Equal jitter": half fixed, half random, so a retry never comes sooner than half the nominal pause.
        var half = capped / 2;
        return TimeSpan.FromTicks(half + random.NextInt64(capped - half + 1));
    }
}
