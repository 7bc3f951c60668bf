using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MessageContracts.Tests.Transports;

/// <summary>
/// A TEST transport that keeps messages in memory: it exists to prove that the public seam
/// (<see cref="MessageTransport"/>, <see cref="ITransportSender"/>, <see cref="IInboundRecordPipeline"/>) is enough to
/// plug a broker in, so it uses nothing else of the runtime (no internal type; a transport package has no
/// InternalsVisibleTo). One ordered lane per destination; the receiver settles each lane in order and "commits" what the
/// pipeline reports settled. Never for production: everything is lost with the process.
/// </summary>
public sealed class InMemoryTestTransport(InMemoryTestBroker broker) : MessageTransport
{
    public override string Name => "in-memory-test";

    public override TransportCapabilities Capabilities => TransportCapabilities.OrderedPerKey;

    public override ITransportSender CreateSender(IServiceProvider services) => new Sender(broker);

    public override IHostedService CreateReceiver(IServiceProvider services) =>
        new Receiver(broker, services.GetRequiredService<IInboundRecordPipeline>());

    private sealed class Sender(InMemoryTestBroker broker) : ITransportSender
    {
        public Task PrepareAsync(string destination, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Send(in OutboundMessage message, IDeliveryObserver observer)
        {
            // A copy of the headers: the caller's object is not ours to keep.
            var position = broker.Append(message.Destination, message.Key, message.Body, new TransportHeaderList(message.Headers));
            observer.OnDelivered(new TransportDelivery(0, position));
        }
    }

    /// <summary>One loop per source: reads past the committed position, settles, commits what was reported settled.</summary>
    private sealed class Receiver(InMemoryTestBroker broker, IInboundRecordPipeline pipeline) : IHostedService
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
                // Stopped while waiting for records or settling: the uncommitted ones would be received again.
            }

            stopping.Dispose();
        }

        private async Task ReceiveAsync(string source, CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var committed = broker.Committed(source);
                var pending = await broker.ReadFromAsync(source, committed, pipeline.CanBatch ? 64 : 1, cancellationToken);
                var settled = await pipeline.SettleAsync(
                    pending,
                    index => broker.Commit(source, pending[index].Position + 1),
                    cancellationToken,
                    cancellationToken);
                if (settled == 0)
                {
                    // Nothing settled (a claim held elsewhere): the next round passes the record alone, which waits for it.
                    await pipeline.SettleAsync([pending[0]], index => broker.Commit(source, pending[0].Position + 1), cancellationToken, cancellationToken);
                }
            }
        }
    }
}

/// <summary>The TEST transport's storage: per destination, an append-only list and a committed position.</summary>
public sealed class InMemoryTestBroker
{
    private readonly Dictionary<string, Lane> lanes = new(StringComparer.Ordinal);

    /// <summary>Appends a record (what a sender, or a foreign producer, writes); returns its position.</summary>
    public long Append(string destination, byte[]? key, byte[]? value, TransportHeaders? headers)
    {
        var lane = LaneOf(destination);
        lock (lane)
        {
            lane.Records.Add(new InboundRecord(destination, 0, lane.Records.Count, key, value, headers));
            lane.Changed.TrySetResult();
            lane.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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

    /// <summary>The position up to which the receiver committed <paramref name="source"/> (its settled records).</summary>
    public long Committed(string source)
    {
        var lane = LaneOf(source);
        lock (lane)
        {
            return lane.Committed;
        }
    }

    /// <summary>Waits until <paramref name="destination"/> holds at least <paramref name="count"/> records.</summary>
    public Task WaitForRecordsAsync(string destination, int count, TimeSpan timeout) =>
        WaitUntilAsync(destination, lane => lane.Records.Count >= count, timeout);

    /// <summary>Waits until the receiver committed at least <paramref name="position"/> of <paramref name="source"/>.</summary>
    public Task WaitForCommittedAsync(string source, long position, TimeSpan timeout) =>
        WaitUntilAsync(source, lane => lane.Committed >= position, timeout);

    internal void Commit(string source, long position)
    {
        var lane = LaneOf(source);
        lock (lane)
        {
            lane.Committed = Math.Max(lane.Committed, position);
            lane.Changed.TrySetResult();
            lane.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    internal async Task<InboundRecord[]> ReadFromAsync(string source, long position, int max, CancellationToken cancellationToken)
    {
        var lane = LaneOf(source);
        while (true)
        {
            Task changed;
            lock (lane)
            {
                if (lane.Records.Count > position)
                {
                    return [.. lane.Records.Skip((int)position).Take(max)];
                }

                changed = lane.Changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private async Task WaitUntilAsync(string name, Func<Lane, bool> done, TimeSpan timeout)
    {
        var lane = LaneOf(name);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (lane)
            {
                if (done(lane))
                {
                    return;
                }

                changed = lane.Changed.Task;
            }

            await changed.WaitAsync(deadline.Token);
        }
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

    private sealed class Lane
    {
        public List<InboundRecord> Records { get; } = [];

        public long Committed { get; set; }

        public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
