using System.Text;
using Confluent.Kafka;

namespace MessageContracts;

/// <summary>Encodes Kafka headers as one length-prefixed blob for an outbox row, and back.</summary>
internal static class OutboxHeaders
{
    public static byte[] Encode(Headers headers)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(headers.Count);
            foreach (var header in headers)
            {
                writer.Write(header.Key);
                var value = header.GetValueBytes();
                if (value is null)
                {
                    writer.Write(-1);
                }
                else
                {
                    writer.Write(value.Length);
                    writer.Write(value);
                }
            }
        }

        return stream.ToArray();
    }

    public static Headers Decode(byte[] encoded)
    {
        using var reader = new BinaryReader(new MemoryStream(encoded), Encoding.UTF8);
        var count = reader.ReadInt32();
        var headers = new Headers();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var length = reader.ReadInt32();
            headers.Add(key, length < 0 ? null : reader.ReadBytes(length));
        }

        return headers;
    }
}
