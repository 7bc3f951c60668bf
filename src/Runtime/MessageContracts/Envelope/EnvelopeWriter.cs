using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace MessageContracts;

/// <summary>Writes the CloudEvents binary-mode headers and W3C trace context of an outgoing record.</summary>
internal static class EnvelopeWriter
{
    // A Header is immutable (a key and the array it returns), and Confluent.Kafka copies header values into librdkafka
    // while producing and never writes to them: so the constant headers are one object each, shared by every record.
    private static readonly Header SpecVersionHeader = new(MessageHeaders.SpecVersion, Encoding.UTF8.GetBytes(MessageHeaders.SpecVersionValue));
    private static readonly Header JsonContentTypeHeader = new(MessageHeaders.ContentType, Encoding.UTF8.GetBytes(MessageHeaders.JsonContentType));

    /// <summary>The <c>ce_type</c> header of <paramref name="messageType"/>, to build once per producer.</summary>
    public static Header TypeHeader(string messageType) => new(MessageHeaders.Type, Encoding.UTF8.GetBytes(messageType));

    /// <summary>The <c>ce_source</c> header of <paramref name="source"/>, to build once per producer.</summary>
    public static Header SourceHeader(string source) => new(MessageHeaders.Source, Encoding.UTF8.GetBytes(source));

    public static Headers Create(string messageId, string messageType, string source, DateTimeOffset time, Activity? activity) =>
        Create(messageId, TypeHeader(messageType), SourceHeader(source), time, activity);

    /// <summary>
    /// The headers of one record. <paramref name="typeHeader"/> and <paramref name="sourceHeader"/> are a producer's
    /// constants (<see cref="TypeHeader"/>, <see cref="SourceHeader"/>), built once and shared by its records.
    /// </summary>
    public static Headers Create(string messageId, Header typeHeader, Header sourceHeader, DateTimeOffset time, Activity? activity)
    {
        var headers = new Headers
        {
            SpecVersionHeader,
            { MessageHeaders.Id, Encoding.UTF8.GetBytes(messageId) },
            typeHeader,
            sourceHeader,
            { MessageHeaders.Time, FormatTime(time) },
            JsonContentTypeHeader,
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
