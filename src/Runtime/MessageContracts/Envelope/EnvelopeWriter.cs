using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace MessageContracts;

/// <summary>Writes the CloudEvents binary-mode headers and W3C trace context of an outgoing record.</summary>
internal static class EnvelopeWriter
{
    private static readonly byte[] SpecVersionBytes = Encoding.UTF8.GetBytes(MessageHeaders.SpecVersionValue);
    private static readonly byte[] JsonContentTypeBytes = Encoding.UTF8.GetBytes(MessageHeaders.JsonContentType);

    public static Headers Create(string messageId, string messageType, string source, DateTimeOffset time, Activity? activity) =>
        Create(messageId, Encoding.UTF8.GetBytes(messageType), Encoding.UTF8.GetBytes(source), time, activity);

    /// <summary>
    /// The headers of one record. <paramref name="messageTypeUtf8"/> and <paramref name="sourceUtf8"/> are a producer's
    /// constants encoded once: Confluent.Kafka copies header values into librdkafka while producing and never writes
    /// to them, so one array can serve every record (as the spec version and content type do).
    /// </summary>
    public static Headers Create(string messageId, byte[] messageTypeUtf8, byte[] sourceUtf8, DateTimeOffset time, Activity? activity)
    {
        var headers = new Headers
        {
            { MessageHeaders.SpecVersion, SpecVersionBytes },
            { MessageHeaders.Id, Encoding.UTF8.GetBytes(messageId) },
            { MessageHeaders.Type, messageTypeUtf8 },
            { MessageHeaders.Source, sourceUtf8 },
            { MessageHeaders.Time, FormatTime(time) },
            { MessageHeaders.ContentType, JsonContentTypeBytes },
        };

        if (activity is not null)
        {
            headers.Add(MessageHeaders.TraceParent, Encoding.UTF8.GetBytes(activity.Id!));
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                headers.Add(MessageHeaders.TraceState, Encoding.UTF8.GetBytes(activity.TraceStateString));
            }
        }

        return headers;
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
