using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Outbox;

/// <summary>One started service of an outbox test: MessageContracts on the embedded Kafka, with a log capture.</summary>
public sealed class OutboxHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool disposed;

    private OutboxHost(IHost host, LogCapture logs)
    {
        this.host = host;
        Logs = logs;
    }

    public LogCapture Logs { get; }

    public IOutbox Outbox => host.Services.GetRequiredService<IOutbox>();

    public IServiceProvider Services => host.Services;

    /// <param name="kafka">The test's embedded Kafka.</param>
    /// <param name="name">Names the host in logs; with a unique suffix, its consumer group.</param>
    /// <param name="sink">Where the probe handler writes; null: the handler does nothing.</param>
    /// <param name="configure">Options: the database, the relay settings.</param>
    /// <param name="output">Where warnings and errors go.</param>
    /// <param name="group">The consumer group; a new one when null.</param>
    public static async Task<OutboxHost> StartAsync(
        EmbeddedKafka kafka,
        string name,
        OutboxProbeSink? sink,
        Action<MessageContractsOptions> configure,
        ITestOutputHelper? output = null,
        string? group = null)
    {
        var logs = new LogCapture(name, output);
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information))
            .ConfigureServices(services =>
            {
                if (sink is not null)
                {
                    services.AddSingleton(sink);
                }

                services.AddMessageContracts(options =>
                {
                    options.UseEmbeddedKafka(kafka);
                    options.ConsumerGroup = group ?? $"outbox-{name}-{Guid.NewGuid():N}";
                    options.ServiceName = "outbox-tests-" + name;
                    options.ConsumerSettings["auto.commit.interval.ms"] = "100";
                    options.Outbox.PollInterval = TimeSpan.FromMilliseconds(50);
                    options.Retry.MaxAttempts = 1;
                    configure(options);
                });
            })
            .Build();
        await host.StartAsync();
        return new OutboxHost(host, logs);
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

/// <summary>The outbox tests run one at a time: they share the probe topic's name in the process-wide meter, and two cores.</summary>
[Xunit.CollectionDefinition(Name)]
public sealed class OutboxCollection
{
    public const string Name = "Outbox";
}
