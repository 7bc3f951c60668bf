using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The one Kafka producer of a service, shared by every publisher, sender and the dead-letter path.
/// librdkafka batches per partition across all callers, so one producer is both the fastest and the
/// cheapest choice. Created on first use; flushed and disposed with the container, after which it waits for the
/// failed messages still on their way to the publish failure log.
/// </summary>
internal sealed partial class KafkaProducerConnection : IDisposable
{
    // Bounds the wait for the failure log at shutdown: a local SQLite write takes milliseconds, a database write is
    // bounded by its command timeout (30 s by default).
    private static readonly TimeSpan FailureLogShutdownWait = TimeSpan.FromSeconds(60);

    private readonly Lazy<IProducer<byte[]?, byte[]>> producer;
    private readonly PublishFailureHandler failures;
    private readonly ILogger<KafkaProducerConnection> logger;
    private readonly KafkaClientErrorLog errors;
    private readonly KafkaClientHealth health;

    public KafkaProducerConnection(
        IOptions<MessageContractsOptions> options, PublishFailureHandler failures, MessageContractsHealthState healthState, ILogger<KafkaProducerConnection> logger)
    {
        health = healthState.Producer;
        this.failures = failures;
        this.logger = logger;
        errors = new KafkaClientErrorLog(logger, "producer");
        var settings = options.Value;
        producer = new Lazy<IProducer<byte[]?, byte[]>>(() => Build(settings), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public IProducer<byte[]?, byte[]> Producer => producer.Value;

    /// <summary>The producer's handle, for the health check's metadata request; null until the first publish built it.</summary>
    public Handle? HandleIfCreated => producer.IsValueCreated ? producer.Value.Handle : null;

    public void Dispose()
    {
        if (!producer.IsValueCreated)
        {
            return;
        }

        // Deliver what is still queued before the process goes: these messages were already handed to us.
        var remaining = producer.Value.Flush(TimeSpan.FromSeconds(10));
        if (remaining > 0)
        {
            LogUndeliveredOnShutdown(remaining);
        }

        producer.Value.Dispose();

        // The last delivery reports may have failed messages under LogFailure, whose records are written off
        // librdkafka's thread: the log holds their only copy, so the process must not end before they are written.
        var pending = failures.PendingAppends;
        if (pending > 0)
        {
            LogWaitingForFailureLog(pending);
            if (!failures.WhenAppendsFinished().Wait(FailureLogShutdownWait))
            {
                LogFailureLogNotWritten(failures.PendingAppends, FailureLogShutdownWait);
            }
        }
    }

    private IProducer<byte[]?, byte[]> Build(MessageContractsOptions settings)
    {
        var userSettings = settings.UserProducerSettings();
        var timeouts = ProducerTimeouts.For(settings, userSettings);
        var config = new ProducerConfig
        {
            BootstrapServers = settings.BootstrapServers,
            ClientId = settings.ServiceName,
            // Idempotence: the broker drops a batch the client re-sends after a lost acknowledgement,
            // and per-partition order survives retries.
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            // The bound on the producer's own retries (with backoff, retry.backoff.ms up to retry.backoff.max.ms):
            // when it passes, the delivery report fails and the publish failure policy applies. The request timeouts
            // are derived from it so that a hung request is re-sent inside it (see ProducerTimeouts).
            MessageTimeoutMs = timeouts.MessageTimeoutMs,
            SocketTimeoutMs = timeouts.SocketTimeoutMs,
            RequestTimeoutMs = timeouts.RequestTimeoutMs,
            // Nothing here reads a delivery report's headers (a failure keeps the record it produced): without this,
            // Confluent.Kafka copies every record's headers back from librdkafka into new objects per report.
            DeliveryReportFields = "key,value,timestamp,status",
        };

        // Applied last, so they win; the options validator has refused those that would defeat the timeouts above.
        foreach (var setting in userSettings)
        {
            config.Set(setting.Key, setting.Value);
        }

        return new ProducerBuilder<byte[]?, byte[]>(config)
            .SetLogHandler((_, message) => LogClientMessage(message.Level.ToString(), message.Facility, message.Message))
            .SetErrorHandler((_, error) =>
            {
                errors.Report(error);
                health.Report(error);
            })
            .Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} message(s) were still undelivered when the producer was disposed")]
    private partial void LogUndeliveredOnShutdown(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for {Count} failed message(s) to be written to the publish failure log before the producer shuts down")]
    private partial void LogWaitingForFailureLog(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} failed message(s) were still not written to the publish failure log after {Wait}; the producer shut down without them")]
    private partial void LogFailureLogNotWritten(int count, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka producer [{Level}] {Facility}: {Text}")]
    private partial void LogClientMessage(string level, string facility, string text);

}
