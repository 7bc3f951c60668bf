namespace MessageContracts.Transports;

/// <summary>
/// A plain, growable <see cref="TransportHeaders"/>: for a transport whose client has no header list of its own, for
/// copies (dead letters, the outbox, the publish failure log), and for tests.
/// </summary>
public sealed class TransportHeaderList : TransportHeaders
{
    private readonly List<KeyValuePair<string, byte[]?>> headers;

    /// <summary>An empty list.</summary>
    public TransportHeaderList()
    {
        headers = [];
    }

    /// <summary>An empty list with room for <paramref name="capacity"/> headers.</summary>
    /// <param name="capacity">How many headers it will hold.</param>
    public TransportHeaderList(int capacity)
    {
        headers = new List<KeyValuePair<string, byte[]?>>(capacity);
    }

    /// <summary>A copy of <paramref name="source"/>'s keys, with the same value arrays (not copied).</summary>
    /// <param name="source">The headers to copy.</param>
    /// <param name="extraCapacity">Room for this many more headers.</param>
    public TransportHeaderList(TransportHeaders source, int extraCapacity = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        headers = new List<KeyValuePair<string, byte[]?>>(source.Count + extraCapacity);
        for (var i = 0; i < source.Count; i++)
        {
            headers.Add(new(source.KeyAt(i), source.ValueAt(i)));
        }
    }

    /// <inheritdoc/>
    public override int Count => headers.Count;

    /// <summary>Adds a header at the end (after any of the same key, so it is the one <see cref="TransportHeaders.TryGetLast"/> finds).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, kept as given (not copied).</param>
    public void Add(string key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        headers.Add(new(key, value));
    }

    /// <inheritdoc/>
    public override string KeyAt(int index) => headers[index].Key;

    /// <inheritdoc/>
    public override byte[]? ValueAt(int index) => headers[index].Value;
}
