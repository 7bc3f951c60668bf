using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Testing.Tests;

/// <summary>PushBrokerRequestErrors: (error, delay) pairs for one broker, which go through a variadic C call.</summary>
public sealed class BrokerRequestErrorTests
{
    [Fact]
    public async Task A_success_answered_after_the_request_timeout_makes_the_producer_resend_and_duplicate_the_record()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("late-ack");
        ProducerConfig config = TestClients.ProducerConfig(kafka);
        // The client-side timeout of an in-flight request is socket.timeout.ms (request.timeout.ms is the
        // timeout the broker is asked to honour).
        config.SocketTimeoutMs = 500;
        config.EnableIdempotence = false;
        using IProducer<string, string> producer = TestClients.Producer(config);
        await producer.ProduceAsync("late-ack", TestClients.Message("warm-up"));

        kafka.StartRequestTracking();
        // Appended at once, acknowledged only after 3 s. The producer times the request out after 0.5 s
        // (librdkafka checks timeouts once a second, so in 1 to 2 s), reconnects and resends.
        kafka.PushBrokerRequestErrors(1, KafkaApiKey.Produce, (ErrorCode.NoError, TimeSpan.FromMilliseconds(3000)));
        DeliveryResult<string, string>? delivered = null;
        TimeSpan took = await Wait.TimeAsync(async () => delivered = await producer.ProduceAsync("late-ack", TestClients.Message("twice")));

        Assert.Equal(PersistenceStatus.Persisted, delivered!.Status);
        Assert.True(took >= TimeSpan.FromMilliseconds(500), $"delivered after {took.TotalMilliseconds} ms, before the request timeout");
        Assert.Equal(2, kafka.CountRequests(KafkaApiKey.Produce));

        // The log holds the warm-up record and two copies of "twice"; the producer saw the second one's offset.
        Assert.Equal(2, delivered.Offset.Value);
        using IConsumer<string, string> consumer = TestClients.Consumer(TestClients.ConsumerConfig(kafka, "late-ack-reader"));
        WatermarkOffsets offsets = consumer.QueryWatermarkOffsets(new TopicPartition("late-ack", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(3, offsets.High.Value);
    }

    [Fact]
    public async Task Pairs_are_served_in_order_each_with_its_error_and_its_delay()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("paired");
        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        await producer.ProduceAsync("paired", TestClients.Message("warm-up"));

        kafka.StartRequestTracking();
        kafka.PushBrokerRequestErrors(
            1,
            KafkaApiKey.Produce,
            (ErrorCode.NotLeaderForPartition, TimeSpan.Zero),
            (ErrorCode.TopicAuthorizationFailed, TimeSpan.FromMilliseconds(600)));
        ProduceException<string, string>? failure = null;
        TimeSpan took = await Wait.TimeAsync(async () => failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync("paired", TestClients.Message("refused"))));

        // The retriable error was retried, the second pair's error ended the delivery, after its delay.
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, failure!.Error.Code);
        Assert.Equal(2, kafka.CountRequests(KafkaApiKey.Produce));
        Assert.True(took >= TimeSpan.FromMilliseconds(600), $"failed after {took.TotalMilliseconds} ms, before the pushed delay");
    }

    [Fact]
    public async Task An_unknown_broker_is_refused_with_a_KafkaException()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();

        KafkaException error = Assert.Throws<KafkaException>(
            () => kafka.PushBrokerRequestErrors(7, KafkaApiKey.Produce, (ErrorCode.RequestTimedOut, TimeSpan.Zero)));

        Assert.Contains("broker 7", error.Message, StringComparison.Ordinal);
    }
}
