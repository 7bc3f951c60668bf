using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace MessageContracts.Tests.Hosting;

/// <summary>
/// <see cref="MessageContractsOptions.ConfigureProducer"/> and <see cref="MessageContractsOptions.ConfigureConsumer"/>:
/// what a hook sets reaches the Kafka clients, and goes through the same startup checks as the string dictionaries.
/// </summary>
public sealed class ClientConfigHookTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Nothing listens there: only the hooks' bootstrap servers can reach the broker.
    private const string Unreachable = "127.0.0.1:1";

    [Fact]
    public async Task What_the_hooks_set_reaches_the_producer_and_the_consumer()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed", partitions: 2);
        await using var host = await TestHost.StartAsync(kafka, options =>
        {
            options.BootstrapServers = Unreachable;
            options.ConfigureProducer(config => config.BootstrapServers = kafka.BootstrapServers);
            options.ConfigureConsumer(config => config.BootstrapServers = kafka.BootstrapServers);
        });
        var order = new OrderPlaced(Guid.NewGuid(), "c-hooks", 7m);

        var result = await host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>().PublishAsync(order);

        Assert.Equal(PublishOutcome.Delivered, result.Outcome);
        await host.Orders.WaitUntilAsync(seen => seen.Any(o => o.Message == order), Patience, "the order published through the hooks' broker");
    }

    [Fact]
    public void A_hook_sees_the_dictionary_entries_and_later_hooks_win()
    {
        var options = new MessageContractsOptions();
        options.ProducerSettings["linger.ms"] = "20";
        string? seen = null;
        options.ConfigureProducer(config => seen = config.Get("linger.ms"));
        options.ConfigureProducer(config => config.LingerMs = 1);
        options.ConfigureProducer(config => config.LingerMs = 2);

        var settings = options.UserProducerSettings();

        Assert.Equal("20", seen);
        Assert.True(settings.TryGetValue("linger.ms", out var linger));
        Assert.Equal("2", linger);
        Assert.Equal("20", options.ProducerSettings["linger.ms"]);
    }

    [Theory]
    [InlineData("message.timeout.ms", "A MessageContractsOptions.ConfigureProducer hook sets 'message.timeout.ms'", "set PublishTimeout instead")]
    [InlineData("socket.timeout.ms", "'socket.timeout.ms' (set by a MessageContractsOptions.ConfigureProducer hook) is 60000 ms", "not less than half of PublishTimeout")]
    [InlineData("message.send.max.retries", "'message.send.max.retries' (set by a MessageContractsOptions.ConfigureProducer hook) is 0", "would never be re-sent")]
    public void A_producer_hook_that_would_defeat_the_publish_timeout_fails_startup_naming_the_hook(string key, string names, string expected)
    {
        var failure = Assert.Single(StartupFailures(options => options.ConfigureProducer(config =>
        {
            switch (key)
            {
                case "message.timeout.ms":
                    config.MessageTimeoutMs = 300_000;
                    break;
                case "socket.timeout.ms":
                    config.SocketTimeoutMs = 60_000;
                    break;
                default:
                    config.MessageSendMaxRetries = 0;
                    break;
            }
        })));

        Assert.Contains(names, failure);
        Assert.Contains(expected, failure);
    }

    [Fact]
    public void A_hook_that_overrides_an_accepted_dictionary_entry_is_checked_by_its_own_value()
    {
        var failures = StartupFailures(options =>
        {
            options.ProducerSettings["socket.timeout.ms"] = "500";
            options.ConfigureProducer(config => config.SocketTimeoutMs = 20_000);
        });

        var failure = Assert.Single(failures);
        Assert.Contains("'socket.timeout.ms' (set by a MessageContractsOptions.ConfigureProducer hook) is 20000 ms", failure);
    }

    [Fact]
    public void A_consumer_hook_that_stores_offsets_before_handling_fails_startup_naming_the_hook()
    {
        var failure = Assert.Single(StartupFailures(options => options.ConfigureConsumer(config => config.EnableAutoOffsetStore = true)));

        // Confluent.Kafka writes the typed true as "True"; librdkafka reads either.
        Assert.StartsWith("'enable.auto.offset.store' (set by a MessageContractsOptions.ConfigureConsumer hook) is 'True'", failure, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("a crash would lose records", failure);
    }

    [Fact]
    public void The_same_setting_in_the_dictionary_fails_startup_naming_the_dictionary()
    {
        var failure = Assert.Single(StartupFailures(options => options.ConsumerSettings["enable.auto.offset.store"] = "true"));

        Assert.StartsWith("MessageContractsOptions.ConsumerSettings['enable.auto.offset.store'] is 'true'", failure);
    }

    [Fact]
    public void A_consumer_hook_with_another_group_id_fails_startup()
    {
        var failure = Assert.Single(StartupFailures(options =>
        {
            options.ConsumerGroup = "billing";
            options.ConfigureConsumer(config => config.GroupId = "shipping");
        }));

        Assert.Contains("'group.id' (set by a MessageContractsOptions.ConfigureConsumer hook) is 'shipping', not MessageContractsOptions.ConsumerGroup ('billing')", failure);
        Assert.Contains("set ConsumerGroup instead", failure);
    }

    [Fact]
    public void Hooks_that_keep_the_guarantees_are_accepted()
    {
        Assert.Empty(StartupFailures(options =>
        {
            options.ConsumerGroup = "billing";
            options.ConfigureConsumer(config =>
            {
                config.EnableAutoOffsetStore = false;
                config.GroupId = "billing";
                config.FetchWaitMaxMs = 5;
            });
            options.ConfigureProducer(config =>
            {
                config.LingerMs = 20;
                config.SocketTimeoutMs = 9_000;
            });
        }));
    }

    private static IReadOnlyList<string> StartupFailures(Action<MessageContractsOptions> configure)
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddMessageContracts(options =>
            {
                options.BootstrapServers = "localhost:9092";
                configure(options);
            })
            .BuildServiceProvider();
        try
        {
            _ = services.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return [.. exception.Failures];
        }
    }
}
