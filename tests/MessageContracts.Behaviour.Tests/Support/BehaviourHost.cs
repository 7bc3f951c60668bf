using MessageContracts.Behaviour.Tests.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Support;

/// <summary>
/// One started instance of a service in a behaviour test: MessageContracts on the transport under test, running only
/// the handler classes it was given (none: a service that only publishes), with a <see cref="HandlerLog"/> of its own.
/// </summary>
public sealed class BehaviourHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool disposed;

    private BehaviourHost(IHost host, string service)
    {
        this.host = host;
        Service = service;
    }

    /// <summary>The service name this instance runs as (its consumer group).</summary>
    public string Service { get; }

    public IServiceProvider Services => host.Services;

    public HandlerLog Log => Services.GetRequiredService<HandlerLog>();

    /// <summary>The options as the host resolved them (the transport's and the test's settings applied).</summary>
    public MessageContractsOptions Options => Services.GetRequiredService<IOptions<MessageContractsOptions>>().Value;

    public IEventPublisher<T> Publisher<T>()
        where T : IEventContract<T> => Services.GetRequiredService<IEventPublisher<T>>();

    public ICommandSender<T> Sender<T>()
        where T : ICommandContract<T> => Services.GetRequiredService<ICommandSender<T>>();

    /// <param name="transport">The broker.</param>
    /// <param name="service">The service name: instances with the same one share work, different ones each get events.</param>
    /// <param name="handlers">The handler classes this instance runs.</param>
    /// <param name="output">Where warnings and errors go.</param>
    /// <param name="configure">The test's own settings, applied last.</param>
    /// <param name="deduplication">The dedup store; instances of one service pass the same one. A new in-memory one when null.</param>
    public static async Task<BehaviourHost> StartAsync(
        TransportUnderTest transport,
        string service,
        IReadOnlyCollection<Type> handlers,
        ITestOutputHelper output,
        Action<MessageContractsOptions>? configure = null,
        IDeduplicationStore? deduplication = null)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(new TestOutputLogger(output, $"{transport.Name}/{service}")).SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(services =>
            {
                services.AddSingleton<HandlerLog>();
                services.AddMessageContracts(
                    options =>
                    {
                        options.ServiceName = service;
                        options.ConsumerGroup = service;
                        options.DeduplicationStore = deduplication ?? new InMemoryDeduplicationStore();

                        // Retries without pauses: a retry test waits on attempts, never on time.
                        options.Retry.MaxAttempts = 3;
                        options.Retry.InitialDelay = TimeSpan.Zero;
                        options.Retry.MaxDelay = TimeSpan.Zero;
                        transport.Configure(options, service);
                        configure?.Invoke(options);
                    },
                    handlers.Contains);
            })
            .Build();
        await host.StartAsync();
        return new BehaviourHost(host, service);
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
