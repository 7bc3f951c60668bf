using MessageContracts.Behaviour.Tests.Suite;
using MessageContracts.Behaviour.Tests.Transports;
using MessageContracts.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.InMemory;

/// <summary>
/// The behaviour suite on <see cref="InMemoryGroupTransport"/>, a test transport behind the public seam: the check that
/// the suite asks nothing of a broker that only Kafka has. This file is what a transport adds to join the suite.
/// </summary>
public sealed class InMemoryTransportUnderTest : TransportUnderTest
{
    private InMemoryGroupBroker? broker;

    public override string Name => "in-memory";

    private InMemoryGroupBroker Broker => broker ?? throw new InvalidOperationException("BeginTestAsync was not called.");

    public override Task BeginTestAsync()
    {
        broker = new InMemoryGroupBroker();
        return Task.CompletedTask;
    }

    public override void Configure(MessageContractsOptions options, string service) =>
        options.UseTransport(new InMemoryGroupTransport(Broker));

    public override Task SendRawAsync(
        string destinationOfContract, byte[]? key, byte[] value, IReadOnlyList<KeyValuePair<string, byte[]>> headers)
    {
        var list = new TransportHeaderList(headers.Count);
        foreach (var (name, bytes) in headers)
        {
            list.Add(name, bytes);
        }

        Broker.Append(destinationOfContract, key, value, list);
        return Task.CompletedTask;
    }

    public override async Task WaitUntilSettledAsync(string destinationOfContract, string service, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await Broker.WaitUntilSettledAsync(destinationOfContract, service, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{service}' did not settle '{destinationOfContract}' within {timeout.TotalSeconds:0} s: at {Broker.Committed(destinationOfContract, service)} of {Broker.Records(destinationOfContract).Count}.");
        }
    }

    public override async Task<IReadOnlyList<DeadLetterSeen>> ReadDeadLettersAsync(
        string destinationOfContract, string service, int atLeast, TimeSpan timeout)
    {
        var topic = destinationOfContract + new MessageContractsOptions().DeadLetterTopicSuffix;
        List<DeadLetterSeen> seen = [];
        await Support.Eventually.UntilAsync(
            () =>
            {
                seen = [.. Broker.Records(topic).Select(ToSeen).Where(d => d.ConsumerGroup == service)];
                return seen.Count >= atLeast;
            },
            timeout,
            () => $"expected at least {atLeast} dead letter(s) of '{service}' in '{topic}'; saw {seen.Count}");
        return seen;
    }

    private static DeadLetterSeen ToSeen(InboundRecord record)
    {
        var headers = new List<KeyValuePair<string, byte[]>>();
        for (var i = 0; i < (record.Headers?.Count ?? 0); i++)
        {
            headers.Add(new(record.Headers!.KeyAt(i), record.Headers.ValueAt(i) ?? []));
        }

        return new DeadLetterSeen(record.Key, record.Value ?? [], headers);
    }
}

public sealed class InMemoryFanOut(InMemoryTransportUnderTest transport, ITestOutputHelper output) : FanOutBehaviour<InMemoryTransportUnderTest>(transport, output);

public sealed class InMemoryCommandOwner(InMemoryTransportUnderTest transport, ITestOutputHelper output) : CommandOwnerBehaviour<InMemoryTransportUnderTest>(transport, output);

public sealed class InMemoryDeduplication(InMemoryTransportUnderTest transport, ITestOutputHelper output) : DeduplicationBehaviour<InMemoryTransportUnderTest>(transport, output);

public sealed class InMemoryRetries(InMemoryTransportUnderTest transport, ITestOutputHelper output) : RetryBehaviour<InMemoryTransportUnderTest>(transport, output);

public sealed class InMemoryDeadLetters(InMemoryTransportUnderTest transport, ITestOutputHelper output) : DeadLetterBehaviour<InMemoryTransportUnderTest>(transport, output);

public sealed class InMemoryOutbox(InMemoryTransportUnderTest transport, ITestOutputHelper output) : OutboxBehaviour<InMemoryTransportUnderTest>(transport, output);

public sealed class InMemoryPoisonMessages(InMemoryTransportUnderTest transport, ITestOutputHelper output) : PoisonMessageBehaviour<InMemoryTransportUnderTest>(transport, output);

public sealed class InMemoryHostileInput(InMemoryTransportUnderTest transport, ITestOutputHelper output) : HostileInputBehaviour<InMemoryTransportUnderTest>(transport, output);
