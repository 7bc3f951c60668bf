using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The service's one consumer. A poll loop on its own thread fetches records and hands each to the worker of
/// its partition (<see cref="PartitionWorker"/>): in order within a partition, in parallel across partitions.
/// Offsets are stored only after a record's outcome is final and committed by librdkafka's auto-commit, on
/// partition revocation and on shutdown, so a crash redelivers rather than loses.
/// </summary>
internal sealed partial class MessageConsumerService : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RevocationGrace = TimeSpan.FromSeconds(30);

    private readonly HandlerCatalog catalog;
    private readonly RecordProcessor processor;
    private readonly MessageContractsOptions options;
    private readonly ILogger<MessageConsumerService> logger;
    private readonly KafkaClientErrorLog errors;
    private readonly MessageContractsHealthState health;
    private readonly ConsumerReachabilityProbe reachability;
    private readonly ConsumerLagMetrics lag;
    private readonly Dictionary<TopicPartition, PartitionWorker> workers = [];
    // Poll thread only: copies each record's headers out of Confluent's objects (FetchedRecord says why).
    private readonly HeaderRetention headerRetention = new();
    private readonly CancellationTokenSource shutdownAbort = new();
    private readonly SemaphoreSlim concurrency;
    private volatile bool aWorkerFailed;

    public MessageConsumerService(
        HandlerCatalog catalog,
        RecordProcessor processor,
        IOptions<MessageContractsOptions> options,
        MessageContractsHealthState health,
        ConsumerLagMetrics lag,
        ILogger<MessageConsumerService> logger)
    {
        this.lag = lag;
        this.health = health;
        reachability = new ConsumerReachabilityProbe(health.Consumer);
        this.catalog = catalog;
        this.processor = processor;
        this.options = options.Value;
        this.logger = logger;
        errors = new KafkaClientErrorLog(logger, "consumer");
        concurrency = new SemaphoreSlim(Math.Max(1, this.options.MaxConcurrency));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Shutdown lets the records in progress finish; only when the host's shutdown timeout runs out are
        // their handlers cancelled (and those records, unsettled, are delivered again after a restart).
        using var abortWhenOutOfTime = cancellationToken.Register(shutdownAbort.Cancel);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        base.Dispose();
        shutdownAbort.Dispose();
        concurrency.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Another transport receives through TransportReceiverService. librdkafka's Consume blocks: give the poll loop
        // its own thread instead of holding a pool thread.
        !options.UsesKafka ? Task.CompletedTask : Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = BuildConsumer();
        consumer.Subscribe(catalog.Topics);
        health.Assignment.Subscribed();
        LogStarted(options.ConsumerGroup, string.Join(", ", catalog.Topics));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var record = TryConsume(consumer);
                if (record is not null)
                {
                    // A record (or the end of a partition) came from a broker: it is reachable again.
                    health.Consumer.MarkReachable();
                }

                if (record is not null && !record.IsPartitionEOF)
                {
                    Dispatch(consumer, record);
                }

                ResumeDrainedPartitions(consumer);
                reachability.ProbeIfDown(consumer);
                if (aWorkerFailed)
                {
                    RestartFailedWorkers(consumer);
                }
            }
        }
        finally
        {
            // Finish what is in progress, then commit it and leave the group (Close commits stored offsets).
            List<PartitionWorker> all = [.. workers.Values];
            workers.Clear();
            StopWorkers(consumer, all, commit: true, TimeSpan.MaxValue);
            consumer.Close();
            health.Assignment.Stopped();
            lag.Stopped();
            LogStopped(options.ConsumerGroup);
        }
    }

    private void Dispatch(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> record)
    {
        if (!workers.TryGetValue(record.TopicPartition, out var worker))
        {
            // Records only come from assigned partitions, and assignment creates the worker; be safe anyway.
            worker = StartWorker(consumer, record.TopicPartition);
        }

        // Only what the worker needs is kept; Confluent's graph for the record dies here, young (FetchedRecord).
        var message = record.Message;
        worker.Enqueue(new FetchedRecord(record.Offset.Value, record.LeaderEpoch, message.Key, message.Value, headerRetention.Retain(message.Headers)));
        if (!worker.Paused && (worker.Queued >= options.MaxQueuedRecordsPerPartition || worker.QueuedBytes >= options.MaxQueuedBytesPerPartition))
        {
            // Back-pressure per partition, by count and by bytes (large records must not fill the memory): stop
            // fetching it until its worker catches up; others go on.
            consumer.Pause([record.TopicPartition]);
            worker.Paused = true;
        }
    }

    private void ResumeDrainedPartitions(IConsumer<byte[]?, byte[]?> consumer)
    {
        foreach (var worker in workers.Values)
        {
            if (worker.Paused && worker.Queued <= options.MaxQueuedRecordsPerPartition / 2 && worker.QueuedBytes <= options.MaxQueuedBytesPerPartition / 2)
            {
                consumer.Resume([worker.Partition]);
                worker.Paused = false;
            }
        }
    }

    private PartitionWorker StartWorker(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition)
    {
        var worker = new PartitionWorker(
            partition, processor, record => StoreOffset(consumer, partition, record), concurrency, shutdownAbort.Token, _ => aWorkerFailed = true, logger);
        workers[partition] = worker;
        return worker;
    }

    private void RestartFailedWorkers(IConsumer<byte[]?, byte[]?> consumer)
    {
        aWorkerFailed = false;
        foreach (var worker in workers.Values.ToArray())
        {
            if (worker.FailedRecord is not { } failed || !worker.Completion.IsCompleted)
            {
                continue;
            }

            // Re-read the partition from the record that failed: the records queued behind it come again too.
            workers.Remove(worker.Partition);
            worker.Dispose();
            consumer.Seek(new TopicPartitionOffset(worker.Partition, failed.Offset, failed.LeaderEpoch));
            if (worker.Paused)
            {
                consumer.Resume([worker.Partition]);
            }

            StartWorker(consumer, worker.Partition);
            LogWorkerRestarted(worker.Partition.Topic, worker.Partition.Partition.Value, failed.Offset);
        }
    }

    private void StoreOffset(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, FetchedRecord record)
    {
        try
        {
            // As Confluent's StoreOffset(ConsumeResult) does: the next offset to read, with the fetch's leader epoch.
            consumer.StoreOffset(new TopicPartitionOffset(partition, record.Offset + 1, record.LeaderEpoch));
        }
        catch (KafkaException exception)
        {
            // The partition moved to another member in the meantime; that member re-reads from the last commit
            // and the deduplication store drops what this one already settled.
            LogStoreOffsetFailed(partition.Topic, partition.Partition.Value, record.Offset, exception.Error.Reason);
        }
    }

    private void OnPartitionsAssigned(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            if (!workers.ContainsKey(partition))
            {
                StartWorker(consumer, partition);
            }
        }

        lag.Assigned(partitions);
        health.Consumer.MarkReachable();
        health.Assignment.Assigned(workers.Count);
        LogAssigned(options.ConsumerGroup, string.Join(", ", partitions));
    }

    private void OnPartitionsRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        // Revocation commits what is done and drops the rest: records in progress may finish (up to a grace
        // period), queued ones are left for the partition's next owner.
        StopWorkers(consumer, TakeWorkers(partitions), commit: true, RevocationGrace);
        lag.Removed(partitions.Select(p => p.TopicPartition));
        health.Assignment.Assigned(workers.Count);
        LogRevoked(options.ConsumerGroup, string.Join(", ", partitions.Select(p => p.TopicPartition)));
    }

    private void OnPartitionsLost(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        // Lost (not revoked): another member may own them already, so nothing is committed and work stops now.
        var lost = TakeWorkers(partitions);
        foreach (var worker in lost)
        {
            worker.Abort();
        }

        StopWorkers(consumer, lost, commit: false, RevocationGrace);
        lag.Removed(partitions.Select(p => p.TopicPartition));
        health.Assignment.Assigned(workers.Count);
        LogLost(options.ConsumerGroup, string.Join(", ", partitions.Select(p => p.TopicPartition)));
    }

    private List<PartitionWorker> TakeWorkers(List<TopicPartitionOffset> partitions)
    {
        var taken = new List<PartitionWorker>(partitions.Count);
        foreach (var partition in partitions)
        {
            if (workers.Remove(partition.TopicPartition, out var worker))
            {
                taken.Add(worker);
            }
        }

        return taken;
    }

    private void StopWorkers(IConsumer<byte[]?, byte[]?> consumer, List<PartitionWorker> stopping, bool commit, TimeSpan grace)
    {
        if (stopping.Count == 0)
        {
            return;
        }

        // The callers have taken these workers out of the map already.
        foreach (var worker in stopping)
        {
            worker.StopAfterCurrent();
        }

        var completions = stopping.Select(worker => worker.Completion).ToArray();
        if (!Task.WaitAll(completions, grace == TimeSpan.MaxValue ? Timeout.InfiniteTimeSpan : grace))
        {
            foreach (var worker in stopping)
            {
                worker.Abort();
            }

            Task.WaitAll(completions);
        }

        foreach (var worker in stopping)
        {
            worker.Dispose();
        }

        if (commit)
        {
            try
            {
                consumer.Commit();
            }
            catch (KafkaException exception) when (exception.Error.Code == ErrorCode.Local_NoOffset)
            {
                // Nothing new was stored since the last commit.
            }
            catch (KafkaException exception)
            {
                LogCommitFailed(exception.Error.Code, exception.Error.Reason);
            }
        }
    }

    private ConsumeResult<byte[]?, byte[]?>? TryConsume(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            return consumer.Consume(PollInterval);
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            // e.g. a subscribed topic that does not exist yet: librdkafka keeps retrying, so do we.
            LogConsumeError(exception.Error.Code, exception.Error.Reason);
            return null;
        }
    }

    private IConsumer<byte[]?, byte[]?> BuildConsumer()
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.ConsumerGroup,
            ClientId = options.ServiceName,
            // Offsets are stored by hand once each record's outcome is final; auto-commit only commits stored offsets.
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            // A new group starts at the beginning, so messages sent before the first deployment are not skipped.
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // A subscribed topic that does not exist yet (not provisioned, or created by someone else later) is found
            // at the next metadata refresh: within seconds, not librdkafka's default 5 minutes.
            TopicMetadataRefreshIntervalMs = 5_000,
            // The source of the consumer lag gauge (ConsumerLagMetrics); a user setting of 0 turns it off.
            StatisticsIntervalMs = ConsumerLagMetrics.DefaultStatisticsIntervalMs,
        };

        // The user's (ConsumerSettings and the ConfigureConsumer hooks), applied last so they win; the options
        // validator has refused those that would defeat the offset handling above.
        foreach (var setting in options.UserConsumerSettings())
        {
            config.Set(setting.Key, setting.Value);
        }

        var readCommitted = config.IsolationLevel != IsolationLevel.ReadUncommitted;
        var resetsToEarliest = ConsumerStatistics.ResetsToEarliest(config);
        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetStatisticsHandler((_, json) => lag.Report(json, readCommitted, resetsToEarliest))
            .SetPartitionsAssignedHandler(OnPartitionsAssigned)
            .SetPartitionsRevokedHandler(OnPartitionsRevoked)
            .SetPartitionsLostHandler(OnPartitionsLost)
            .SetErrorHandler((_, error) =>
            {
                errors.Report(error);
                health.Consumer.Report(error);
            })
            .SetLogHandler((_, message) => LogClientMessage(message.Level.ToString(), message.Facility, message.Message))
            .Build();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group '{ConsumerGroup}' subscribed to {Topics}")]
    private partial void LogStarted(string consumerGroup, string topics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group '{ConsumerGroup}' stopped")]
    private partial void LogStopped(string consumerGroup);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group '{ConsumerGroup}' assigned {Partitions}")]
    private partial void LogAssigned(string consumerGroup, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group '{ConsumerGroup}' revoked {Partitions}")]
    private partial void LogRevoked(string consumerGroup, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer group '{ConsumerGroup}' lost {Partitions}")]
    private partial void LogLost(string consumerGroup, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restarted the worker of {Topic}[{Partition}] from offset {Offset}")]
    private partial void LogWorkerRestarted(string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Offset of {Topic}[{Partition}]@{Offset} not stored: {Reason}")]
    private partial void LogStoreOffsetFailed(string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commit failed: {Code}: {Reason}")]
    private partial void LogCommitFailed(ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consume error {Code}: {Reason}")]
    private partial void LogConsumeError(ErrorCode code, string reason);


    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka consumer [{Level}] {Facility}: {Text}")]
    private partial void LogClientMessage(string level, string facility, string text);
}
