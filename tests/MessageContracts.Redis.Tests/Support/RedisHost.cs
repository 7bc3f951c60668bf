using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MessageContracts.Redis.Tests.Support;

/// <summary>
/// A started host of one service on the Redis transport, under the test's key prefix, with the Redis deduplication store
/// on the fixture's connection: the user's code path (AddMessageContracts, UseRedis, generated contracts and handlers).
/// </summary>
public sealed class RedisHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool disposed;

    private RedisHost(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public Received<ParcelScanned> Scans => Services.GetRequiredService<Received<ParcelScanned>>();

    public Received<DeliverParcel> Deliveries => Services.GetRequiredService<Received<DeliverParcel>>();

    public IEventPublisher<ParcelScanned> Publisher => Services.GetRequiredService<IEventPublisher<ParcelScanned>>();

    public ICommandSender<DeliverParcel> Sender => Services.GetRequiredService<ICommandSender<DeliverParcel>>();

    /// <summary>Starts service <paramref name="service"/>; <paramref name="handles"/> false makes it a sender only (no receiver).</summary>
    public static async Task<RedisHost> StartAsync(
        RedisServer server,
        string prefix,
        string service,
        Action<MessageContractsOptions>? configure = null,
        Action<RedisTransportOptions>? configureRedis = null,
        bool handles = true,
        DeliveryGate? gate = null)
    {
        gate ??= new DeliveryGate();
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.AddProvider(new DeliveryGate.ReleaseOnStop(gate)))
            .ConfigureServices(services =>
            {
                services.AddSingleton(gate);
                services.AddSingleton<Received<ParcelScanned>>();
                services.AddSingleton<Received<DeliverParcel>>();
                services.AddMessageContracts(
                    options =>
                    {
                        options.UseRedis(RedisServer.Configuration, redis =>
                        {
                            redis.KeyPrefix = prefix;
                            redis.MaxPollDelay = TimeSpan.FromMilliseconds(200);
                            configureRedis?.Invoke(redis);
                        });
                        options.ServiceName = service;
                        options.ConsumerGroup = service;
                        options.DeduplicationStore = new RedisDeduplicationStore(server.Connection, new RedisDeduplicationStoreOptions { KeyPrefix = prefix + "dedup:" });
                        options.Retry.InitialDelay = TimeSpan.Zero;
                        configure?.Invoke(options);
                    },
                    handler => handles);
            })
            .Build();
        await host.StartAsync();
        return new RedisHost(host);
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
