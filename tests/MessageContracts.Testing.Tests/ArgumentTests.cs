using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Testing.Tests;

public sealed class ArgumentTests
{
    [Fact]
    public async Task StartAsync_refuses_fewer_than_one_broker()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = 0 }));
    }

    [Fact]
    public async Task StartAsync_honours_a_cancelled_token()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EmbeddedKafka.StartAsync(cancellationToken: new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Creating_a_topic_twice_fails_with_TopicAlreadyExists()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("once");

        KafkaException error = Assert.Throws<KafkaException>(() => kafka.CreateTopic("once"));

        Assert.Equal(ErrorCode.TopicAlreadyExists, error.Error.Code);
        Assert.Contains("'once'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTopic_checks_its_arguments()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();

        Assert.Throws<ArgumentException>(() => kafka.CreateTopic(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => kafka.CreateTopic("t", partitions: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => kafka.CreateTopic("t", replicationFactor: 2));
    }

    [Fact]
    public async Task Fault_injection_checks_its_arguments()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();

        Assert.Throws<ArgumentException>(() => kafka.PushRequestErrors(KafkaApiKey.Produce));
        Assert.Throws<ArgumentException>(() => kafka.PushBrokerRequestErrors(1, KafkaApiKey.Produce));
        Assert.Throws<ArgumentOutOfRangeException>(() => kafka.SetBrokerRoundTripTime(1, TimeSpan.FromMilliseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => kafka.PushBrokerRequestErrors(1, KafkaApiKey.Produce, (ErrorCode.NoError, TimeSpan.FromMilliseconds(-1))));
    }
}
