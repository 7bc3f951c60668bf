using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

/// <summary>
/// What docs/interop.md promises to clients that are not this toolkit: a plain Kafka consumer finds the CloudEvents
/// binary-mode headers and plain JSON on every record the toolkit publishes, and a plain producer needs only three
/// string headers (what <c>kcat -H</c> sends) for its record to be handled, deduplicated by its <c>ce_id</c>. A record
/// with all the headers from a Confluent.Kafka producer is <see cref="DispatchTests"/>' last test.
/// </summary>
public sealed class InteropTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_plain_consumer_reads_the_cloudevents_headers_the_key_and_plain_json_of_a_published_record()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        await using var host = await TestHost.StartAsync(kafka);
        var order = new OrderPlaced(Guid.NewGuid(), "c-7", 12.5m);
        var before = DateTimeOffset.UtcNow;
        var published = await host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>().PublishAsync(order);

        var record = Assert.Single(KafkaProbe.ReadAll(kafka.BootstrapServers, "order-placed"));

        Assert.Equal(
            ["ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "content-type"],
            record.Message.Headers.Select(h => h.Key));
        Assert.Equal("1.0", KafkaProbe.Header(record, "ce_specversion"));
        Assert.Equal(published.MessageId, KafkaProbe.Header(record, "ce_id"));
        Assert.Equal("OrderPlaced", KafkaProbe.Header(record, "ce_type"));
        Assert.Equal("message-contracts-tests", KafkaProbe.Header(record, "ce_source"));
        Assert.Equal("application/json", KafkaProbe.Header(record, "content-type"));
        var time = DateTimeOffset.Parse(KafkaProbe.Header(record, "ce_time")!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.InRange(time, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.EndsWith("Z", KafkaProbe.Header(record, "ce_time"), StringComparison.Ordinal);

        // The key is the partition key's text; the value is the contract as System.Text.Json's web defaults read it.
        Assert.Equal(order.OrderId.ToString("D"), Encoding.UTF8.GetString(record.Message.Key!));
        Assert.Equal(order, JsonSerializer.Deserialize<OrderPlaced>(record.Message.Value, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        Assert.StartsWith("{\"orderId\":", Encoding.UTF8.GetString(record.Message.Value!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_with_only_the_three_required_string_headers_is_handled_and_deduplicated_by_its_ce_id()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        await using var host = await TestHost.StartAsync(kafka);
        var orderId = Guid.NewGuid();

        // What `kcat -P -k <key> -H ce_specversion=1.0 -H ce_id=<id> -H ce_type=OrderPlaced` sends: string headers, no
        // ce_source, ce_time or content-type. The second record repeats the first one's ID (a resend); the third, on
        // the same key and so the same partition, comes after it, so once it is handled the resend has been settled.
        using (var plain = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            foreach (var (id, total) in new[] { ("cli-1", 1), ("cli-1", 2), ("cli-2", 3) })
            {
                await plain.ProduceAsync("order-placed", new Message<string, string>
                {
                    Key = orderId.ToString("D"),
                    Value = $$"""{"orderId":"{{orderId:D}}","customerId":"from-the-command-line","total":{{total}}}""",
                    Headers = new Headers
                    {
                        { "ce_specversion", "1.0"u8.ToArray() },
                        { "ce_id", Encoding.ASCII.GetBytes(id) },
                        { "ce_type", "OrderPlaced"u8.ToArray() },
                    },
                });
            }
        }

        await host.Orders.WaitUntilAsync(seen => seen.Any(s => s.Context.MessageId == "cli-2"), Patience, "the record cli-2");

        var handled = host.Orders.Snapshot();
        Assert.Equal(["cli-1", "cli-2"], handled.Select(h => h.Context.MessageId));
        Assert.Equal([1m, 3m], handled.Select(h => h.Message.Total));
        Assert.All(handled, h => Assert.Equal(orderId.ToString("D"), h.Context.Key));
        Assert.All(handled, h => Assert.Null(h.Context.Source));
        Assert.All(handled, h => Assert.Null(h.Context.Time));
    }
}
