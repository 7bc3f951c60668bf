using MessageContracts.Redis.Tests.Support;
using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MessageContracts.Redis.Tests.Faults;

/// <summary>
/// A started host of one service on a fault test's own Redis server: UseRedis with the configuration string given (the
/// user's code path), the Redis deduplication store on that server, and of the test handlers
/// <see cref="DeliverParcelHandler"/> and <see cref="ParcelScannedRecorder"/> (or none: a sender only), unless told
/// otherwise (commands only, another deduplication store).
/// </summary>
public sealed class FaultHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool disposed;

    private FaultHost(IHost host, LogRecorder logs)
    {
        this.host = host;
        Logs = logs;
    }

    /// <summary>What the service logged.</summary>
    public LogRecorder Logs { get; }

    public Received<DeliverParcel> Deliveries => host.Services.GetRequiredService<Received<DeliverParcel>>();

    public Received<ParcelScanned> Scans => host.Services.GetRequiredService<Received<ParcelScanned>>();

    public IEventPublisher<ParcelScanned> Publisher => host.Services.GetRequiredService<IEventPublisher<ParcelScanned>>();

    public ICommandSender<DeliverParcel> Sender => host.Services.GetRequiredService<ICommandSender<DeliverParcel>>();

    /// <summary>The service's one connection (the sender's, which the receiver shares).</summary>
    public IConnectionMultiplexer Connection => ((RedisTransportSender)host.Services.GetRequiredService<ITransportSender>()).Connection;

    public static async Task<FaultHost> StartAsync(
        string configuration,
        string service,
        IConnectionMultiplexer store,
        bool handles,
        DeliveryGate? gate = null,
        bool events = true,
        IDeduplicationStore? deduplication = null)
    {
        var logs = new LogRecorder();
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.AddProvider(logs))
            .ConfigureServices(services =>
            {
                services.AddSingleton(gate ?? new DeliveryGate());
                services.AddSingleton<Received<DeliverParcel>>();
                services.AddSingleton<Received<ParcelScanned>>();
                services.AddMessageContracts(
                    options =>
                    {
                        options.UseRedis(configuration, redis => redis.MaxPollDelay = TimeSpan.FromMilliseconds(200));
                        options.ServiceName = service;
                        options.ConsumerGroup = service;
                        options.DeduplicationStore = deduplication ?? new RedisDeduplicationStore(store, new RedisDeduplicationStoreOptions { KeyPrefix = "dedup:" });
                        options.Retry.InitialDelay = TimeSpan.Zero;
                    },
                    handler => handles && (handler == typeof(DeliverParcelHandler) || (events && handler == typeof(ParcelScannedRecorder))));
            })
            .Build();
        await host.StartAsync();
        return new FaultHost(host, logs);
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
