using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MessageContracts;

/// <summary>Writes the CloudEvents binary-mode headers and W3C trace context of an outgoing record.</summary>
internal static class EnvelopeWriter
{
    public static EnvelopeHeaders Create(string messageId, string messageType, string source, DateTimeOffset time, Activity? activity) =>
        Create(messageId, new EnvelopeConstants(messageType, source), time, activity);

    /// <summary>
    /// The headers of one record. <paramref name="constants"/> are a producer's, built once and shared by its records.
    /// </summary>
    public static EnvelopeHeaders Create(string messageId, EnvelopeConstants constants, DateTimeOffset time, Activity? activity)
    {
        byte[]? traceParent = null, traceState = null;
        if (activity is not null)
        {
            traceParent = Encoding.UTF8.GetBytes(activity.Id!);
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                traceState = Encoding.UTF8.GetBytes(activity.TraceStateString);
            }
        }

        return new EnvelopeHeaders(constants, Encoding.UTF8.GetBytes(messageId), FormatTime(time), traceParent, traceState);
    }

    /// <summary>
    /// RFC 3339 in UTC with seven fractional digits (<c>2026-11-25T10:30:15.1230000Z</c>), written straight to UTF-8:
    /// the round-trip format "O" of a UTC <see cref="DateTime"/> is exactly that, without an intermediate string.
    /// </summary>
    private static byte[] FormatTime(DateTimeOffset time)
    {
        Span<byte> utf8 = stackalloc byte[32];
        return time.UtcDateTime.TryFormat(utf8, out var written, "O", CultureInfo.InvariantCulture)
            ? utf8[..written].ToArray()
            : Encoding.UTF8.GetBytes(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
    }
}
