using System.Text;

namespace MessageContracts.Behaviour.Tests.Support;

/// <summary>One hostile record: what is sent, and the substring its dead-letter reason must contain (null: skipped, not dead-lettered).</summary>
public sealed record HostileCase(string Kind, byte[] Key, byte[] Value, List<KeyValuePair<string, byte[]>> Headers, string? Reason)
{
    public string KeyText => Encoding.ASCII.GetString(Key);
}

/// <summary>
/// The malformed records of tests/MessageContracts.Tests/Faults/Support/HostileInput.cs (issue 11's hostile-input test),
/// one of each kind, for <see cref="HostileProbe"/>, and the hostile values of tests/MessageContracts.Tests/Security/
/// HostileValuesTests.cs that are valid message IDs and payload text. Left out here: the Kafka tombstone (a record with
/// no value, which the transport seam does not have) and the 1 MB record whose dead-letter copy exceeds Kafka's producer
/// limit (Kafka's own test covers both). Deterministic.
/// </summary>
public static class HostileCases
{
    private const string Type = nameof(HostileProbe);
    private const string NotValid = "not a valid 'HostileProbe'";

    /// <summary>Message IDs shaped like SQL and format strings (HostileValuesTests.Hostile, the printable-ASCII ones), and one at the 200-byte limit.</summary>
    public static readonly string[] HostileIds =
    [
        "'; DROP TABLE x; --",
        "'); DROP TABLE outbox_messages; DROP TABLE message_deduplication; DROP TABLE message_inbox; --",
        "\" OR 1=1; DELETE FROM publish_failures; --",
        "back\\slash `tick` $1 $$dollar$$ %s {0} ? :name @p",
        "semi;colon;" + new string('\'', 40),
        "max-" + new string('x', 196), // 200 bytes: MessageContractsOptions.MaxMessageIdBytes's default
    ];

    /// <summary>Payload text that must come through byte for byte: unicode tricks, control characters, a long value.</summary>
    public static readonly string[] HostileTexts =
    [
        "Ünïcödé — 日本語 🚀 \u202Eevil\u202C e\u0301",
        "nul\0inside, tab\t, newline\n, quote\", backslash\\",
        "'; DROP TABLE x; --",
        "{\"not\":\"json inside a string\"}",
        new string('y', 100_000) + "'; DROP TABLE x; --",
        "\uFEFFbyte order mark first",
    ];

    public static List<HostileCase> Malformed()
    {
        var random = new Random(11);
        var probe = RawEnvelope.Serialize(new HostileProbe("hostile", 0, "text"));
        var cases = new List<HostileCase>();

        void Add(string kind, byte[] value, List<KeyValuePair<string, byte[]>> headers, string? reason) =>
            cases.Add(new HostileCase(kind, Encoding.ASCII.GetBytes($"hostile-{cases.Count}"), value, headers, reason));

        List<KeyValuePair<string, byte[]>> Envelope() => RawEnvelope.Headers($"hostile-id-{cases.Count}", Type);

        Add("random bytes, no headers", Bytes(random, 1_500), [], "ce_specversion");
        Add("random bytes in an envelope", Bytes(random, 1_500), Envelope(), NotValid);
        Add("truncated JSON", probe[..(probe.Length / 2)], Envelope(), NotValid);
        Add("wrong member types", """{"Key":5,"Sequence":"seven","Text":[true]}"""u8.ToArray(), Envelope(), NotValid);
        Add("1e400", """{"Key":"k","Sequence":1e400,"Text":"t"}"""u8.ToArray(), Envelope(), NotValid);
        Add("5,000-deep nesting", Encoding.ASCII.GetBytes("""{"Key":""" + new string('[', 5_000) + new string(']', 5_000) + ""","Sequence":1,"Text":"t"}"""), Envelope(), NotValid);
        Add("empty value", [], Envelope(), NotValid);
        Add("900 KB garbage", Garbage(random, 900_000), Envelope(), NotValid);
        Add("invalid UTF-8 ce_type", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.Type, [0xC3, 0x28, 0xFF]), "no ce_type");
        Add("invalid UTF-8 ce_id", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.Id, [0x6D, 0xC3, 0x28, 0xFE]), "printable ASCII");
        Add("control character in ce_id", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.Id, "id\n\0"u8.ToArray()), "printable ASCII");
        Add("empty ce_id", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.Id, []), "ce_id is empty");
        Add("blank ce_id", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.Id, "    "u8.ToArray()), "ce_id is empty");
        Add("10,000-character ce_id", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.Id, LongId(random)), "MessageContractsOptions.MaxMessageIdBytes");
        Add("20 KB header", probe, [.. Envelope(), new("x-big", Bytes(random, 20_000))], "MessageContractsOptions.MaxHeaderBytes");
        Add("20,000-character header key", probe, [.. Envelope(), new(new string('k', 20_000), "v"u8.ToArray())], "MessageContractsOptions.MaxHeaderBytes");
        Add("9 headers of 8 KB", probe, [.. Envelope(), .. Enumerable.Range(0, 9).Select(i => new KeyValuePair<string, byte[]>($"x-part-{i}", Bytes(random, 8_000)))], "MessageContractsOptions.MaxTotalHeaderBytes");
        Add("no ce_type", probe, RawEnvelope.Without(Envelope(), MessageHeaders.Type), "no ce_type");
        Add("no ce_id", probe, RawEnvelope.Without(Envelope(), MessageHeaders.Id), "no ce_id");
        Add("no ce_specversion", probe, RawEnvelope.Without(Envelope(), MessageHeaders.SpecVersion), "no ce_specversion");
        Add("ce_specversion 0.3", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.SpecVersion, "0.3"u8.ToArray()), "only \"1.0\"");
        Add("content-type text/plain", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.ContentType, "text/plain"u8.ToArray()), "only application/json");
        Add("ce_time not a time", probe, [.. Envelope(), new(MessageHeaders.Time, "yesterday at noon"u8.ToArray())], "not an RFC 3339");
        Add("unknown ce_type", probe, RawEnvelope.Replace(Envelope(), MessageHeaders.Type, "SomethingElsesHandle"u8.ToArray()), null);
        return cases;
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    // 'f' as if it began "false": System.Text.Json's error then quotes the rest of the payload, which the dead-letter
    // reason must not carry along.
    private static byte[] Garbage(Random random, int length)
    {
        var bytes = Bytes(random, length);
        bytes[0] = (byte)'f';
        return bytes;
    }

    // Random, as in the seed's report: a repetitive ID would compress into a PostgreSQL index entry.
    private static byte[] LongId(Random random)
    {
        var id = new byte[10_000];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = (byte)random.Next(0x21, 0x7F);
        }

        return id;
    }
}
