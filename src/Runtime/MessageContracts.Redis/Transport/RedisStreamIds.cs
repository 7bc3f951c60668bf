using System.Globalization;

namespace MessageContracts.Redis;

/// <summary>
/// A stream entry ID (<c>&lt;ms&gt;-&lt;seq&gt;</c>) as the one number the seam's <see cref="InboundRecord.Position"/> and
/// <see cref="TransportDelivery.Position"/> hold: the milliseconds shifted left by 22 bits, plus the sequence number.
/// Ordered like the IDs, and decodable for a dead letter's original offset, for sequence numbers below 4,194,304 (one
/// millisecond's entries of one stream) and times before the year 2109.
/// </summary>
internal static class RedisStreamIds
{
    private const int SequenceBits = 22;
    private const long SequenceMask = (1L << SequenceBits) - 1;

    public static long ToPosition(string? id)
    {
        if (id is null)
        {
            return -1;
        }

        var dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0
            || !long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return -1;
        }

        return (milliseconds << SequenceBits) | Math.Min(sequence, SequenceMask);
    }

    public static string FromPosition(long position) =>
        string.Create(CultureInfo.InvariantCulture, $"{position >> SequenceBits}-{position & SequenceMask}");
}
