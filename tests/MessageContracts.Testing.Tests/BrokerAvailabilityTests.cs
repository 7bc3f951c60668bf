using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Testing.Tests;

/// <summary>SetBrokerDown, SetBrokerUp and SetBrokerRoundTripTime.</summary>
public sealed class BrokerAvailabilityTests
{
    [Fact]
    public async Task A_produce_waits_while_every_broker_is_down_and_completes_once_they_are_up()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("outage");
        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        await producer.ProduceAsync("outage", TestClients.Message("before"));

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        Task<DeliveryResult<string, string>> pending = producer.ProduceAsync("outage", TestClients.Message("during"));

        // Absence can only be watched for a while: one second is many produce round trips on the mock.
        Task first = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.NotSame(pending, first);

        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        DeliveryResult<string, string> delivered = await pending.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
    }

    [Fact]
    public async Task A_broker_round_trip_time_delays_its_responses_until_reset()
    {
        var roundTrip = TimeSpan.FromMilliseconds(600);
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("slow");
        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        await producer.ProduceAsync("slow", TestClients.Message("warm-up"));

        TimeSpan normal = await Wait.TimeAsync(() => producer.ProduceAsync("slow", TestClients.Message("normal")));
        kafka.SetBrokerRoundTripTime(1, roundTrip);
        TimeSpan delayed = await Wait.TimeAsync(() => producer.ProduceAsync("slow", TestClients.Message("delayed")));
        kafka.SetBrokerRoundTripTime(EmbeddedKafka.AllBrokers, TimeSpan.Zero);

        // A request the broker queued before the reset (a metadata refresh, say) still answers after its delay, and the
        // connection answers in order, so the first produce after the reset may wait behind it (seen once: 615 ms under
        // load). One produce drains what was queued; the one timed after it shows the reset.
        await producer.ProduceAsync("slow", TestClients.Message("drain"));
        TimeSpan reset = await Wait.TimeAsync(() => producer.ProduceAsync("slow", TestClients.Message("reset")));

        Assert.True(normal < roundTrip, $"an undelayed produce took {normal.TotalMilliseconds} ms");
        Assert.True(delayed >= roundTrip, $"a delayed produce took {delayed.TotalMilliseconds} ms");
        Assert.True(reset < roundTrip, $"a produce after the reset took {reset.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task An_unknown_broker_is_refused_with_a_KafkaException()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = 2 });

        KafkaException down = Assert.Throws<KafkaException>(() => kafka.SetBrokerDown(3));
        KafkaException rtt = Assert.Throws<KafkaException>(() => kafka.SetBrokerRoundTripTime(3, TimeSpan.FromMilliseconds(10)));

        Assert.Contains("broker 3", down.Message, StringComparison.Ordinal);
        Assert.Contains("broker 3", rtt.Message, StringComparison.Ordinal);
    }
}
