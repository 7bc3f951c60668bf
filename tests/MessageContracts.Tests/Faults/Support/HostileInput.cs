using System.Text;
using Confluent.Kafka;
using Faults.Contracts;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>What the consumer must do with one planned record.</summary>
public enum HostileOutcome
{
    /// <summary>A valid message: its handler has its effect exactly once.</summary>
    Handled,

    /// <summary>A second copy of a valid message (same ID, same bytes): dropped as a duplicate, no second effect.</summary>
    Duplicate,

    /// <summary>Unreadable: dead-lettered once, with a reason containing <see cref="PlannedRecord.Reason"/>.</summary>
    DeadLettered,

    /// <summary>A well-formed message of a type this service does not handle: skipped, neither handled nor dead-lettered.</summary>
    Skipped,
}

/// <summary>One record of a hostile-input round, the partition it goes to and what must become of it.</summary>
public sealed record PlannedRecord(string Kind, int Partition, Message<byte[]?, byte[]?> Message, HostileOutcome Outcome, string? Reason = null, string? MessageId = null, FaultProbe? Probe = null)
{
    /// <summary>Its offset in <see cref="Partition"/>, once produced.</summary>
    public long Offset { get; init; } = -1;
}

/// <summary>
/// Malformed records of every kind a broken or hostile producer can write, interleaved with valid
/// <see cref="FaultProbe"/> messages, spread over the partitions of a topic. Each record carries what the consumer must
/// do with it, so a test can check every one. Deterministic for a seed.
/// </summary>
public static class HostileInput
{
    /// <summary>Every kind of malformed record, with the substring its dead-letter reason must contain (null: skipped).</summary>
    public static readonly IReadOnlyList<(string Kind, string? Reason)> Kinds =
    [
        ("random bytes, no headers", "has no headers"),
        ("random bytes in an envelope", "not a valid 'FaultProbe'"),
        ("truncated JSON", "not a valid 'FaultProbe'"),
        ("wrong member types", "not a valid 'FaultProbe'"),
        ("1e400", "not a valid 'FaultProbe'"),
        ("5,000-deep nesting", "not a valid 'FaultProbe'"),
        ("empty value", "not a valid 'FaultProbe'"),
        ("tombstone", "(a tombstone)"),
        ("invalid UTF-8 ce_type", "no ce_type"),
        ("invalid UTF-8 ce_id", "printable ASCII"),
        ("control character in ce_id", "printable ASCII"),
        ("empty ce_id", "ce_id is empty"),
        ("blank ce_id", "ce_id is empty"),
        ("10,000-character ce_id", "MessageContractsOptions.MaxMessageIdBytes"),
        ("20 KB header", "MessageContractsOptions.MaxHeaderBytes"),
        ("20,000-character header key", "MessageContractsOptions.MaxHeaderBytes"),
        ("9 headers of 8 KB", "MessageContractsOptions.MaxTotalHeaderBytes"),
        ("no ce_type", "no ce_type"),
        ("no ce_id", "no ce_id"),
        ("no ce_specversion", "no ce_specversion"),
        ("ce_specversion 0.3", "only \"1.0\""),
        ("content-type text/plain", "only application/json"),
        ("ce_time not a time", "not an RFC 3339"),
        ("unknown ce_type", null),
    ];

    /// <summary>
    /// The kinds of 10 KB and more: each comes in one turn of the kinds out of <see cref="HeavyEvery"/> (the others have a
    /// truncated JSON in its place), so a round stays within what librdkafka's mock cluster keeps per partition (about
    /// 5 MB; it deletes the oldest records beyond that, which would look like records the consumer never saw).
    /// </summary>
    private static readonly HashSet<string> HeavyKinds = ["10,000-character ce_id", "20 KB header", "20,000-character header key", "9 headers of 8 KB", "5,000-deep nesting"];

    private const int HeavyEvery = 5;

    /// <summary>
    /// A round of <paramref name="malformed"/> malformed records (the kinds in turn), <paramref name="valid"/> valid
    /// messages and <paramref name="duplicates"/> second copies of valid ones, shuffled together (each partition's valid
    /// messages keep their order), over <paramref name="partitions"/> partitions. <paramref name="huge"/> more records
    /// carry payloads near a megabyte, each on its own partition (from partition <paramref name="round"/> times
    /// <paramref name="huge"/> on): garbage of 900 KB, and garbage of 999,950 bytes, which the broker takes (its limit is
    /// 1 MiB) but whose dead-letter copy is over the producer's 1,000,000 bytes, so it is written as a reference instead.
    /// Produce them with a producer whose message.max.bytes is 1 MiB.
    /// </summary>
    public static List<PlannedRecord> Round(int round, int partitions, int malformed, int valid, int duplicates, int huge, int seed)
    {
        var random = new Random(seed);
        var bad = new List<PlannedRecord>();
        for (var i = 0; i < malformed; i++)
        {
            var (kind, reason) = Kinds[i % Kinds.Count];
            if (HeavyKinds.Contains(kind) && i / Kinds.Count % HeavyEvery != 0)
            {
                (kind, reason) = Kinds[2];
            }

            bad.Add(Malformed(kind, reason, random.Next(partitions), random, $"r{round}-bad-{i}"));
        }

        for (var i = 0; i < huge; i++)
        {
            var size = i % 2 == 0 ? 900_000 : 999_950;
            var partition = (round * huge + i) % partitions;
            var garbage = Bytes(random, size);

            // 'f' as if it began "false": System.Text.Json's error then quotes the whole rest of the payload, which the
            // dead-letter reason must not carry along.
            garbage[0] = (byte)'f';
            bad.Add(new PlannedRecord(
                size == 900_000 ? "900 KB garbage" : "1 MB garbage",
                partition,
                new Message<byte[]?, byte[]?> { Key = Key(partition), Value = garbage, Headers = RawRecords.Envelope(Ascii($"r{round}-huge-{i}")) },
                HostileOutcome.DeadLettered,
                size == 900_000 ? "not a valid 'FaultProbe'" : "too large to copy to the dead-letter topic"));
        }

        // Valid messages: per partition, one key, sequence numbers in order.
        var good = new List<PlannedRecord>();
        for (var i = 0; i < valid; i++)
        {
            var partition = i % partitions;
            var probe = new FaultProbe($"r{round}-p{partition}", i / partitions, FaultProbeBehaviors.Ok);
            var id = Guid.CreateVersion7().ToString();
            good.Add(new PlannedRecord("valid", partition, RawRecords.Probe(id, probe), HostileOutcome.Handled, MessageId: id, Probe: probe));
        }

        // Shuffle the bad among the good, keeping the valid ones of each partition in order, then add each duplicate
        // somewhere after its original.
        var merged = new List<PlannedRecord>(good);
        foreach (var record in bad)
        {
            merged.Insert(random.Next(merged.Count + 1), record);
        }

        for (var i = 0; i < duplicates; i++)
        {
            var original = good[random.Next(good.Count)];
            var at = merged.IndexOf(original) + 1 + random.Next(merged.Count - merged.IndexOf(original));
            merged.Insert(at, original with { Kind = "duplicate", Outcome = HostileOutcome.Duplicate, Message = Copy(original.Message) });
        }

        return merged;
    }

    private static PlannedRecord Malformed(string kind, string? reason, int partition, Random random, string id)
    {
        var probe = RawRecords.Serialize(new FaultProbe("hostile", 0, FaultProbeBehaviors.Ok));
        var envelope = RawRecords.Envelope(Ascii(id));
        byte[]? value = probe;
        Headers? headers = envelope;
        switch (kind)
        {
            case "random bytes, no headers":
                value = Bytes(random, random.Next(1, 2_000));
                headers = null;
                break;
            case "random bytes in an envelope":
                value = Bytes(random, random.Next(1, 2_000));
                break;
            case "truncated JSON":
                value = probe[..random.Next(1, probe.Length - 1)];
                break;
            case "wrong member types":
                value = """{"Key":5,"Sequence":"seven","Behavior":[true]}"""u8.ToArray();
                break;
            case "1e400":
                value = """{"Key":"k","Sequence":1e400,"Behavior":"ok"}"""u8.ToArray();
                break;
            case "5,000-deep nesting":
                value = Encoding.ASCII.GetBytes("""{"Key":""" + new string('[', 5_000) + new string(']', 5_000) + ""","Sequence":1,"Behavior":"ok"}""");
                break;
            case "empty value":
                value = [];
                break;
            case "tombstone":
                value = null;
                break;
            case "invalid UTF-8 ce_type":
                headers = Replace(envelope, MessageHeaders.Type, [0xC3, 0x28, 0xFF]);
                break;
            case "invalid UTF-8 ce_id":
                headers = Replace(envelope, MessageHeaders.Id, [0x6D, 0xC3, 0x28, 0xFE]);
                break;
            case "control character in ce_id":
                headers = Replace(envelope, MessageHeaders.Id, Ascii(id + "\n\0"));
                break;
            case "empty ce_id":
                headers = Replace(envelope, MessageHeaders.Id, []);
                break;
            case "blank ce_id":
                headers = Replace(envelope, MessageHeaders.Id, "    "u8.ToArray());
                break;
            case "10,000-character ce_id":
                // Random, as in the seed's report: a repetitive ID would compress into a PostgreSQL index entry.
                var longId = Ascii(id + new string('x', 10_000 - id.Length));
                for (var i = id.Length; i < longId.Length; i++)
                {
                    longId[i] = (byte)random.Next(0x21, 0x7F);
                }

                headers = Replace(envelope, MessageHeaders.Id, longId);
                break;
            case "20 KB header":
                envelope.Add("x-big", Bytes(random, 20_000));
                break;
            case "20,000-character header key":
                envelope.Add(new string('k', 20_000), "v"u8.ToArray());
                break;
            case "9 headers of 8 KB":
                for (var i = 0; i < 9; i++)
                {
                    envelope.Add($"x-part-{i}", Bytes(random, 8_000));
                }

                break;
            case "no ce_type":
                headers = Without(envelope, MessageHeaders.Type);
                break;
            case "no ce_id":
                headers = Without(envelope, MessageHeaders.Id);
                break;
            case "no ce_specversion":
                headers = Without(envelope, MessageHeaders.SpecVersion);
                break;
            case "ce_specversion 0.3":
                headers = Replace(envelope, MessageHeaders.SpecVersion, "0.3"u8.ToArray());
                break;
            case "content-type text/plain":
                headers = Replace(envelope, MessageHeaders.ContentType, "text/plain"u8.ToArray());
                break;
            case "ce_time not a time":
                envelope.Add(MessageHeaders.Time, "yesterday at noon"u8.ToArray());
                break;
            case "unknown ce_type":
                headers = Replace(envelope, MessageHeaders.Type, "SomethingElsesHandle"u8.ToArray());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of malformed record.");
        }

        return new PlannedRecord(
            kind,
            partition,
            new Message<byte[]?, byte[]?> { Key = Key(partition), Value = value, Headers = headers },
            reason is null ? HostileOutcome.Skipped : HostileOutcome.DeadLettered,
            reason);
    }

    private static byte[] Key(int partition) => Encoding.UTF8.GetBytes($"p{partition}");

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static Headers Without(Headers headers, string key)
    {
        headers.Remove(key);
        return headers;
    }

    private static Headers Replace(Headers headers, string key, byte[] value)
    {
        headers.Remove(key);
        headers.Add(key, value);
        return headers;
    }

    private static Message<byte[]?, byte[]?> Copy(Message<byte[]?, byte[]?> message)
    {
        var headers = new Headers();
        foreach (var header in message.Headers)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        return new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Headers = headers };
    }
}
