using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Support;

/// <summary>
/// The base of every behaviour test class: the transport fixture, a broker namespace of the test's own
/// (<see cref="TransportUnderTest.BeginTestAsync"/>), and the hosts the test starts, stopped after it.
/// </summary>
/// <typeparam name="TTransport">The transport fixture; a transport's suite binds it (Kafka/KafkaSuite.cs).</typeparam>
public abstract class BehaviourTest<TTransport>(TTransport transport, ITestOutputHelper output) : IClassFixture<TTransport>, IAsyncLifetime
    where TTransport : TransportUnderTest
{
    /// <summary>How long any wait on observed state may take before the test fails.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<BehaviourHost> hosts = [];

    protected TransportUnderTest Transport => transport;

    protected ITestOutputHelper Output => output;

    /// <summary>Starts an instance of <paramref name="service"/> running <paramref name="handlers"/>; stopped after the test.</summary>
    protected async Task<BehaviourHost> StartAsync(
        string service,
        Type[] handlers,
        Action<MessageContractsOptions>? configure = null,
        IDeduplicationStore? deduplication = null)
    {
        var host = await BehaviourHost.StartAsync(transport, service, handlers, output, configure, deduplication);
        hosts.Add(host);
        return host;
    }

    public Task InitializeAsync() => transport.BeginTestAsync();

    public async Task DisposeAsync()
    {
        // In parallel: each consumer leaving its group takes a round trip or two.
        await Task.WhenAll(hosts.Select(h => h.DisposeAsync().AsTask()));
    }
}
