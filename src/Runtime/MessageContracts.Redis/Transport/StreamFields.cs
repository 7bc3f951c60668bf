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
            var name = (string?)field.Name ?? string.Empty;
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
}
