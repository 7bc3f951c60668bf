using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// Processes the records of one assigned partition, one after another in offset order, and stores each
/// record's offset once its outcome is final. Workers of different partitions run in parallel, bounded by a
/// semaphore shared by the consumer.
/// </summary>
internal sealed partial class PartitionWorker : IDisposable
{
    private readonly Channel<ConsumeResult<byte[]?, byte[]?>> queue =
        Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly RecordProcessor processor;
    private readonly Action<ConsumeResult<byte[]?, byte[]?>> storeOffset;
    private readonly SemaphoreSlim concurrency;
    private readonly CancellationTokenSource stopTaking = new();
    private readonly CancellationTokenSource abort;
    private readonly CancellationTokenSource stopOrAbort;
    private readonly ILogger logger;
    private readonly Action<PartitionWorker> onFailed;
    private int queued;
    private ConsumeResult<byte[]?, byte[]?>? current;

    public PartitionWorker(
        TopicPartition partition,
        RecordProcessor processor,
        Action<ConsumeResult<byte[]?, byte[]?>> storeOffset,
        SemaphoreSlim concurrency,
        CancellationToken shutdownAbort,
        Action<PartitionWorker> onFailed,
        ILogger logger)
    {
        this.onFailed = onFailed;
        Partition = partition;
        this.processor = processor;
        this.storeOffset = storeOffset;
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

    /// <summary>
    /// The record the worker failed on, when it stopped because of an unexpected error; the consumer then rewinds the
    /// partition to it and starts a new worker.
    /// </summary>
    public ConsumeResult<byte[]?, byte[]?>? FailedRecord { get; private set; }

    /// <summary>Whether the consumer paused fetching this partition because too many records wait (poll thread only).</summary>
    public bool Paused { get; set; }

    public void Enqueue(ConsumeResult<byte[]?, byte[]?> record)
    {
        Interlocked.Increment(ref queued);
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
            while (await queue.Reader.WaitToReadAsync(stopTaking.Token).ConfigureAwait(false))
            {
                while (!stopTaking.IsCancellationRequested && queue.Reader.TryRead(out var record))
                {
                    Interlocked.Decrement(ref queued);
                    await ProcessAsync(record).ConfigureAwait(false);
                }
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

    private async Task ProcessAsync(ConsumeResult<byte[]?, byte[]?> record)
    {
        await concurrency.WaitAsync(stopOrAbort.Token).ConfigureAwait(false);
        current = record;
        try
        {
            await processor.ProcessAsync(record, abort.Token).ConfigureAwait(false);
            storeOffset(record);
        }
        finally
        {
            concurrency.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The worker of {Topic}[{Partition}] failed unexpectedly; the partition is rewound to the failed record")]
    private partial void LogWorkerFailed(Exception exception, string topic, int partition);
}
