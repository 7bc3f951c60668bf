using Xunit;

namespace MessageContracts.Tests.Telemetry;

/// <summary>How the lag is read out of librdkafka's statistics JSON (the fields of its STATISTICS.md).</summary>
public sealed class ConsumerStatisticsTests
{
    private const string Statistics = """
        {
          "name": "c#consumer-1", "type": "consumer",
          "topics": {
            "orders": {
              "topic": "orders",
              "partitions": {
                "0": { "partition": 0, "lo_offset": 10, "hi_offset": 100, "ls_offset": 90, "stored_offset": 40, "committed_offset": 30 },
                "1": { "partition": 1, "lo_offset": 5, "hi_offset": 50, "ls_offset": 50, "stored_offset": -1001, "committed_offset": 20 },
                "2": { "partition": 2, "lo_offset": 5, "hi_offset": 50, "ls_offset": 50, "stored_offset": -1001, "committed_offset": -1001 },
                "-1": { "partition": -1, "lo_offset": -1, "hi_offset": -1, "ls_offset": -1, "stored_offset": -1001, "committed_offset": -1001 }
              }
            }
          }
        }
        """;

    [Fact]
    public void The_stored_offset_wins_over_the_committed_one_and_the_internal_partition_is_left_out()
    {
        var lags = ConsumerStatistics.ReadLags(Statistics, readCommitted: false, resetsToEarliest: false);

        Assert.Equal([new PartitionLag("orders", 0, 60), new PartitionLag("orders", 1, 30)], lags);
    }

    [Fact]
    public void Read_committed_ends_at_the_last_stable_offset_and_a_new_group_starts_at_the_low_watermark()
    {
        var lags = ConsumerStatistics.ReadLags(Statistics, readCommitted: true, resetsToEarliest: true);

        Assert.Equal([new PartitionLag("orders", 0, 50), new PartitionLag("orders", 1, 30), new PartitionLag("orders", 2, 45)], lags);
    }
}
