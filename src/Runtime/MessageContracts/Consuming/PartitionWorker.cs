using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// Processes the records of one assigned partition, one after another in offset order, and stores each
/// record's offset once its outcome is final. Records already queued are settled in batches of up to
/// <see cref="MaxBatch"/> (one claim and one mark call to the deduplication store for all of them); a record alone is a
/// batch of one. Workers of different partitions run in parallel; their handlers are bounded by a semaphore shared by the consumer
/// (taken by the processor around the handlers only, not across store round trips). This is
/// the edge where the poll loop's <see cref="FetchedRecord"/>s become the processor's <see cref="InboundRecord"/>s, and
/// their offsets go back to Confluent.
/// </summary>
internal sealed partial class PartitionWorker : IDisposable
{
    private readonly Channel<FetchedRecord> queue =
        Channel.CreateUnbounded<FetchedRecord>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly RecordProcessor processor;
    private readonly Action<FetchedRecord> storeOffset;
    private readonly SemaphoreSlim concurrency;
    private readonly CancellationTokenSource stopTaking = new();
    private readonly CancellationTokenSource abort;
    private readonly CancellationTokenSource stopOrAbort;
    private readonly ILogger logger;
    private readonly Action<PartitionWorker> onFailed;
    /// <summary>The most records settled with one claim and one mark call to the deduplication store.</summary>
    internal const int MaxBatch = 64;

    private readonly List<FetchedRecord> batch = new(MaxBatch);
    private readonly Queue<FetchedRecord> pending = new();

    // The batch as the processor sees it (no Confluent types), and the offset callback, made once per worker.
    private readonly List<InboundRecord> records = new(MaxBatch);
    private readonly Action<int> storeOffsetAt;
    private readonly Action storeDeferredOffset;
    private readonly Func<bool> moreQueued;

    // The marks of the last batch, deferred to go with the next batch's claims, and that batch's last record (whose
    // offset is stored once they are recorded).
    private DeferredMarks? deferred;
    private FetchedRecord? deferredLast;
    private int queued;
    private long queuedBytes;
    private FetchedRecord? current;

    public PartitionWorker(
        TopicPartition partition,
        RecordProcessor processor,
        Action<FetchedRecord> storeOffset,
        SemaphoreSlim concurrency,
        CancellationToken shutdownAbort,
        Action<PartitionWorker> onFailed,
        ILogger logger)
    {
        this.onFailed = onFailed;
        Partition = partition;
        this.processor = processor;
        this.storeOffset = storeOffset;
        storeOffsetAt = StoreOffsetAt;
        storeDeferredOffset = () => storeOffset(deferredLast!.Value);
        moreQueued = () => pending.Count > 0 || Volatile.Read(ref queued) > 0;
        this.concurrency = concurrency;
        this.logger = logger;
        abort = CancellationTokenSource.CreateLinkedTokenSource(shutdownAbort);
        // Linked once per worker rather than once per record: both sources live as long as the worker.
        stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(stopTaking.Token, abort.Token);
        Completion = Task.Run(RunAsync);
    }

    public TopicPartition Partition { get; }

    /// <summary>Completes when the worker has stopped; the record in progress, if any, is settled or abandoned.</summary>
    public Task Completion { get; }

    /// <summary>Records fetched but not yet started.</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>The bytes (keys, values, headers) of the records fetched but not yet started.</summary>
    public long QueuedBytes => Interlocked.Read(ref queuedBytes);

    /// <summary>
    /// The record the worker failed on, when it stopped because of an unexpected error; the consumer then rewinds the
    /// partition to it and starts a new worker.
    /// </summary>
    public FetchedRecord? FailedRecord { get; private set; }

    /// <summary>Whether the consumer paused fetching this partition because too many records wait (poll thread only).</summary>
    public bool Paused { get; set; }

    public void Enqueue(FetchedRecord record)
    {
        Interlocked.Increment(ref queued);
        Interlocked.Add(ref queuedBytes, record.Size);
        queue.Writer.TryWrite(record);
    }

    /// <summary>
    /// Stops after the record in progress: records not yet started are dropped (their offsets were never
    /// stored, so they are delivered again to whoever owns the partition next).
    /// </summary>
    public void StopAfterCurrent()
    {
        queue.Writer.TryComplete();
        stopTaking.Cancel();
    }

    /// <summary>Abandons the record in progress too: its handlers see cancellation and its offset is not stored.</summary>
    public void Abort()
    {
        StopAfterCurrent();
        abort.Cancel();
    }

    /// <summary>Frees the cancellation sources; call once <see cref="Completion"/> has completed.</summary>
    public void Dispose()
    {
        stopOrAbort.Dispose();
        stopTaking.Dispose();
        abort.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            try
            {
                while (true)
                {
                    stopTaking.Token.ThrowIfCancellationRequested();
                    if (!moreQueued())
                    {
                        // Nothing queued: the last batch's marks are not kept waiting for a claim that may never come.
                        await FlushDeferredAsync().ConfigureAwait(false);
                    }

                    if (pending.Count == 0 && !await queue.Reader.WaitToReadAsync(stopTaking.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    while (!stopTaking.IsCancellationRequested && TryTake(out var record))
                    {
                        batch.Clear();
                        batch.Add(record);

                        // Never waits to fill a batch: only records already queued join it. A record alone is a batch of one.
                        while (processor.CanBatch && batch.Count < MaxBatch && TryTake(out var next))
                        {
                            batch.Add(next);
                        }

                        await SettleAsync().ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                // Stopping (or failing): the handled records' marks are recorded, as a batch's own flush would.
                await FlushDeferredAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped or aborted: nothing more to do here.
        }
        catch (Exception exception)
        {
            // The processor settles every outcome itself; reaching here is a bug. Never skip the record: report it,
            // and the consumer rewinds the partition to it and starts a new worker.
            LogWorkerFailed(exception, Partition.Topic, Partition.Partition.Value);
            FailedRecord = current;
            onFailed(this);
        }
    }

    private bool TryTake(out FetchedRecord record)
    {
        if (pending.Count > 0)
        {
            record = pending.Dequeue();
            return true;
        }

        if (queue.Reader.TryRead(out record!))
        {
            Interlocked.Decrement(ref queued);
            Interlocked.Add(ref queuedBytes, -record.Size);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Settles the records in <see cref="batch"/>. When the processor stops early (a record claimed elsewhere, claims
    /// growing old), the record it stopped at is settled next as a batch of one, which waits for its claim, and the
    /// ones after it are taken again first.
    /// </summary>
    private async Task SettleAsync()
    {
        while (true)
        {
            records.Clear();
            foreach (var record in batch)
            {
                records.Add(new InboundRecord(Partition.Topic, Partition.Partition.Value, record.Offset, record.Key, record.Value, record.Headers));
            }

            // A failure rewinds to the first record whose offset was not stored (with marks deferred, one of theirs).
            if (deferred is null)
            {
                current = batch[0];
            }

            var previous = deferred;
            deferred = null;
            // The shared slots bound the handlers running at once (MaxConcurrency); the processor takes one around its
            // handlers only, so store round trips of many partitions can meet in one group commit.
            var (settled, next) = await processor.ProcessBatchAsync(
                records, storeOffsetAt, previous, storeDeferredOffset, processor.CanBatch ? moreQueued : null, stopTaking.Token, abort.Token, concurrency).ConfigureAwait(false);
            deferred = next;

            if (deferred is not null)
            {
                deferredLast = batch[settled - 1];
            }

            if (settled == batch.Count || stopTaking.IsCancellationRequested)
            {
                // Stopped: the records not settled are dropped with the rest of the queue (their offsets were not stored).
                return;
            }

            var rest = batch.GetRange(settled + 1, batch.Count - settled - 1);
            rest.AddRange(pending);
            pending.Clear();
            foreach (var record in rest)
            {
                pending.Enqueue(record);
            }

            var stoppedAt = batch[settled];
            batch.Clear();
            batch.Add(stoppedAt);
        }
    }

    /// <summary>Records the deferred marks of the last batch alone and stores its offset.</summary>
    private async Task FlushDeferredAsync()
    {
        if (deferred is { } previous)
        {
            deferred = null;
            await processor.FlushDeferredAsync(previous, storeDeferredOffset, abort.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Stores the offset of the batch's record at <paramref name="index"/>; the processor calls it in index order.</summary>
    private void StoreOffsetAt(int index)
    {
        storeOffset(batch[index]);
        current = index + 1 < batch.Count ? batch[index + 1] : batch[index];
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The worker of {Topic}[{Partition}] failed unexpectedly; the partition is rewound to the failed record")]
    private partial void LogWorkerFailed(Exception exception, string topic, int partition);
}
