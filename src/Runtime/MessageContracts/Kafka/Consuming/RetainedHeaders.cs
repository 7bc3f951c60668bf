using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// A consumed record's headers kept in two arrays: the keys, shared by every record of the same header layout, and the
/// values, in which a value equal to the previous record's at the same position is that record's array. Built by
/// <see cref="HeaderRetention"/>; read-only.
/// </summary>
internal sealed class RetainedHeaders(string[] keys, byte[]?[] values) : TransportHeaders
{
    public override int Count => values.Length;

    public override string KeyAt(int index) => keys[index];

    public override byte[]? ValueAt(int index) => values[index];
}
