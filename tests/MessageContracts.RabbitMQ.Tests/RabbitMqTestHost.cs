using MessageContracts.RabbitMQ;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>
/// A started host as a user builds it: <c>AddMessageContracts(o => o.UseRabbitMq(uri))</c> on a test class's virtual
/// host, with this assembly's generated contracts and handlers, named <paramref name="service"/> (its consumer group and
/// event queues). Hosts of one service share a deduplication store, as instances of one service share a database.
/// </summary>
public sealed class RabbitMqTestHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool disposed;

    private RabbitMqTestHost(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public HostLog Log => Services.GetRequiredService<HostLog>();

    public static async Task<RabbitMqTestHost> StartAsync(
        RabbitMqVirtualHost virtualHost,
        string service,
        IDeduplicationStore? store = null,
        Action<MessageContractsOptions>? configure = null,
        Action<RabbitMqTransportOptions>? transport = null)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton(new HostLog(service));
                services.AddMessageContracts(options =>
                {
                    options.UseRabbitMq(virtualHost.Uri.ToString(), rabbit =>
                    {
                        rabbit.ManagementUri = virtualHost.ManagementUri;
                        rabbit.RecoveryInterval = TimeSpan.FromMilliseconds(500);
                        transport?.Invoke(rabbit);
                    });
                    options.ServiceName = service;
                    options.ConsumerGroup = service;
                    options.MaxConcurrency = 4;
                    options.PublishTimeout = TimeSpan.FromSeconds(10);
                    options.DeduplicationStore = store ?? new InMemoryDeduplicationStore();
                    options.Retry.InitialDelay = TimeSpan.FromMilliseconds(10);
                    options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
                    options.Retry.UseJitter = false;
                    configure?.Invoke(options);
                });
            })
            .Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A start refused (a startup check) leaves no connection behind.
            await host.StopAsync();
            host.Dispose();
            throw;
        }

        return new RabbitMqTestHost(host);
    }

    public IEventPublisher<T> Publisher<T>()
        where T : IEventContract<T> => Services.GetRequiredService<IEventPublisher<T>>();

    public ICommandSender<T> Sender<T>()
        where T : ICommandContract<T> => Services.GetRequiredService<ICommandSender<T>>();

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
