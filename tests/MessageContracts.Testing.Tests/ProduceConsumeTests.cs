using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Testing.Tests;

public sealed class ProduceConsumeTests
{
    [Fact]
    public async Task Messages_produced_through_BootstrapServers_are_consumed_from_a_created_topic()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("orders", partitions: 3);

        using (IAdminClient admin = TestClients.Admin(kafka))
        {
            Metadata metadata = admin.GetMetadata("orders", TimeSpan.FromSeconds(10));
            TopicMetadata topic = Assert.Single(metadata.Topics);
            Assert.Equal(ErrorCode.NoError, topic.Error.Code);
            Assert.Equal(3, topic.Partitions.Count);
        }

        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        var sent = new HashSet<string>();
        for (int i = 0; i < 6; i++)
        {
            string value = $"order-{i}";
            var message = new Message<string, string> { Key = $"key-{i}", Value = value };
            DeliveryResult<string, string> delivered = await producer.ProduceAsync("orders", message);
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
            sent.Add(value);
        }

        using IConsumer<string, string> consumer = TestClients.Consumer(TestClients.ConsumerConfig(kafka, "orders-reader"));
        consumer.Assign(new[]
        {
            new TopicPartitionOffset("orders", 0, Offset.Beginning),
            new TopicPartitionOffset("orders", 1, Offset.Beginning),
            new TopicPartitionOffset("orders", 2, Offset.Beginning),
        });

        var received = new HashSet<string>();
        var partitions = new HashSet<int>();
        DateTime deadline = DateTime.UtcNow.AddSeconds(15);
        while (received.Count < sent.Count && DateTime.UtcNow < deadline)
        {
            ConsumeResult<string, string>? result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null)
            {
                received.Add(result.Message.Value);
                partitions.Add(result.Partition.Value);
            }
        }

        Assert.Equal(sent, received);
        // Six keys over three partitions: the keys really spread the messages.
        Assert.True(partitions.Count > 1, $"all messages landed in partition(s) {string.Join(",", partitions)}");
    }

    [Fact]
    public async Task A_consumer_group_member_receives_messages_through_a_subscription()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("payments", partitions: 2);

        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        await producer.ProduceAsync("payments", TestClients.Message("paid"));

        using IConsumer<string, string> consumer = TestClients.Consumer(TestClients.ConsumerConfig(kafka, "payments-group"));
        consumer.Subscribe("payments");
        ConsumeResult<string, string>? result = null;
        DateTime deadline = DateTime.UtcNow.AddSeconds(15);
        while (result is null && DateTime.UtcNow < deadline)
        {
            result = consumer.Consume(TimeSpan.FromMilliseconds(200));
        }

        Assert.NotNull(result);
        Assert.Equal("paid", result.Message.Value);
        consumer.Commit(result);
        consumer.Close();
    }

    [Fact]
    public async Task GroupInitialRebalanceDelay_holds_a_new_groups_first_assignment()
    {
        // Longer than the mock's own default (3 s), so the test fails if the option is not applied.
        var delay = TimeSpan.FromMilliseconds(3500);
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { GroupInitialRebalanceDelay = delay });
        kafka.CreateTopic("delayed-group");
        using IProducer<string, string> producer = TestClients.Producer(TestClients.ProducerConfig(kafka));
        await producer.ProduceAsync("delayed-group", TestClients.Message("waiting"));

        using IConsumer<string, string> consumer = TestClients.Consumer(TestClients.ConsumerConfig(kafka, "delayed-group-readers"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        consumer.Subscribe("delayed-group");
        ConsumeResult<string, string>? result = null;
        while (result is null && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            result = consumer.Consume(TimeSpan.FromMilliseconds(100));
        }

        Assert.NotNull(result);
        Assert.True(clock.Elapsed >= delay, $"assigned and consumed after {clock.Elapsed.TotalMilliseconds} ms, within the rebalance delay");
        consumer.Close();
    }

    [Fact]
    public async Task Every_broker_is_in_the_bootstrap_list_and_in_metadata()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = 3 });

        Assert.Equal(3, kafka.BrokerCount);
        Assert.Equal(3, kafka.BootstrapServers.Split(',').Length);
        using IAdminClient admin = TestClients.Admin(kafka);
        Metadata metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var brokerIds = new List<int>();
        foreach (BrokerMetadata broker in metadata.Brokers)
        {
            brokerIds.Add(broker.BrokerId);
        }

        brokerIds.Sort();
        Assert.Equal(new[] { 1, 2, 3 }, brokerIds);
    }
}
