using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// How a message is laid out in a stream entry: every header (the CloudEvents attributes <c>ce_id</c>, <c>ce_type</c>,
/// <c>ce_source</c>, ..., <c>traceparent</c>, and the <c>mc_dlt_*</c> reasons of a dead letter) as a field of its own
/// name, in order, then the ordering key as <c>partitionkey</c> (CloudEvents' partitioning attribute) when there is one,
/// then the body as <c>data</c>.
/// </summary>
internal static class StreamFields
{
    public const string Data = "data";
    public const string PartitionKey = "partitionkey";

    // The names the toolkit writes, in the order it writes them, with their bytes: an entry's field names are matched by
    // their bytes instead of each being decoded to a new string (eight strings per message read).
    private static readonly (byte[] Utf8, string Name)[] KnownNames =
    [
        .. new[]
        {
            MessageHeaders.SpecVersion, MessageHeaders.Id, MessageHeaders.Type, MessageHeaders.Source, MessageHeaders.Time,
            MessageHeaders.ContentType, MessageHeaders.TraceParent, MessageHeaders.TraceState, PartitionKey, Data,
        }.Select(name => (System.Text.Encoding.UTF8.GetBytes(name), name)),
    ];

    public static NameValueEntry[] ToEntry(in OutboundMessage message)
    {
        var headers = message.Headers;
        var count = headers.Count + (message.Key is null ? 1 : 2);
        var fields = new NameValueEntry[count];
        var i = 0;
        for (; i < headers.Count; i++)
        {
            // Redis has no null value: a header without one travels empty.
            fields[i] = new NameValueEntry(headers.KeyAt(i), headers.ValueAt(i) ?? []);
        }

        if (message.Key is { } key)
        {
            fields[i++] = new NameValueEntry(PartitionKey, key);
        }

        fields[i] = new NameValueEntry(Data, message.Body);
        return fields;
    }

    /// <summary>The record of an entry read from <paramref name="source"/>: its fields but <c>data</c> and <c>partitionkey</c> are its headers.</summary>
    public static InboundRecord ToRecord(string source, StreamEntry entry)
    {
        byte[]? key = null;
        byte[]? value = null;
        var headers = new TransportHeaderList(entry.Values.Length);
        foreach (var field in entry.Values)
        {
            var name = NameOf(field.Name);
            if (name == Data)
            {
                value = (byte[]?)field.Value;
            }
            else if (name == PartitionKey)
            {
                key = (byte[]?)field.Value;
            }
            else
            {
                headers.Add(name, (byte[]?)field.Value);
            }
        }

        return new InboundRecord(source, 0, RedisStreamIds.ToPosition(entry.Id), key, value, headers.Count > 0 ? headers : null);
    }

    private static string NameOf(RedisValue name)
    {
        var bytes = ((ReadOnlyMemory<byte>)name).Span;
        foreach (var (utf8, known) in KnownNames)
        {
            if (bytes.SequenceEqual(utf8))
            {
                return known;
            }
        }

        return (string?)name ?? string.Empty;
    }
}
