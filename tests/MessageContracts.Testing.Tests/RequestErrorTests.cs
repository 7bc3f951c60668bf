using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Testing.Tests;

/// <summary>PushRequestErrors: cluster-wide errors for the next requests of one type.</summary>
public sealed class RequestErrorTests
{
    [Fact]
    public async Task A_producer_retries_through_retriable_produce_errors_and_delivers()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("retried");
        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        // Connect and learn the leader first, so only the produce below is counted.
        await producer.ProduceAsync("retried", TestClients.Message("warm-up"));

        kafka.StartRequestTracking();
        kafka.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut);
        DeliveryResult<string, string> delivered = await producer.ProduceAsync("retried", TestClients.Message("survives"));

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        // Two requests answered with the pushed errors, the third with success.
        Assert.Equal(3, kafka.CountRequests(KafkaApiKey.Produce));
    }

    [Fact]
    public async Task A_non_retriable_produce_error_fails_the_delivery_with_that_error()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("forbidden");
        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        await producer.ProduceAsync("forbidden", TestClients.Message("warm-up"));

        kafka.StartRequestTracking();
        kafka.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.TopicAuthorizationFailed);
        ProduceException<string, string> failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync("forbidden", TestClients.Message("refused")));

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, failure.Error.Code);
        Assert.Equal(1, kafka.CountRequests(KafkaApiKey.Produce));
    }
}
