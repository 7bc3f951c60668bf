using Confluent.Kafka;

namespace MessageContracts.Testing.Tests;

/// <summary>Real Confluent.Kafka clients pointed at an embedded cluster, with its recommended settings.</summary>
internal static class TestClients
{
    public static ProducerConfig ProducerConfig(EmbeddedKafka kafka)
    {
        return new ProducerConfig(WithRecommendedSettings(kafka)) { BootstrapServers = kafka.BootstrapServers };
    }

    public static ConsumerConfig ConsumerConfig(EmbeddedKafka kafka, string groupId)
    {
        return new ConsumerConfig(WithRecommendedSettings(kafka))
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
    }

    public static IProducer<string, string> Producer(ProducerConfig config)
    {
        // The tests break brokers on purpose: keep the clients' connection errors (and the warnings about
        // consumer-only recommended settings) out of the test output.
        return new ProducerBuilder<string, string>(config)
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build();
    }

    public static IConsumer<string, string> Consumer(ConsumerConfig config)
    {
        return new ConsumerBuilder<string, string>(config)
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build();
    }

    public static IAdminClient Admin(EmbeddedKafka kafka)
    {
        return new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
    }

    public static Message<string, string> Message(string value)
    {
        return new Message<string, string> { Key = "key", Value = value };
    }

    private static Dictionary<string, string> WithRecommendedSettings(EmbeddedKafka kafka)
    {
        return new Dictionary<string, string>(kafka.RecommendedClientSettings);
    }
}
