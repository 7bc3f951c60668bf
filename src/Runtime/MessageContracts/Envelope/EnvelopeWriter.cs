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

    public static Headers Create(string messageId, string messageType, string source, DateTimeOffset time, Activity? activity)
    {
        var headers = new Headers
        {
            { MessageHeaders.SpecVersion, SpecVersionBytes },
            { MessageHeaders.Id, Encoding.UTF8.GetBytes(messageId) },
            { MessageHeaders.Type, Encoding.UTF8.GetBytes(messageType) },
            { MessageHeaders.Source, Encoding.UTF8.GetBytes(source) },
            { MessageHeaders.Time, Encoding.UTF8.GetBytes(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)) },
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
}
