using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace MessageContracts.Benchmarks.Headers;

/// <summary>
/// One way of carrying the CloudEvents envelope with the same payload: what the producer writes per record, and what the
/// consumer reads back (the message ID and the payload) from what Confluent.Kafka hands it.
/// </summary>
internal abstract class Mode
{
    // The toolkit's values (EnvelopeWriter): type = the contract's name; source = a 9-character service name, so the six
    // headers are 162 bytes of keys and values, as in issue 12.
    protected static readonly byte[] SpecVersion = "1.0"u8.ToArray();
    protected static readonly byte[] TypeName = "BenchOrderPlaced"u8.ToArray();
    protected static readonly byte[] SourceName = "bench-svc"u8.ToArray();
    protected static readonly byte[] Json = "application/json"u8.ToArray();

    public abstract string Key { get; }

    public abstract string Description { get; }

    public abstract Message<byte[]?, byte[]> Create(BenchOrderPlaced payload);

    /// <summary>The message ID and payload of a consumed record; throws if the record is not of this mode.</summary>
    public abstract (string Id, BenchOrderPlaced Payload) Read(Message<byte[]?, byte[]?> record);

    /// <summary>Bytes of header keys and values per record, and of the value, as written.</summary>
    public (int Headers, int Value) Sizes(BenchOrderPlaced payload)
    {
        var message = Create(payload);
        var headers = message.Headers?.Sum(h => Encoding.UTF8.GetByteCount(h.Key) + h.GetValueBytes().Length) ?? 0;
        return (headers, message.Value.Length);
    }

    public static IReadOnlyList<Mode> All { get; } = [new NoHeaders(), new ValuesOnly(), new SixHeaders(), new OneHeader(), new Structured()];

    protected static byte[] KafkaKey(BenchOrderPlaced payload) => Encoding.UTF8.GetBytes(payload.OrderId.ToString("D"));

    protected static byte[] Serialize(BenchOrderPlaced payload) => JsonSerializer.SerializeToUtf8Bytes(payload, BenchJsonContext.Default.BenchOrderPlaced);

    protected static BenchOrderPlaced Deserialize(byte[]? value) => JsonSerializer.Deserialize(value, BenchJsonContext.Default.BenchOrderPlaced)!;

    protected static string NewId() => Guid.CreateVersion7().ToString("D");

    /// <summary>RFC 3339 UTC with seven fractional digits, as EnvelopeWriter writes ce_time (28 bytes).</summary>
    protected static byte[] Time()
    {
        Span<byte> utf8 = stackalloc byte[32];
        DateTime.UtcNow.TryFormat(utf8, out var written, "O", CultureInfo.InvariantCulture);
        return utf8[..written].ToArray();
    }

    /// <summary>(i) The payload alone: no envelope, the floor.</summary>
    private sealed class NoHeaders : Mode
    {
        public override string Key => "none";

        public override string Description => "no headers";

        public override Message<byte[]?, byte[]> Create(BenchOrderPlaced payload) => new() { Key = KafkaKey(payload), Value = Serialize(payload) };

        public override (string Id, BenchOrderPlaced Payload) Read(Message<byte[]?, byte[]?> record) => (string.Empty, Deserialize(record.Value));
    }

    /// <summary>
    /// (i') No headers, but the ID and time made as for an envelope and dropped: the floor of any envelope mode, so that
    /// the other modes' differences to it are the cost of carrying the envelope, not of making its values.
    /// </summary>
    private sealed class ValuesOnly : Mode
    {
        public override string Key => "values";

        public override string Description => "no headers; the ID and time made and dropped";

        public override Message<byte[]?, byte[]> Create(BenchOrderPlaced payload)
        {
            GC.KeepAlive(Encoding.UTF8.GetBytes(NewId()));
            GC.KeepAlive(Time());
            return new() { Key = KafkaKey(payload), Value = Serialize(payload) };
        }

        public override (string Id, BenchOrderPlaced Payload) Read(Message<byte[]?, byte[]?> record) => (string.Empty, Deserialize(record.Value));
    }

    /// <summary>(ii) What the toolkit writes today: six CloudEvents binary-mode headers, the constant ones shared.</summary>
    private sealed class SixHeaders : Mode
    {
        private static readonly Header SpecVersionHeader = new("ce_specversion", SpecVersion);
        private static readonly Header TypeHeader = new("ce_type", TypeName);
        private static readonly Header SourceHeader = new("ce_source", SourceName);
        private static readonly Header ContentTypeHeader = new("content-type", Json);

        public override string Key => "six";

        public override string Description => "six CloudEvents binary headers (the toolkit today)";

        public override Message<byte[]?, byte[]> Create(BenchOrderPlaced payload) => new()
        {
            Key = KafkaKey(payload),
            Value = Serialize(payload),
            Headers =
            [
                SpecVersionHeader,
                new Header("ce_id", Encoding.UTF8.GetBytes(NewId())),
                TypeHeader,
                SourceHeader,
                new Header("ce_time", Time()),
                ContentTypeHeader,
            ],
        };

        public override (string Id, BenchOrderPlaced Payload) Read(Message<byte[]?, byte[]?> record)
        {
            // What EnvelopeReader touches: the ID, the type and the content type (the rest only when present).
            var headers = record.Headers;
            if (!headers.TryGetLastBytes("ce_id", out var id) || !headers.TryGetLastBytes("ce_type", out _) || !headers.TryGetLastBytes("content-type", out _))
            {
                throw new InvalidOperationException("six: a record without its envelope.");
            }

            return (Encoding.ASCII.GetString(id), Deserialize(record.Value));
        }
    }

    /// <summary>(iii) One header holding as many bytes (key and value) as the six: the per-header cost apart from the bytes.</summary>
    private sealed class OneHeader : Mode
    {
        private const string HeaderKey = "ce";
        private const int ValueBytes = 162 - 2;

        public override string Key => "one";

        public override string Description => "one header of the same 162 bytes";

        public override Message<byte[]?, byte[]> Create(BenchOrderPlaced payload)
        {
            // The same per-record work as (ii): the ID and time encoded, the constants copied in.
            var value = new byte[ValueBytes];
            var written = Encoding.UTF8.GetBytes(NewId(), value);
            Time().CopyTo(value, written);
            TypeName.CopyTo(value, ValueBytes - TypeName.Length);
            return new() { Key = KafkaKey(payload), Value = Serialize(payload), Headers = [new Header(HeaderKey, value)] };
        }

        public override (string Id, BenchOrderPlaced Payload) Read(Message<byte[]?, byte[]?> record) =>
            record.Headers.TryGetLastBytes(HeaderKey, out var value)
                ? (Encoding.ASCII.GetString(value, 0, 36), Deserialize(record.Value))
                : throw new InvalidOperationException("one: a record without its header.");
    }

    /// <summary>
    /// (iv) CloudEvents structured mode (Kafka protocol binding, section 3.2): the whole event as JSON in the value, the
    /// payload under "data", and one header, content-type: application/cloudevents+json.
    /// </summary>
    private sealed class Structured : Mode
    {
        private static readonly Header ContentTypeHeader = new("content-type", "application/cloudevents+json"u8.ToArray());

        // One buffer and writer per producing thread, reset per record, as a production writer would keep them.
        [ThreadStatic]
        private static ArrayBufferWriter<byte>? buffer;

        [ThreadStatic]
        private static Utf8JsonWriter? jsonWriter;

        public override string Key => "structured";

        public override string Description => "structured mode: the envelope in the value, one content-type header";

        public override Message<byte[]?, byte[]> Create(BenchOrderPlaced payload)
        {
            var output = buffer ??= new ArrayBufferWriter<byte>(1024);
            output.ResetWrittenCount();
            var writer = jsonWriter ??= new Utf8JsonWriter(output);
            writer.Reset(output);
            writer.WriteStartObject();
            writer.WriteString("specversion"u8, SpecVersion);
            writer.WriteString("id"u8, NewId());
            writer.WriteString("type"u8, TypeName);
            writer.WriteString("source"u8, SourceName);
            writer.WriteString("time"u8, Time());
            writer.WriteString("datacontenttype"u8, Json);
            writer.WritePropertyName("data"u8);
            JsonSerializer.Serialize(writer, payload, BenchJsonContext.Default.BenchOrderPlaced);
            writer.WriteEndObject();
            writer.Flush();

            return new() { Key = KafkaKey(payload), Value = output.WrittenSpan.ToArray(), Headers = [ContentTypeHeader] };
        }

        public override (string Id, BenchOrderPlaced Payload) Read(Message<byte[]?, byte[]?> record)
        {
            if (!record.Headers.TryGetLastBytes("content-type", out var contentType) || !contentType.AsSpan().StartsWith("application/cloudevents+json"u8))
            {
                throw new InvalidOperationException("structured: a record without content-type application/cloudevents+json.");
            }

            // The attributes in any order, as a consumer of foreign producers must read them.
            var reader = new Utf8JsonReader(record.Value);
            string? id = null;
            BenchOrderPlaced? payload = null;
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    payload = JsonSerializer.Deserialize(ref reader, BenchJsonContext.Default.BenchOrderPlaced);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.GetString();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return id is not null && payload is not null ? (id, payload) : throw new InvalidOperationException("structured: no id or no data.");
        }
    }
}
