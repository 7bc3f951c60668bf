using MessageContracts.Testing;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

/// <summary>
/// AddMessageContracts with a handler filter: several services share one assembly, each host runs only its own
/// handlers and consumes only the topics they need.
/// </summary>
public sealed class HandlerFilterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_handler_the_filter_refuses_never_runs_and_a_topic_only_it_needs_is_not_subscribed()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        kafka.CreateTopic("shipping.requests");
        using var host = BuildHost(kafka, handlerType => handlerType == typeof(OrderPlacedRecorder));
        await host.StartAsync();

        // Registration: the one kept handler, and a subscription to its topic only.
        Assert.Equal(["order-placed"], host.Services.GetRequiredService<HandlerCatalog>().Topics);
        using (var scope = host.Services.CreateScope())
        {
            Assert.Equal([typeof(OrderPlacedRecorder)], scope.ServiceProvider.GetServices<IMessageHandler<OrderPlaced>>().Select(h => h.GetType()));
            Assert.Empty(scope.ServiceProvider.GetServices<IMessageHandler<ShipmentRequested>>());
        }

        // Behaviour: the shipment is published first, so once the order is handled the consumer had every chance to
        // run the refused handlers; neither the auditor (same topic) nor the shipment handler (other topic) ran.
        var shipment = await host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>().SendAsync(new ShipmentRequested("o-1", 1, false));
        await host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>().PublishAsync(new OrderPlaced(Guid.NewGuid(), "c-1", 5m));
        var orders = host.Services.GetRequiredService<Received<OrderPlaced>>();
        await orders.WaitForCountAsync(1, Patience);

        Assert.Empty(host.Services.GetRequiredService<AuditTrail>().Snapshot());
        Assert.Empty(host.Services.GetRequiredService<Received<ShipmentRequested>>().Snapshot());
        Assert.Equal(0, host.Services.GetRequiredService<HandlerAttempts>().For(shipment.MessageId));
        await host.StopAsync();
    }

    [Fact]
    public void A_filter_that_keeps_no_handler_gives_a_publishing_service_without_a_consumer()
    {
        var services = new ServiceCollection();
        services.AddMessageContracts(options => options.BootstrapServers = "localhost:9092", _ => false);

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(MessageConsumerService));
        Assert.DoesNotContain(services, d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IMessageHandler<>));
        Assert.Contains(services, d => d.ServiceType == typeof(IEventPublisher<>));
    }

    [Fact]
    public void A_null_filter_is_refused()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>(() => services.AddMessageContracts(options => options.BootstrapServers = "localhost:9092", handlerFilter: null!));
    }

    private static IHost BuildHost(EmbeddedKafka kafka, Func<Type, bool> handlerFilter) =>
        new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton<Received<OrderPlaced>>();
                services.AddSingleton<Received<ShipmentRequested>>();
                services.AddSingleton<HandlerAttempts>();
                services.AddSingleton<AuditTrail>();
                services.AddMessageContracts(
                    options =>
                    {
                        options.UseEmbeddedKafka(kafka);
                        options.ConsumerGroup = "filter-" + Guid.NewGuid().ToString("N");
                        options.DeduplicationStore = new InMemoryDeduplicationStore();
                    },
                    handlerFilter);
            })
            .Build();
}
