using System.Text.Json;
using Confluent.Kafka;

namespace MessageContracts;

/// <summary>One partition's lag as librdkafka's statistics report it.</summary>
internal readonly record struct PartitionLag(string Topic, int Partition, long Lag);

/// <summary>
/// Reads the consumer lag of each partition out of librdkafka's statistics JSON (STATISTICS.md: <c>topics.*.partitions.*</c>).
/// The lag is the partition's end (the high watermark, or the last stable offset under <c>read_committed</c>) minus the
/// position the group will resume from: the stored offset (the next record to process, stored once a record's outcome
/// is final), else the committed one; a partition with neither uses its low watermark when the consumer starts new
/// groups at the earliest offset, and is left out otherwise (its resume point is not known yet).
/// </summary>
internal static class ConsumerStatistics
{
    public static List<PartitionLag> ReadLags(string json, bool readCommitted, bool resetsToEarliest)
    {
        var lags = new List<PartitionLag>();
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("topics", out var topics) || topics.ValueKind != JsonValueKind.Object)
        {
            return lags;
        }

        foreach (var topic in topics.EnumerateObject())
        {
            if (!topic.Value.TryGetProperty("partitions", out var partitions) || partitions.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var entry in partitions.EnumerateObject())
            {
                var partition = entry.Value;
                var id = Int(partition, "partition");
                if (id < 0)
                {
                    continue; // -1 is librdkafka's internal "unassigned" partition.
                }

                var end = Int(partition, readCommitted ? "ls_offset" : "hi_offset");
                var stored = Int(partition, "stored_offset");
                var committed = Int(partition, "committed_offset");
                var low = Int(partition, "lo_offset");
                var position = stored >= 0 ? stored : committed >= 0 ? committed : resetsToEarliest ? low : -1;
                if (end < 0 || position < 0)
                {
                    continue;
                }

                lags.Add(new PartitionLag(topic.Name, (int)id, Math.Max(0, end - position)));
            }
        }

        return lags;
    }

    /// <summary>Whether the consumer's <c>auto.offset.reset</c> starts a group without offsets at the beginning.</summary>
    public static bool ResetsToEarliest(ConsumerConfig config) => config.AutoOffsetReset == AutoOffsetReset.Earliest;

    private static long Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : -1;
}
