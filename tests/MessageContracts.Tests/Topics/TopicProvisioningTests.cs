using System.Diagnostics;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Topics;

/// <summary>
/// Topics exist before they are needed: the ones a host handles (and their dead-letter topics) when it has started,
/// one it only publishes to before its first message; with provisioning off, the consumer still notices a topic that
/// appears, within seconds.
/// </summary>
public sealed class TopicProvisioningTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_host_that_publishes_and_sends_right_after_starting_has_its_command_handled()
    {
        // The case: nothing created beforehand, 20 events and one command right after StartAsync.
        await using var kafka = await EmbeddedKafka.StartAsync();
        await using var host = await StartAsync(kafka, output, options => { });

        // Started means subscribed to topics that exist: the consumer never saw them missing.
        string[] needed = ["order-placed", "order-placed.dead-letter", "shipping.requests", "shipping.requests.dead-letter"];
        Assert.Subset(AllTopics(kafka).ToHashSet(), needed.ToHashSet());
        Assert.All(needed, topic => Assert.Equal(4, KafkaProbe.PartitionCount(kafka.BootstrapServers, topic))); // the embedded cluster's default

        var events = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();
        var commands = host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => events.PublishAsync(new OrderPlaced(Guid.NewGuid(), $"customer-{i}", i))));
        var sent = await commands.SendAsync(new ShipmentRequested("order-1", 2, FailInHandler: false));

        var shipments = host.Services.GetRequiredService<Received<ShipmentRequested>>();
        await shipments.WaitForCountAsync(1, Patience);
        await host.Services.GetRequiredService<Received<OrderPlaced>>().WaitForCountAsync(20, Patience);
        Assert.Equal(sent.MessageId, Assert.Single(shipments.Snapshot()).Context.MessageId);
        Assert.False(host.Logs.Any(e => e.Message.Contains("not available", StringComparison.OrdinalIgnoreCase)), "the consumer saw a subscribed topic missing");
    }

    [Fact]
    public async Task Partitions_are_configurable_and_a_topic_only_published_to_is_created_before_its_first_message()
    {
        await using var kafka = await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = 2 });
        await using var host = await StartAsync(kafka, output, options =>
        {
            options.TopicProvisioning.Partitions = 3;
            options.TopicProvisioning.ReplicationFactor = 2;
        });

        Assert.Equal(3, KafkaProbe.PartitionCount(kafka.BootstrapServers, "order-placed"));
        Assert.Equal(3, KafkaProbe.PartitionCount(kafka.BootstrapServers, "shipping.requests.dead-letter"));

        // Not handled here: without provisioning, the first produce would auto-create it with the mock's 4 partitions.
        var result = await host.Services.GetRequiredService<IEventPublisher<PriceChanged>>().PublishAsync(new PriceChanged("sku-1", 1m));
        Assert.True(result.Delivered);
        Assert.Equal(3, KafkaProbe.PartitionCount(kafka.BootstrapServers, "price-changed"));
        Assert.Contains(host.Logs.Snapshot(), e => e.Message == "Created topic 'price-changed' (3 partitions)");
    }

    [Fact]
    public async Task With_provisioning_off_nothing_is_created_and_the_consumer_notices_a_new_topic_within_seconds()
    {
        // The race, made certain: the consumer joins its group with the one handled topic that exists, and the
        // other appears only afterwards (the broker creates it on the first send). librdkafka looks for it again only at
        // its next metadata refresh: 5 minutes by default, 5 seconds with the toolkit's consumer default.
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        await using var host = await StartAsync(kafka, output, options =>
        {
            options.TopicProvisioning.Enabled = false;

            // Only the toolkit's own consumer default decides how soon the new topic is seen.
            options.ConsumerSettings.Remove("topic.metadata.refresh.interval.ms");
        });

        Assert.DoesNotContain("shipping.requests", AllTopics(kafka));
        Assert.DoesNotContain("order-placed.dead-letter", AllTopics(kafka));
        await Eventually.UntilAsync(
            () => host.Logs.Any(e => e.Message.Contains(" assigned ", StringComparison.Ordinal) && e.Message.Contains("order-placed", StringComparison.Ordinal)),
            Patience,
            () => "the consumer was not assigned order-placed");

        var clock = Stopwatch.StartNew();
        await host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>().SendAsync(new ShipmentRequested("order-2", 1, FailInHandler: false));
        await host.Services.GetRequiredService<Received<ShipmentRequested>>().WaitForCountAsync(1, TimeSpan.FromSeconds(20));
        output.WriteLine($"handled {clock.Elapsed.TotalSeconds:0.0} s after the topic appeared");
    }

    [Fact]
    public async Task A_cluster_that_refuses_says_how_to_opt_out_and_the_host_still_starts()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("shipping.requests");
        await using var host = await StartAsync(kafka, output, options => options.TopicCreator = new RefusingCreator());

        var errors = host.Logs.Snapshot().Where(e => e.Level == LogLevel.Error && e.Category.EndsWith("TopicProvisioner", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, errors.Count); // every handled topic and its dead-letter topic
        Assert.All(errors, e => Assert.Contains("set MessageContractsOptions.TopicProvisioning.Enabled = false", e.Message));
        Assert.Contains(errors, e => e.Message.StartsWith("Topic 'order-placed' does not exist and this application may not create it (TopicAuthorizationFailed", StringComparison.Ordinal));

        // The topic that did exist works as before.
        await host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>().SendAsync(new ShipmentRequested("order-3", 1, FailInHandler: false));
        await host.Services.GetRequiredService<Received<ShipmentRequested>>().WaitForCountAsync(1, Patience);
    }

    [Fact]
    public async Task The_admin_client_asks_only_for_missing_topics_and_reports_what_it_could_not_do()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("existing-a");
        kafka.CreateTopic("existing-b");
        var creator = new AdminClientTopicCreator(new MessageContractsOptions { BootstrapServers = kafka.BootstrapServers, ServiceName = "topics-tests" });

        // All there: one metadata request, no CreateTopics (which would need a right to create, and the mock cannot).
        var clock = Stopwatch.StartNew();
        var existing = await creator.CreateAsync(["existing-a", "existing-b"], null, null, TimeSpan.FromSeconds(5), default);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}: it sent CreateTopics for topics that exist");
        Assert.Equal([new TopicOutcome("existing-a", TopicOutcomeKind.Existed), new TopicOutcome("existing-b", TopicOutcomeKind.Existed)], existing);

        // One missing: the mock cannot create it through the admin API, and says so as an outcome, not an exception.
        var mixed = await creator.CreateAsync(["existing-a", "missing"], 2, 1, TimeSpan.FromSeconds(2), default);
        Assert.Equal(new TopicOutcome("existing-a", TopicOutcomeKind.Existed), mixed[0]);
        Assert.Equal("missing", mixed[1].Topic);
        Assert.Equal(TopicOutcomeKind.Failed, mixed[1].Kind);
        Assert.False(string.IsNullOrEmpty(mixed[1].Reason));
    }

    [Theory]
    [InlineData(0, null, "Partitions")]
    [InlineData(null, (short)0, "ReplicationFactor")]
    public void Settings_that_cannot_make_a_topic_fail_startup(int? partitions, short? replicationFactor, string named)
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddMessageContracts(options =>
            {
                options.BootstrapServers = "localhost:9092";
                options.TopicProvisioning.Partitions = partitions;
                options.TopicProvisioning.ReplicationFactor = replicationFactor;
            })
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MessageContractsOptions>>().Value);
        Assert.Contains("TopicProvisioning." + named, Assert.Single(exception.Failures));
    }

    // Every topic of the cluster: a metadata request naming a topic would have the mock create it.
    private static List<string> AllTopics(EmbeddedKafka kafka)
    {
        using var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        return [.. admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic)];
    }

    /// <summary>A host that handles OrderPlaced and ShipmentRequested only, with its log captured.</summary>
    private static async Task<ProvisioningHost> StartAsync(EmbeddedKafka kafka, ITestOutputHelper output, Action<MessageContractsOptions> configure)
    {
        var logs = new LogCapture("host", output);
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information))
            .ConfigureServices(services =>
            {
                services.AddSingleton<Received<OrderPlaced>>();
                services.AddSingleton<Received<ShipmentRequested>>();
                services.AddSingleton<HandlerAttempts>();
                services.AddMessageContracts(
                    options =>
                    {
                        options.UseEmbeddedKafka(kafka);
                        options.ConsumerGroup = "topics-" + Guid.NewGuid().ToString("N");
                        options.ServiceName = "topics-tests";
                        options.DeduplicationStore = new InMemoryDeduplicationStore();
                        configure(options);
                    },
                    handlerType => handlerType == typeof(OrderPlacedRecorder) || handlerType == typeof(ShipmentHandler));
            })
            .Build();
        await host.StartAsync();
        return new ProvisioningHost(host, logs);
    }

    private sealed class ProvisioningHost(IHost host, LogCapture logs) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public LogCapture Logs => logs;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>A cluster where the application may not create topics (a real cluster with ACLs answers so).</summary>
    private sealed class RefusingCreator : ITopicCreator
    {
        public Task<IReadOnlyList<TopicOutcome>> CreateAsync(
            IReadOnlyList<string> topics, int? partitions, short? replicationFactor, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<TopicOutcome>>([.. topics.Select(topic => new TopicOutcome(
                topic, TopicOutcomeKind.NotAuthorized, "TopicAuthorizationFailed: Broker: Topic authorization failed"))]);
    }
}
