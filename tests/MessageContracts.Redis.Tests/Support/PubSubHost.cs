using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MessageContracts.Redis.Tests.Support;

/// <summary>
/// A started host of one service that publishes <see cref="PriceTicked"/> over Redis pub/sub and, unless it only
/// publishes, handles it with <see cref="PriceTickedRecorder"/> alone; its log lines are kept for assertions.
/// </summary>
public sealed class PubSubHost : IAsyncDisposable
{
    private readonly IHost host;

    private PubSubHost(IHost host, CapturedLog log)
    {
        this.host = host;
        Log = log;
    }

    public CapturedLog Log { get; }

    public Received<PriceTicked> Ticks => host.Services.GetRequiredService<Received<PriceTicked>>();

    public IEventPublisher<PriceTicked> Publisher => host.Services.GetRequiredService<IEventPublisher<PriceTicked>>();

    public static async Task<PubSubHost> StartAsync(RedisServer server, string prefix, string service, bool handles)
    {
        var log = new CapturedLog();
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.AddProvider(log))
            .ConfigureServices(services =>
            {
                services.AddSingleton<Received<PriceTicked>>();
                services.AddMessageContracts(
                    options =>
                    {
                        options.UseRedis(RedisServer.Configuration, redis => redis.KeyPrefix = prefix);
                        options.ServiceName = service;
                        options.ConsumerGroup = service;
                        options.DeduplicationStore = new RedisDeduplicationStore(server.Connection, new RedisDeduplicationStoreOptions { KeyPrefix = prefix + "dedup:" });
                        options.Retry.InitialDelay = TimeSpan.Zero;
                    },
                    handler => handles && handler == typeof(PriceTickedRecorder));
            })
            .Build();
        await host.StartAsync();
        return new PubSubHost(host, log);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>Every log line of the host, with its level.</summary>
    public sealed class CapturedLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, formatter(state, exception)));

        public void Dispose()
        {
        }
    }
}
