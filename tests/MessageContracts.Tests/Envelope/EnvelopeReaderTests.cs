using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Tests.Envelope;

public sealed class EnvelopeReaderTests
{
    [Fact]
    public void Headers_written_by_the_publisher_read_back()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var time = new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.Zero);
        var headers = EnvelopeWriter.Create("0192f0c4-7b1e-7c3a-9d2e-4f5a6b7c8d9e", "OrderPlaced", "checkout", time, activity);

        Assert.True(KafkaEnvelope.TryRead(headers, out var envelope, out var reason), reason);
        Assert.Equal("0192f0c4-7b1e-7c3a-9d2e-4f5a6b7c8d9e", envelope.MessageId);
        Assert.Equal("OrderPlaced", envelope.MessageType);
        Assert.Equal("checkout", envelope.Source);
        Assert.Equal(time, envelope.Time);
        Assert.Equal(activity.TraceId, envelope.TraceContext.TraceId);
        Assert.Equal(activity.SpanId, envelope.TraceContext.SpanId);
    }

    [Fact]
    public void Records_read_one_after_another_each_get_their_own_type_and_source_and_a_repeated_value_reuses_its_string()
    {
        // The reader keeps the last ce_type and ce_source it decoded on this thread: a value that changes from one
        // record to the next (even to one of the same length) must be read as the new value, never the kept one.
        static Headers Record(string type, string source) => new()
        {
            { "ce_specversion", Encoding.UTF8.GetBytes("1.0") },
            { "ce_id", Encoding.UTF8.GetBytes("id-" + type + source) },
            { "ce_type", Encoding.UTF8.GetBytes(type) },
            { "ce_source", Encoding.UTF8.GetBytes(source) },
        };

        var read = new List<InboundEnvelope>();
        foreach (var (type, source) in new[] { ("OrderPlaced", "shop-a"), ("OrderPlaced", "shop-a"), ("OrderPlacex", "shop-a"), ("OrderPlacex", "shop-b"), ("OrderPlaced", "shop-a") })
        {
            Assert.True(KafkaEnvelope.TryRead(Record(type, source), out var envelope, out var reason), reason);
            Assert.Equal(type, envelope.MessageType);
            Assert.Equal(source, envelope.Source);
            read.Add(envelope);
        }

        Assert.Same(read[0].MessageType, read[1].MessageType);
        Assert.Same(read[0].Source, read[1].Source);
    }

    [Fact]
    public void Headers_from_another_client_with_the_minimal_cloudevents_set_are_accepted()
    {
        var headers = new Headers
        {
            { "ce_specversion", Encoding.UTF8.GetBytes("1.0") },
            { "ce_id", Encoding.UTF8.GetBytes("order-17") },
            { "ce_type", Encoding.UTF8.GetBytes("OrderPlaced") },
            { "content-type", Encoding.UTF8.GetBytes("application/json; charset=utf-8") },
        };

        Assert.True(KafkaEnvelope.TryRead(headers, out var envelope, out _));
        Assert.Equal("order-17", envelope.MessageId);
        Assert.Null(envelope.Time);
        Assert.Equal(default, envelope.TraceContext);
    }

    [Theory]
    [InlineData(null, "has no headers")]
    [InlineData("ce_id", "no ce_id")]
    [InlineData("ce_type", "no ce_type")]
    [InlineData("ce_specversion", "no ce_specversion")]
    public void A_missing_header_is_rejected_with_a_reason_naming_it(string? missing, string expectedReason)
    {
        Headers? headers = null;
        if (missing is not null)
        {
            headers = new Headers();
            foreach (var (key, value) in new[] { ("ce_specversion", "1.0"), ("ce_id", "x-1"), ("ce_type", "OrderPlaced") })
            {
                if (key != missing)
                {
                    headers.Add(key, Encoding.UTF8.GetBytes(value));
                }
            }
        }

        Assert.False(KafkaEnvelope.TryRead(headers, out _, out var reason));
        Assert.Contains(expectedReason, reason);
    }

    [Theory]
    [InlineData("ce_specversion", "0.3", "only \"1.0\"")]
    [InlineData("content-type", "application/avro", "only application/json")]
    [InlineData("ce_time", "yesterday", "not an RFC 3339")]
    public void A_malformed_header_is_rejected_with_a_reason(string key, string value, string expectedReason)
    {
        var headers = new Headers
        {
            { "ce_specversion", Encoding.UTF8.GetBytes("1.0") },
            { "ce_id", Encoding.UTF8.GetBytes("x-1") },
            { "ce_type", Encoding.UTF8.GetBytes("OrderPlaced") },
        };
        headers.Remove(key);
        headers.Add(key, Encoding.UTF8.GetBytes(value));

        Assert.False(KafkaEnvelope.TryRead(headers, out _, out var reason));
        Assert.Contains(expectedReason, reason);
    }
}
