using System.Text;

namespace MessageContracts;

/// <summary>
/// The one format in which stores keep a record's Kafka headers in a single column: the count, then per header its
/// key (a length-prefixed UTF-8 string) and its value's length (-1 for none) and bytes. The SQLite failure log and the
/// outbox tables (SQLite and PostgreSQL) use it.
/// </summary>
internal static class HeaderBlob
{
    public static byte[] Encode<THeader>(int count, IEnumerable<THeader> headers, Func<THeader, string> key, Func<THeader, byte[]?> value)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(count);
            foreach (var header in headers)
            {
                writer.Write(key(header));
                var bytes = value(header);
                if (bytes is null)
                {
                    writer.Write(-1);
                }
                else
                {
                    writer.Write(bytes.Length);
                    writer.Write(bytes);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads the headers back, handing each to <paramref name="add"/> in order; returns the state it built.</summary>
    public static TState Decode<TState>(byte[] encoded, Func<int, TState> create, Action<TState, int, string, byte[]?> add)
    {
        using var reader = new BinaryReader(new MemoryStream(encoded), Encoding.UTF8);
        var count = reader.ReadInt32();
        var state = create(count);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var length = reader.ReadInt32();
            add(state, i, key, length < 0 ? null : reader.ReadBytes(length));
        }

        return state;
    }
}
