using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace MessageContracts;

/// <summary>
/// Reads the CloudEvents binary-mode headers of a received record. A record whose envelope is missing or
/// malformed cannot be deduplicated or dispatched, so the reason is returned for the dead-letter topic.
/// </summary>
internal static class EnvelopeReader
{
    // Strict: a header that is not valid UTF-8 reads as missing rather than as replacement characters.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryRead(Headers? headers, out InboundEnvelope envelope, out string? reason)
    {
        envelope = default;
        if (headers is null || headers.Count == 0)
        {
            reason = "The record has no headers: a message needs the CloudEvents headers ce_specversion, ce_id and ce_type.";
            return false;
        }

        var specVersion = LastString(headers, MessageHeaders.SpecVersion);
        if (specVersion != MessageHeaders.SpecVersionValue)
        {
            reason = specVersion is null
                ? "The record has no ce_specversion header (expected \"1.0\")."
                : $"The record's ce_specversion is \"{specVersion}\"; only \"1.0\" is supported.";
            return false;
        }

        var id = LastString(headers, MessageHeaders.Id);
        if (string.IsNullOrWhiteSpace(id))
        {
            reason = "The record has no ce_id header, so it cannot be deduplicated.";
            return false;
        }

        var type = LastString(headers, MessageHeaders.Type);
        if (string.IsNullOrWhiteSpace(type))
        {
            reason = "The record has no ce_type header, so no handler can be chosen for it.";
            return false;
        }

        var contentType = LastString(headers, MessageHeaders.ContentType);
        if (contentType is not null && !IsJson(contentType))
        {
            reason = $"The record's content-type is \"{contentType}\"; only application/json is supported.";
            return false;
        }

        DateTimeOffset? time = null;
        var timeText = LastString(headers, MessageHeaders.Time);
        if (timeText is not null)
        {
            if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
            {
                reason = $"The record's ce_time \"{timeText}\" is not an RFC 3339 timestamp.";
                return false;
            }

            time = parsed;
        }

        // A malformed traceparent only loses the trace link; it is no reason to reject the message.
        var traceContext = default(ActivityContext);
        var traceParent = LastString(headers, MessageHeaders.TraceParent);
        if (traceParent is not null)
        {
            ActivityContext.TryParse(traceParent, LastString(headers, MessageHeaders.TraceState), out traceContext);
        }

        envelope = new InboundEnvelope(id, type, LastString(headers, MessageHeaders.Source), time, traceContext);
        reason = null;
        return true;
    }

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.AsSpan();
        var parameters = mediaType.IndexOf(';');
        if (parameters >= 0)
        {
            mediaType = mediaType[..parameters];
        }

        return mediaType.Trim().Equals(MessageHeaders.JsonContentType, StringComparison.OrdinalIgnoreCase);
    }

    private static string? LastString(Headers headers, string key)
    {
        if (!headers.TryGetLastBytes(key, out var bytes) || bytes is null)
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
