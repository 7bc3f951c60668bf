using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MessageContracts.Behaviour.Tests.InMemory;

/// <summary>
/// A TEST transport, through the public seam only, that exists to show the behaviour suite is not Kafka-shaped: one
/// append-only lane per destination, read by consumer group (each group has its own committed position, so every
/// service gets every event), and within a group by one instance at a time (instances of a service share the work).
/// Dead letters are just another destination. Never for production: everything is lost with the process.
/// </summary>
public sealed class InMemoryGroupTransport(InMemoryGroupBroker broker) : MessageTransport
{
    public override string Name => "in-memory-groups";

    public override TransportCapabilities Capabilities => TransportCapabilities.OrderedPerKey;

    public override ITransportSender CreateSender(IServiceProvider services) => new Sender(broker);

    public override IHostedService CreateReceiver(IServiceProvider services) => new Receiver(
        broker,
        services.GetRequiredService<IInboundRecordPipeline>(),
        services.GetRequiredService<IOptions<MessageContractsOptions>>().Value.ConsumerGroup);

    private sealed class Sender(InMemoryGroupBroker broker) : ITransportSender
    {
        public Task PrepareAsync(string destination, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Send(in OutboundMessage message, IDeliveryObserver observer)
        {
            // A copy of the headers: the caller's object is not ours to keep.
            var position = broker.Append(message.Destination, message.Key, message.Body, new TransportHeaderList(message.Headers));
            observer.OnDelivered(new TransportDelivery(0, position));
        }
    }

    /// <summary>Per source: waits for records past the group's position, then, holding the group's turn, settles them and commits.</summary>
    private sealed class Receiver(InMemoryGroupBroker broker, IInboundRecordPipeline pipeline, string group) : IHostedService
    {
        private readonly CancellationTokenSource stopping = new();
        private Task running = Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            running = Task.WhenAll(pipeline.Sources.Select(source => Task.Run(() => ReceiveAsync(source, stopping.Token))));
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await stopping.CancelAsync();
            try
            {
                await running.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Stopped while waiting or settling: what was not committed is read again by the next instance.
            }

            stopping.Dispose();
        }

        private async Task ReceiveAsync(string source, CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await broker.WaitForRecordsPastAsync(source, group, cancellationToken);
                using var turn = await broker.TakeTurnAsync(source, group, cancellationToken);

                // Read under the turn: another instance may have settled some meanwhile.
                var pending = broker.ReadFrom(source, broker.Committed(source, group), pipeline.CanBatch ? 64 : 1);
                if (pending.Length == 0)
                {
                    continue;
                }

                var settled = await pipeline.SettleAsync(
                    pending, index => broker.Commit(source, group, pending[index].Position + 1), cancellationToken, cancellationToken);
                if (settled == 0)
                {
                    // Nothing settled (a claim held elsewhere): passed alone, the record is waited for.
                    await pipeline.SettleAsync([pending[0]], _ => broker.Commit(source, group, pending[0].Position + 1), cancellationToken, cancellationToken);
                }
            }
        }
    }
}

/// <summary>The storage of <see cref="InMemoryGroupTransport"/>: per destination, the records, and per group its committed position and its turn.</summary>
public sealed class InMemoryGroupBroker
{
    private readonly Dictionary<string, Lane> lanes = new(StringComparer.Ordinal);

    /// <summary>Appends a record (what a sender, or a foreign producer, writes); returns its position.</summary>
    public long Append(string destination, byte[]? key, byte[]? value, TransportHeaders? headers)
    {
        var lane = LaneOf(destination);
        lock (lane)
        {
            lane.Records.Add(new InboundRecord(destination, 0, lane.Records.Count, key, value, headers));
            lane.Signal();
            return lane.Records.Count - 1;
        }
    }

    /// <summary>Every record written to <paramref name="destination"/> so far.</summary>
    public IReadOnlyList<InboundRecord> Records(string destination)
    {
        var lane = LaneOf(destination);
        lock (lane)
        {
            return [.. lane.Records];
        }
    }

    /// <summary>The position up to which <paramref name="group"/> settled <paramref name="destination"/>.</summary>
    public long Committed(string destination, string group)
    {
        var lane = LaneOf(destination);
        lock (lane)
        {
            return lane.Committed.GetValueOrDefault(group);
        }
    }

    /// <summary>Waits until <paramref name="group"/> has settled every record <paramref name="destination"/> holds now.</summary>
    public async Task WaitUntilSettledAsync(string destination, string group, CancellationToken cancellationToken)
    {
        var lane = LaneOf(destination);
        long end;
        lock (lane)
        {
            end = lane.Records.Count;
        }

        while (true)
        {
            Task changed;
            lock (lane)
            {
                if (lane.Committed.GetValueOrDefault(group) >= end)
                {
                    return;
                }

                changed = lane.Changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    internal void Commit(string destination, string group, long position)
    {
        var lane = LaneOf(destination);
        lock (lane)
        {
            lane.Committed[group] = Math.Max(lane.Committed.GetValueOrDefault(group), position);
            lane.Signal();
        }
    }

    internal InboundRecord[] ReadFrom(string destination, long position, int max)
    {
        var lane = LaneOf(destination);
        lock (lane)
        {
            return [.. lane.Records.Skip((int)position).Take(max)];
        }
    }

    internal async Task WaitForRecordsPastAsync(string destination, string group, CancellationToken cancellationToken)
    {
        var lane = LaneOf(destination);
        while (true)
        {
            Task changed;
            lock (lane)
            {
                if (lane.Records.Count > lane.Committed.GetValueOrDefault(group))
                {
                    return;
                }

                changed = lane.Changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The group's turn on the destination: one instance settles at a time, as one partition has one owner.</summary>
    internal async Task<IDisposable> TakeTurnAsync(string destination, string group, CancellationToken cancellationToken)
    {
        var lane = LaneOf(destination);
        SemaphoreSlim turn;
        lock (lane)
        {
            if (!lane.Turns.TryGetValue(group, out turn!))
            {
                lane.Turns[group] = turn = new SemaphoreSlim(1, 1);
            }
        }

        await turn.WaitAsync(cancellationToken);
        return new Turn(turn);
    }

    private Lane LaneOf(string name)
    {
        lock (lanes)
        {
            if (!lanes.TryGetValue(name, out var lane))
            {
                lanes[name] = lane = new Lane();
            }

            return lane;
        }
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }

    private sealed class Lane
    {
        public List<InboundRecord> Records { get; } = [];

        public Dictionary<string, long> Committed { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SemaphoreSlim> Turns { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource Changed { get; private set; } = NewSignal();

        public void Signal()
        {
            Changed.TrySetResult();
            Changed = NewSignal();
        }

        private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
