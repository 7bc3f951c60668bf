using MessageContracts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MessageContracts.Tests.Support;

/// <summary>A started host with MessageContracts on an embedded Kafka, and the test handlers' sinks.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool disposed;

    private TestHost(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public Received<OrderPlaced> Orders => Services.GetRequiredService<Received<OrderPlaced>>();

    public Received<ShipmentRequested> Shipments => Services.GetRequiredService<Received<ShipmentRequested>>();

    public HandlerAttempts Attempts => Services.GetRequiredService<HandlerAttempts>();

    public AuditTrail Audit => Services.GetRequiredService<AuditTrail>();

    public static Task<TestHost> StartAsync(EmbeddedKafka kafka, Action<MessageContractsOptions>? configure = null) =>
        StartAsync(options => options.UseEmbeddedKafka(kafka), configure);

    /// <summary>A host on <paramref name="kafka"/>: the embedded Kafka, or the external cluster <c>KAFKA_BOOTSTRAP_SERVERS</c> names.</summary>
    public static Task<TestHost> StartAsync(KafkaUnderTest kafka, Action<MessageContractsOptions>? configure = null) =>
        StartAsync(kafka.Configure, configure);

    private static async Task<TestHost> StartAsync(Action<MessageContractsOptions> useKafka, Action<MessageContractsOptions>? configure)
    {
        var group = "tests-" + Guid.NewGuid().ToString("N");
        var host = new HostBuilder()
            .ConfigureLogging(logging =>
            {
                if (Environment.GetEnvironmentVariable("MESSAGECONTRACTS_TEST_LOG_DIR") is { Length: > 0 } logDirectory)
                {
                    logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug);
                    logging.AddProvider(new FileLoggerProvider(Path.Combine(logDirectory, group + ".log")));
                }
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton<Received<OrderPlaced>>();
                services.AddSingleton<Received<ShipmentRequested>>();
                services.AddSingleton<HandlerAttempts>();
                services.AddSingleton<AuditTrail>();
                services.AddSingleton<Received<Warehouse.Contracts.InventoryReserved>>();
                services.AddSingleton<Received<Warehouse.Contracts.Parcels.ParcelWeighed>>();
                services.AddSingleton<Received<PriceChanged>>();
                services.AddMessageContracts(options =>
                {
                    useKafka(options);
                    options.ConsumerGroup = group;
                    options.ServiceName = "message-contracts-tests";
                    options.DeduplicationStore = new InMemoryDeduplicationStore();
                    configure?.Invoke(options);
                });
            })
            .Build();
        await host.StartAsync();
        return new TestHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await host.StopAsync();
        host.Dispose();
    }
}
