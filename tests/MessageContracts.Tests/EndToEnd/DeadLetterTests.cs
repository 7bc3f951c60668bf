using System.Text;
using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

public sealed class DeadLetterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_record_without_an_envelope_is_dead_lettered_with_its_reason_and_the_consumer_goes_on()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("shipping.requests");
        await using var host = await TestHost.StartAsync(kafka);

        using (var raw = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            await raw.ProduceAsync("shipping.requests", new Message<string, string> { Key = "o-1", Value = "{\"not\":\"an envelope\"}" });
        }

        var sender = host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>();
        await sender.SendAsync(new ShipmentRequested("o-2", 1, FailInHandler: false));
        await host.Shipments.WaitForCountAsync(1, Patience);

        var deadLetter = ReadOne(kafka.BootstrapServers, "shipping.requests.dead-letter");
        Assert.Equal("o-1", Encoding.UTF8.GetString(deadLetter.Message.Key));
        Assert.Equal("{\"not\":\"an envelope\"}", Encoding.UTF8.GetString(deadLetter.Message.Value));
        Assert.Contains("no headers", Header(deadLetter, MessageHeaders.DeadLetterReason));
        Assert.Equal("shipping.requests", Header(deadLetter, MessageHeaders.DeadLetterOriginalTopic));
        Assert.Equal("0", Header(deadLetter, MessageHeaders.DeadLetterOriginalOffset));
        Assert.Equal("o-2", host.Shipments.Snapshot().Single().Message.OrderReference);
    }

    [Fact]
    public async Task A_payload_that_is_not_the_contract_is_dead_lettered_at_once()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("shipping.requests");
        await using var host = await TestHost.StartAsync(kafka);

        using (var raw = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            var headers = new Headers
            {
                { MessageHeaders.SpecVersion, "1.0"u8.ToArray() },
                { MessageHeaders.Id, "poison-1"u8.ToArray() },
                { MessageHeaders.Type, "ShipmentRequested"u8.ToArray() },
            };
            await raw.ProduceAsync("shipping.requests", new Message<string, string> { Key = "o-3", Value = "{\"parcels\": \"many\"", Headers = headers });
        }

        var deadLetter = ReadOne(kafka.BootstrapServers, "shipping.requests.dead-letter");
        Assert.Contains("not a valid 'ShipmentRequested'", Header(deadLetter, MessageHeaders.DeadLetterReason));
        Assert.Equal(typeof(MessageDeserializationException).FullName, Header(deadLetter, MessageHeaders.DeadLetterExceptionType));
        Assert.Equal("poison-1", Header(deadLetter, MessageHeaders.Id));
        Assert.Equal(0, host.Attempts.For("poison-1"));
    }

    [Fact]
    public async Task A_handler_that_keeps_failing_is_retried_then_dead_lettered_with_the_attempt_count()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("shipping.requests");
        await using var host = await TestHost.StartAsync(kafka, options =>
        {
            options.Retry.MaxAttempts = 3;
            options.Retry.InitialDelay = TimeSpan.Zero;
        });
        var sender = host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>();

        var failing = await sender.SendAsync(new ShipmentRequested("o-4", 2, FailInHandler: true));
        await sender.SendAsync(new ShipmentRequested("o-5", 1, FailInHandler: false));
        await host.Shipments.WaitForCountAsync(1, Patience);

        var deadLetter = ReadOne(kafka.BootstrapServers, "shipping.requests.dead-letter");
        Assert.Equal(failing.MessageId, Header(deadLetter, MessageHeaders.Id));
        Assert.Equal("3", Header(deadLetter, MessageHeaders.DeadLetterAttempts));
        Assert.Equal(typeof(InvalidOperationException).FullName, Header(deadLetter, MessageHeaders.DeadLetterExceptionType));
        Assert.Contains("cannot be booked", Header(deadLetter, MessageHeaders.DeadLetterReason));
        Assert.StartsWith("tests-", Header(deadLetter, MessageHeaders.DeadLetterConsumerGroup));
        Assert.Equal(3, host.Attempts.For(failing.MessageId));
        Assert.Equal("o-5", host.Shipments.Snapshot().Single().Message.OrderReference);
    }

    private static ConsumeResult<byte[], byte[]> ReadOne(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "dead-letter-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 5,
        }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var record = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (record is not null && !record.IsPartitionEOF)
                {
                    return record;
                }
            }
            catch (ConsumeException exception) when (exception.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                // The dead-letter topic is created by the first dead letter; keep watching.
            }
        }

        throw new TimeoutException($"No record arrived on '{topic}' within {Patience}.");
    }

    private static string Header(ConsumeResult<byte[], byte[]> record, string key) =>
        record.Message.Headers.TryGetLastBytes(key, out var value) ? Encoding.UTF8.GetString(value) : $"<no {key} header>";
}
