namespace MessageContracts;

/// <summary>
/// Maps a Kafka key to one of a fixed number of buckets. A relay takes whole buckets, so all rows of one key are
/// published by one relay at a time and in sequence order. The function and the count are part of the stored data:
/// changing either would let two relays work on one key, so they never change.
/// </summary>
/// <remarks>
/// For <see cref="IOutboxStore"/> implementers: <see cref="OutboxMessage.Bucket"/> is always in 0 to
/// <see cref="Count"/> - 1, so a store can enumerate the buckets (to find those with unsent rows) or lock them by number.
/// </remarks>
public static class OutboxBuckets
{
    /// <summary>How many buckets there are: 64, for good.</summary>
    public const int Count = 64;

    /// <summary>The bucket of <paramref name="key"/> (FNV-1a over the bytes); a keyless message is bucketed by its ID.</summary>
    internal static int For(byte[]? key, string messageId)
    {
        var hash = 2166136261u;
        if (key is not null)
        {
            foreach (var b in key)
            {
                hash = (hash ^ b) * 16777619u;
            }
        }
        else
        {
            foreach (var c in messageId)
            {
                hash = (hash ^ c) * 16777619u;
            }
        }

        return (int)(hash % Count);
    }
}
