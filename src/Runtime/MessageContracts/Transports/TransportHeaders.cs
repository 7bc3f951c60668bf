namespace MessageContracts.Transports;

/// <summary>
/// A record's headers as the core reads them, whatever the transport: an ordered list of key and value pairs in which a
/// key may repeat (the last one wins). A transport wraps its own header type in a subclass without copying it.
/// </summary>
/// <remarks>
/// The core reads the CloudEvents envelope (<c>ce_id</c>, <c>ce_type</c>, ...) and the size limits through this view,
/// and copies the headers to the dead-letter destination through it.
/// </remarks>
public abstract class TransportHeaders
{
    /// <summary>How many headers there are.</summary>
    public abstract int Count { get; }

    /// <summary>The key of the header at <paramref name="index"/> (0 to <see cref="Count"/> - 1).</summary>
    /// <param name="index">The header's position.</param>
    /// <returns>The key.</returns>
    public abstract string KeyAt(int index);

    /// <summary>The value bytes of the header at <paramref name="index"/>; null for a header without a value.</summary>
    /// <param name="index">The header's position.</param>
    /// <returns>The value, not copied: do not change it.</returns>
    public abstract byte[]? ValueAt(int index);

    /// <summary>The value of the last header named <paramref name="key"/> (ordinal comparison).</summary>
    /// <param name="key">The header's key.</param>
    /// <param name="value">Its value (null for a header without a value), or null when there is none.</param>
    /// <returns>Whether a header named <paramref name="key"/> exists.</returns>
    public virtual bool TryGetLast(string key, out byte[]? value)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (string.Equals(KeyAt(i), key, StringComparison.Ordinal))
            {
                value = ValueAt(i);
                return true;
            }
        }

        value = null;
        return false;
    }
}
