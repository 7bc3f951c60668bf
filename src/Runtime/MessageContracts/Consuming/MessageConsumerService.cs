using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The service's one consumer: subscribes to every topic its handlers need, hands each record to the
/// <see cref="RecordProcessor"/>, and stores the offset only after the record's outcome is final, so a crash
/// redelivers rather than loses. Stored offsets are committed by librdkafka's auto-commit and on close.
/// </summary>
internal sealed partial class MessageConsumerService : BackgroundService
{
    private readonly HandlerCatalog catalog;
    private readonly RecordProcessor processor;
    private readonly MessageContractsOptions options;
    private readonly ILogger<MessageConsumerService> logger;

    public MessageConsumerService(
        HandlerCatalog catalog,
        RecordProcessor processor,
        IOptions<MessageContractsOptions> options,
        ILogger<MessageConsumerService> logger)
    {
        this.catalog = catalog;
        this.processor = processor;
        this.options = options.Value;
        this.logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks: give the loop its own thread instead of holding a pool thread.
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = BuildConsumer();
        consumer.Subscribe(catalog.Topics);
        LogStarted(options.ConsumerGroup, string.Join(", ", catalog.Topics));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var record = TryConsume(consumer, stoppingToken);
                if (record is null || record.IsPartitionEOF)
                {
                    continue;
                }

                try
                {
                    processor.ProcessAsync(record, stoppingToken).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Shutting down mid-record: leave its offset unstored so it is delivered again.
                    break;
                }
                catch (Exception exception)
                {
                    // Not expected (the processor settles every outcome), but never skip a record because of it:
                    // rewind to it and try again.
                    LogUnexpected(exception, record.Topic, record.Partition.Value, record.Offset.Value);
                    consumer.Seek(record.TopicPartitionOffset);
                    continue;
                }

                consumer.StoreOffset(record);
            }
        }
        finally
        {
            // Close commits the stored offsets and leaves the group, so partitions move on at once.
            consumer.Close();
            LogStopped(options.ConsumerGroup);
        }
    }

    private ConsumeResult<byte[]?, byte[]?>? TryConsume(IConsumer<byte[]?, byte[]?> consumer, CancellationToken stoppingToken)
    {
        try
        {
            return consumer.Consume(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return null;
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
            // The offset is stored by hand after each record's outcome is final; auto-commit only commits stored offsets.
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            // A new group starts at the beginning, so messages sent before the first deployment are not skipped.
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };

        foreach (var setting in options.ConsumerSettings)
        {
            config.Set(setting.Key, setting.Value);
        }

        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, error) => LogClientError(error.Code, error.Reason, error.IsFatal))
            .SetLogHandler((_, message) => LogClientMessage(message.Level.ToString(), message.Facility, message.Message))
            .Build();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group '{ConsumerGroup}' subscribed to {Topics}")]
    private partial void LogStarted(string consumerGroup, string topics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group '{ConsumerGroup}' stopped")]
    private partial void LogStopped(string consumerGroup);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure processing {Topic}[{Partition}]@{Offset}; the record will be retried")]
    private partial void LogUnexpected(Exception exception, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consume error {Code}: {Reason}")]
    private partial void LogConsumeError(ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer error {Code}: {Reason} (fatal: {IsFatal})")]
    private partial void LogClientError(ErrorCode code, string reason, bool isFatal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka consumer [{Level}] {Facility}: {Text}")]
    private partial void LogClientMessage(string level, string facility, string text);
}
