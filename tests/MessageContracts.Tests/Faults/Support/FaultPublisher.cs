using Faults.Contracts;
using MessageContracts.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// Publishes <see cref="FaultProbe"/> messages through the real producer pipeline without being a consumer: a container
/// with MessageContracts whose hosted services are never started, for tests whose consumers are elsewhere.
/// </summary>
public sealed class FaultPublisher : IAsyncDisposable
{
    private readonly ServiceProvider services;

    public FaultPublisher(EmbeddedKafka kafka, Action<MessageContractsOptions>? configure = null)
    {
        services = new ServiceCollection()
            .AddLogging()
            .AddMessageContracts(options =>
            {
                options.UseEmbeddedKafka(kafka);
                options.ServiceName = "fault-tests-publisher";
                configure?.Invoke(options);
            })
            .BuildServiceProvider();
    }

    public Task<PublishResult[]> PublishAllAsync(IEnumerable<FaultProbe> probes)
    {
        var publisher = services.GetRequiredService<IEventPublisher<FaultProbe>>();
        return Task.WhenAll(probes.Select(probe => publisher.PublishAsync(probe)).ToList());
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
