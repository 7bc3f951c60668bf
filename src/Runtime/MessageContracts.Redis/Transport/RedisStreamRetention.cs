using System.Globalization;

namespace MessageContracts.Redis;

/// <summary>
/// How much of a stream Redis keeps: trimmed on every <c>XADD</c>, approximately (<c>~</c>, whole macro nodes at a time,
/// which is what keeps trimming cheap). Redis trims regardless of consumer groups: an entry a slow group has not read yet
/// is gone once trimmed, so keep more than the longest backlog you plan for.
/// </summary>
public sealed class RedisStreamRetention
{
    private RedisStreamRetention(long? maxLength, TimeSpan? maxAge)
    {
        MaxLength = maxLength;
        MaxAge = maxAge;
    }

    /// <summary>Nothing is trimmed: the stream grows until something else (<c>XTRIM</c>, <c>DEL</c>) removes entries.</summary>
    public static RedisStreamRetention None { get; } = new(null, null);

    /// <summary>The retention when none is set: <c>MAXLEN ~ 1,000,000</c> entries per stream.</summary>
    public static RedisStreamRetention Default { get; } = new(1_000_000, null);

    /// <summary>Keeps about the last <paramref name="entries"/> entries (<c>XADD ... MAXLEN ~ entries</c>).</summary>
    /// <param name="entries">How many entries to keep, at least 1.</param>
    /// <returns>The retention.</returns>
    public static RedisStreamRetention Entries(long entries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, 1);
        return new(entries, null);
    }

    /// <summary>
    /// Keeps the entries added in about the last <paramref name="age"/> (<c>XADD ... MINID ~ &lt;now - age&gt;</c>; an
    /// entry ID starts with the Unix milliseconds of its XADD, on the server's clock).
    /// </summary>
    /// <param name="age">How long to keep an entry, longer than zero.</param>
    /// <returns>The retention.</returns>
    public static RedisStreamRetention Age(TimeSpan age)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero);
        return new(null, age);
    }

    /// <summary>The approximate number of entries kept, or null when trimming is not by length.</summary>
    public long? MaxLength { get; }

    /// <summary>The approximate age of the oldest entry kept, or null when trimming is not by age.</summary>
    public TimeSpan? MaxAge { get; }

    /// <summary>As the <c>XADD</c> trimming argument reads: <c>MAXLEN ~ 1000</c>, <c>MINID ~ now-1.00:00:00</c> or <c>none</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        MaxLength is { } length ? string.Create(CultureInfo.InvariantCulture, $"MAXLEN ~ {length}")
        : MaxAge is { } age ? string.Create(CultureInfo.InvariantCulture, $"MINID ~ now-{age}")
        : "none";
}
