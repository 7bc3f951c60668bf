using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MessageContracts;

/// <summary>
/// Reads the CloudEvents binary-mode headers of a received record. A record whose envelope is missing or
/// malformed, or over one of the consumer's limits (<see cref="EnvelopeLimits"/>), cannot be deduplicated or dispatched,
/// so the reason is returned for the dead-letter topic.
/// </summary>
internal static class EnvelopeReader
{
    // Strict: a header that is not valid UTF-8 reads as missing rather than as replacement characters.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] SpecVersionUtf8 = Encoding.UTF8.GetBytes(MessageHeaders.SpecVersionValue);
    private static readonly byte[] JsonContentTypeUtf8 = Encoding.UTF8.GetBytes(MessageHeaders.JsonContentType);

    // The last ce_type and ce_source this thread decoded (see LastStringReused).
    [ThreadStatic]
    private static DecodedHeader? lastType;

    [ThreadStatic]
    private static DecodedHeader? lastSource;

    /// <summary>Reads the envelope within the default limits.</summary>
    public static bool TryRead(TransportHeaders? headers, out InboundEnvelope envelope, out string? reason) =>
        TryRead(headers, EnvelopeLimits.Default, out envelope, out reason);

    public static bool TryRead(TransportHeaders? headers, in EnvelopeLimits limits, out InboundEnvelope envelope, out string? reason)
    {
        envelope = default;
        if (headers is null || headers.Count == 0)
        {
            reason = "The record has no headers: a message needs the CloudEvents headers ce_specversion, ce_id and ce_type.";
            return false;
        }

        // First the sizes: nothing of an oversized header is decoded, logged or written to a store.
        reason = limits.SizeProblem(headers);
        if (reason is not null)
        {
            return false;
        }

        // The usual values are compared as bytes; only an unusual one is decoded, for the check and the message.
        if (!LastBytesEqual(headers, MessageHeaders.SpecVersion, SpecVersionUtf8)
            && LastString(headers, MessageHeaders.SpecVersion) is var specVersion && specVersion != MessageHeaders.SpecVersionValue)
        {
            reason = specVersion is null
                ? "The record has no ce_specversion header (expected \"1.0\")."
                : $"The record's ce_specversion is \"{specVersion}\"; only \"1.0\" is supported.";
            return false;
        }

        if (!headers.TryGetLast(MessageHeaders.Id, out var idBytes) || idBytes is null)
        {
            reason = "The record has no ce_id header, so it cannot be deduplicated.";
            return false;
        }

        reason = IdProblem(idBytes, limits.MaxMessageIdBytes);
        if (reason is not null)
        {
            return false;
        }

        // Printable ASCII, checked above: every byte is one character.
        var id = Encoding.ASCII.GetString(idBytes);

        var type = LastStringReused(headers, MessageHeaders.Type, ref lastType);
        if (string.IsNullOrWhiteSpace(type))
        {
            reason = "The record has no ce_type header, so no handler can be chosen for it.";
            return false;
        }

        if (!LastBytesEqual(headers, MessageHeaders.ContentType, JsonContentTypeUtf8)
            && LastString(headers, MessageHeaders.ContentType) is { } contentType && !IsJson(contentType))
        {
            reason = $"The record's content-type is \"{contentType}\"; only application/json is supported.";
            return false;
        }

        DateTimeOffset? time = null;
        if (headers.TryGetLast(MessageHeaders.Time, out var timeBytes) && timeBytes is not null
            && Utf8Parser.TryParse(timeBytes, out DateTimeOffset roundTrip, out var consumed, 'O') && consumed == timeBytes.Length)
        {
            // The round-trip form this toolkit writes, read straight from UTF-8; anything else goes the general way.
            time = roundTrip;
        }
        else if (LastString(headers, MessageHeaders.Time) is { } timeText)
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

        envelope = new InboundEnvelope(id, type, LastStringReused(headers, MessageHeaders.Source, ref lastSource), time, traceContext);
        reason = null;
        return true;
    }

    /// <summary>
    /// Why the <c>ce_id</c> bytes are not a usable message ID (<see cref="MessageIdRules"/>, with the consumer's length
    /// limit), or null. A blank ID is refused too: it is valid printable ASCII, but no producer means it.
    /// </summary>
    private static string? IdProblem(byte[] id, int maxBytes)
    {
        if (id.AsSpan().IndexOfAnyExcept((byte)' ') < 0)
        {
            return "The record's ce_id is empty, so it cannot be deduplicated.";
        }

        if (id.Length > maxBytes)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The record's ce_id is {id.Length:N0} bytes long; a message ID may have at most {maxBytes:N0} bytes (MessageContractsOptions.{nameof(MessageContractsOptions.MaxMessageIdBytes)}).");
        }

        return MessageIdRules.FindProblem(id, maxBytes) is { } problem
            ? $"The record's ce_id is not a usable message ID: {problem}."
            : null;
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

    /// <summary>
    /// As <see cref="LastString"/>, but a value equal to the one this thread read last for the same header is not decoded
    /// again: the string read then is reused. <c>ce_type</c> and <c>ce_source</c> repeat from record to record (one
    /// contract, one producer), so this saves a string per header per record.
    /// </summary>
    private static string? LastStringReused(TransportHeaders headers, string key, ref DecodedHeader? last)
    {
        if (!headers.TryGetLast(key, out var bytes) || bytes is null)
        {
            return null;
        }

        if (last is { } previous && bytes.AsSpan().SequenceEqual(previous.Bytes))
        {
            return previous.Text;
        }

        var text = LastString(headers, key);
        if (text is not null)
        {
            // A copy: the transport owns the record's arrays.
            last = new DecodedHeader(bytes.AsSpan().ToArray(), text);
        }

        return text;
    }

    private static bool LastBytesEqual(TransportHeaders headers, string key, byte[] expected) =>
        headers.TryGetLast(key, out var bytes) && bytes is not null && bytes.AsSpan().SequenceEqual(expected);

    private static string? LastString(TransportHeaders headers, string key)
    {
        if (!headers.TryGetLast(key, out var bytes) || bytes is null)
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

    /// <summary>A header's bytes and the string they decode to.</summary>
    private sealed record DecodedHeader(byte[] Bytes, string Text);
}
