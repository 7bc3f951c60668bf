using MessageContracts.Transports;
using MessageContracts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessageContracts.Tests.Consuming;

/// <summary>
/// The consumer core (<see cref="RecordProcessor"/> and its stages) with no Kafka: records built in memory, the
/// in-memory deduplication store behind a counting (and, on request, failing) decorator, a recording dead-letter sink,
/// and <see cref="SteppedTime"/> for every pause.
/// </summary>
internal sealed class CoreHarness : IDisposable
{
    public const string Topic = "orders";
    public const string HandledType = "OrderPlaced";
    public const string OtherServicesType = "InvoiceIssued";

    private readonly ServiceProvider services = new ServiceCollection().BuildServiceProvider();
    private readonly Dictionary<string, MessageHandlerInvoker> invokers = new(StringComparer.Ordinal);

    /// <param name="lease">The claims' lease (2 min).</param>
    /// <param name="processorStore">
    /// The store the processor uses instead of <see cref="Store"/>, made from the harness's clock (a group store behind
    /// <see cref="BatchingDeduplicationStore"/>, say); <see cref="Store"/> then sees no calls.
    /// </param>
    public CoreHarness(TimeSpan? lease = null, Func<TimeProvider, IDeduplicationStore>? processorStore = null)
    {
        Store = new CountingStore(new InMemoryDeduplicationStore(Time), Time);
        var options = new MessageContractsOptions { ConsumerGroup = "core-tests", DeduplicationLease = lease ?? TimeSpan.FromMinutes(2) };
        Handler = (context, _) => RecordHandled(context);
        invokers[HandledType] = (payload, context, _, cancellationToken) => Handler(context, cancellationToken);
        Processor = new RecordProcessor(
            new HandlerCatalog([new Module(invokers)]),
            services.GetRequiredService<IServiceScopeFactory>(),
            DeadLetters,
            processorStore?.Invoke(Time) ?? Store,
            options,
            Time,
            NullLogger.Instance);
        Time.ForgetStartedTimers();
    }

    public SteppedTime Time { get; } = new();

    public CountingStore Store { get; }

    public RecordingDeadLetters DeadLetters { get; } = new();

    public RecordProcessor Processor { get; }

    /// <summary>The offsets stored, in order, with what the store had marked when each was stored.</summary>
    public List<(long Offset, int MarksRecorded)> StoredOffsets { get; } = [];

    /// <summary>The message IDs the handler ran for, in order.</summary>
    public List<string> Handled { get; } = [];

    /// <summary>What the handler of <see cref="HandledType"/> does; by default it records the message ID.</summary>
    public Func<MessageContext, CancellationToken, Task> Handler { get; set; }

    public static InboundRecord Record(long offset, string messageId, string messageType = HandledType) =>
        new(Topic, 0, offset, null, "{}"u8.ToArray(), EnvelopeWriter.Create(messageId, messageType, "core-tests", DateTimeOffset.UnixEpoch, null));

    /// <summary>A record with no headers: nothing to deduplicate on or dispatch by.</summary>
    public static InboundRecord Unreadable(long offset) => new(Topic, 0, offset, null, "{}"u8.ToArray(), new TransportHeaderList());

    /// <summary>Runs one batch through the core with the clock driven; returns how many records it settled.</summary>
    public Task<int> SettleAsync(params InboundRecord[] batch) => Time.DriveAsync(StartAsync(batch));

    /// <summary>Starts one batch through the core without driving the clock.</summary>
    public Task<int> StartAsync(params InboundRecord[] batch) =>
        Processor.ProcessBatchAsync(
            batch,
            index =>
            {
                StoredOffsets.Add((batch[index].Position, Store.MarksRecorded));
                OffsetStored.Release();
            },
            CancellationToken.None,
            CancellationToken.None);

    /// <summary>Starts one batch through the core without driving the clock, its handlers bounded by <paramref name="handlerSlots"/>.</summary>
    public Task<(int Settled, DeferredMarks? Deferred)> StartWithSlotsAsync(SemaphoreSlim handlerSlots, params InboundRecord[] batch) =>
        Processor.ProcessBatchAsync(
            batch,
            index => StoredOffsets.Add((batch[index].Position, Store.MarksRecorded)),
            previous: null,
            storePrevious: null,
            mayDefer: null,
            CancellationToken.None,
            CancellationToken.None,
            handlerSlots);

    /// <summary>
    /// Runs one batch pipelined with the batches around it, the clock driven: the marks <paramref name="previous"/>
    /// deferred go with its claims (their batch's last offset, <paramref name="previousLast"/>, stored once they are
    /// recorded), and its own marks are deferred when <paramref name="defer"/> is set.
    /// </summary>
    public Task<(int Settled, DeferredMarks? Deferred)> SettlePipelinedAsync(DeferredMarks? previous, long previousLast, bool defer, params InboundRecord[] batch) =>
        Time.DriveAsync(Processor.ProcessBatchAsync(
            batch,
            index => StoredOffsets.Add((batch[index].Position, Store.MarksRecorded)),
            previous,
            () => StoredOffsets.Add((previousLast, Store.MarksRecorded)),
            () => defer,
            CancellationToken.None,
            CancellationToken.None));

    /// <summary>Released once per offset stored, for a test that waits for one while a batch is still running.</summary>
    public SemaphoreSlim OffsetStored { get; } = new(0);

    public void Dispose()
    {
        Processor.Dispose();
        services.Dispose();
        OffsetStored.Dispose();
    }

    private Task RecordHandled(MessageContext context)
    {
        Handled.Add(context.MessageId);
        return Task.CompletedTask;
    }

    private sealed class Module(Dictionary<string, MessageHandlerInvoker> invokers) : GeneratedMessageModule
    {
        public override string AssemblyName => "CoreTests";

        public override IReadOnlyList<MessageSubscription> Subscriptions { get; } = [new(Topic, HandledType, MessageKind.Event)];

        public override void RegisterHandlers(IServiceCollection services)
        {
        }

        public override MessageHandlerInvoker? FindInvoker(string messageType) => invokers.GetValueOrDefault(messageType);
    }

    /// <summary>Dead-letter writes, as a sink that always succeeds.</summary>
    internal sealed class RecordingDeadLetters : IDeadLetterSink
    {
        public List<(InboundRecord Record, string Reason, Exception? Exception, int Attempts)> Written { get; } = [];

        public string DeadLetterTopicFor(string topic) => topic + ".dlt";

        /// <summary>How many records the sink takes back for a delayed retry before it declines (a transport's retry rounds).</summary>
        public int RetriesLeft { get; set; }

        public List<InboundRecord> RetriedLater { get; } = [];

        public Task<bool> TryRetryLaterAsync(InboundRecord record, CancellationToken cancellationToken)
        {
            if (RetriesLeft == 0)
            {
                return Task.FromResult(false);
            }

            RetriesLeft--;
            RetriedLater.Add(record);
            return Task.FromResult(true);
        }

        public Task PublishAsync(InboundRecord record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken)
        {
            Written.Add((record, reason, exception, attempts));
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The in-memory store, counting the calls, timing each mark attempt, and failing the next
    /// <see cref="FailMarks"/> mark calls as a store that is down would.
    /// </summary>
    internal sealed class CountingStore(InMemoryDeduplicationStore inner, TimeProvider time) : IDeduplicationStore
    {
        public InMemoryDeduplicationStore Inner => inner;

        public int ClaimCalls { get; private set; }

        public int MarkCalls { get; private set; }

        public int MarksRecorded { get; private set; }

        public int FailMarks { get; set; }

        public List<DateTimeOffset> MarkAttempts { get; } = [];

        public List<string> Marked { get; } = [];

        /// <summary>A message ID the store refuses to hold (too long for its column, say).</summary>
        public string? RefusedId { get; set; }

        public Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
        {
            ClaimCalls++;
            if (RefusedId is { } refused && messageIds.Contains(refused))
            {
                // As a real store: the whole call fails, nothing of it is claimed.
                throw new MessageIdRejectedException(refused, $"The message ID '{refused}' does not fit the store.");
            }

            return inner.TryClaimAsync(consumerGroup, messageIds, owner, lease, cancellationToken);
        }

        /// <summary>Whether renewals fail, as when this instance stalls and none reaches the store.</summary>
        public bool FailRenewals { get; set; }

        public Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
            FailRenewals
                ? Task.FromException<IReadOnlyList<bool>>(new TimeoutException("The renewal did not reach the store."))
                : inner.RenewAsync(consumerGroup, messageIds, owner, lease, cancellationToken);

        public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
        {
            MarkCalls++;
            MarkAttempts.Add(time.GetUtcNow());
            if (FailMarks > 0)
            {
                FailMarks--;
                throw new TimeoutException("The store is down.");
            }

            var marked = await inner.MarkProcessedAsync(consumerGroup, messageIds, owner, cancellationToken).ConfigureAwait(false);
            MarksRecorded++;
            for (var i = 0; i < messageIds.Count; i++)
            {
                if (marked[i])
                {
                    Marked.Add(messageIds[i]);
                }
            }

            return marked;
        }

        public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(consumerGroup, messageIds, owner, cancellationToken);

        public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => inner.PurgeAsync(olderThan, cancellationToken);
    }
}
