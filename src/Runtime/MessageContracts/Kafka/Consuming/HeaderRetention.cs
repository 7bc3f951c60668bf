using Confluent.Kafka;
using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// Copies a consumed record's Confluent headers into <see cref="RetainedHeaders"/> on the poll thread, so that the
/// record's <c>Header</c> objects and key strings die young (see <see cref="FetchedRecord"/>). One per consumer; not
/// thread-safe (the poll loop is its only caller).
/// </summary>
/// <remarks>
/// Records of one producer carry the same header keys in the same order, and four of the six envelope values
/// (<c>ce_specversion</c>, <c>ce_type</c>, <c>ce_source</c>, <c>content-type</c>) repeat from record to record. The last
/// layout's key array is reused while the keys match, and a value equal to the previous record's value at the same
/// position is replaced by that record's array, so only the values that differ (<c>ce_id</c>, <c>ce_time</c>, the trace
/// context) stay per record. Shared arrays are safe: nothing writes to a consumed header value.
/// </remarks>
internal sealed class HeaderRetention
{
    private string[] keys = [];
    private byte[]?[] previousValues = [];

    /// <summary>The retained copy of <paramref name="headers"/>, or null for a record without headers.</summary>
    public TransportHeaders? Retain(Headers? headers)
    {
        if (headers is null)
        {
            return null;
        }

        var count = headers.Count;
        if (!HasLayout(headers))
        {
            keys = new string[count];
            previousValues = new byte[]?[count];
            for (var i = 0; i < count; i++)
            {
                keys[i] = headers[i].Key;
            }
        }

        var values = new byte[]?[count];
        for (var i = 0; i < count; i++)
        {
            var value = headers[i].GetValueBytes();
            var previous = previousValues[i];
            if (value is not null && previous is not null && value.AsSpan().SequenceEqual(previous))
            {
                value = previous;
            }
            else
            {
                previousValues[i] = value;
            }

            values[i] = value;
        }

        return new RetainedHeaders(keys, values);
    }

    private bool HasLayout(Headers headers)
    {
        if (headers.Count != keys.Length)
        {
            return false;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (!string.Equals(headers[i].Key, keys[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
