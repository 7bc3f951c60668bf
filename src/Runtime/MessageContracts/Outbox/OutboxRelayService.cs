using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The outbox relay: leases committed, unsent rows (whole key buckets, oldest first), produces them with the service's
/// idempotent producer, waits for every delivery report of the batch, then marks the delivered rows sent. A failed
/// delivery holds back the rest of its bucket, so a key's later rows never overtake it. Sent rows are deleted after
/// <see cref="OutboxOptions.SentRetention"/>. See docs/outbox.md.
/// </summary>
internal sealed partial class OutboxRelayService : BackgroundService
{
    private static readonly TimeSpan FastPollWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    private readonly IServiceProvider services;
    private readonly OutboxSignal signal;
    private readonly TimeProvider timeProvider;
    private readonly MessageContractsOptions options;
    private readonly ILogger<OutboxRelayService> logger;

    public OutboxRelayService(
        IServiceProvider services,
        OutboxSignal signal,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        OutboxBacklogMetrics backlogMetrics,
        ILogger<OutboxRelayService> logger)
    {
        // Taken here so the backlog gauges exist from the start; they query the store themselves when collected.
        _ = backlogMetrics;
        this.services = services;
        this.signal = signal;
        this.timeProvider = timeProvider;
        this.options = options.Value;
        this.logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.OutboxStore is null || !options.Outbox.RunRelay)
        {
            return;
        }

        var store = services.GetRequiredService<IOutboxStore>();
        var sender = services.GetRequiredService<ITransportSender>();
        var settings = options.Outbox;
        var pause = FirstPause;
        var fastUntil = long.MinValue;
        var lastPurge = long.MinValue;
        LogStarted(settings.PollInterval, settings.BatchSize);

        while (!stoppingToken.IsCancellationRequested)
        {
            int relayed;
            try
            {
                await store.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                relayed = await RelayBatchAsync(store, sender, settings, stoppingToken).ConfigureAwait(false);
                if (lastPurge == long.MinValue || timeProvider.GetElapsedTime(lastPurge) >= PurgeInterval)
                {
                    lastPurge = timeProvider.GetTimestamp();
                    var purged = await store.PurgeSentAsync(timeProvider.GetUtcNow() - settings.SentRetention, stoppingToken).ConfigureAwait(false);
                    if (purged > 0)
                    {
                        LogPurged(purged, settings.SentRetention);
                    }
                }

                pause = FirstPause;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database or the broker is away: nothing was marked sent that was not delivered; try again.
                LogRelayFailed(exception, pause);
                if (!await DelayAsync(pause, stoppingToken).ConfigureAwait(false))
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
                continue;
            }

            if (relayed >= settings.BatchSize)
            {
                continue; // More is waiting.
            }

            var interval = timeProvider.GetTimestamp() < fastUntil ? settings.FastPollInterval : settings.PollInterval;
            try
            {
                if (await signal.WaitAsync(interval, timeProvider, stoppingToken).ConfigureAwait(false))
                {
                    fastUntil = timeProvider.GetTimestamp() + (long)(FastPollWindow.TotalSeconds * timeProvider.TimestampFrequency);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes one leased batch; returns how many rows it leased.</summary>
    internal async Task<int> RelayBatchAsync(IOutboxStore store, ITransportSender sender, OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var lease = await store.LeaseAsync(settings.BatchSize, cancellationToken).ConfigureAwait(false);
        var rows = lease.Messages;
        if (rows.Count == 0)
        {
            return 0;
        }

        // Their topics exist before their first record (created once per process when missing and allowed).
        foreach (var topic in rows.Select(row => row.Topic).Distinct(StringComparer.Ordinal))
        {
            await sender.PrepareAsync(topic, cancellationToken).ConfigureAwait(false);
        }

        // Hand the whole batch to the sender before awaiting any of it: Kafka keeps each partition's order (idempotent
        // producer) and batches, so a batch costs about one round trip.
        var messages = new OutboundMessage[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            // A row does not keep its contract's kind (the row format predates the seam): derived from its type.
            messages[i] = new OutboundMessage(row.Topic, ContractKinds.Of(row.MessageType), row.MessageId, row.MessageType, row.Key, row.Value, OutboxHeaders.Decode(row.Headers), ContractKinds.DeliveryOf(row.MessageType));
        }

        using var activity = OutboxRelaySpan.Start(rows, messages, options.EffectiveTransport.Name);
        var deliveries = new Task<TransportDelivery>[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            deliveries[i] = sender.SendAsync(messages[i]);
        }

        // Wait for every report, cancellation or not: rows already handed over are either delivered or failed.
        var sent = new List<long>(rows.Count);
        var heldBack = new HashSet<int>();
        var failed = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            try
            {
                await deliveries[i].ConfigureAwait(false);
                if (heldBack.Contains(row.Bucket))
                {
                    // Delivered after an earlier row of its bucket failed: left unsent, it is published again after that
                    // row (the consumer drops the repeat), so the bucket's order holds from the failed row on.
                    continue;
                }

                sent.Add(row.Sequence);
            }
            catch (Exception exception) when (exception is TransportSendException or OperationCanceledException)
            {
                heldBack.Add(row.Bucket);
                failed++;
                OutboxTelemetry.RelayFailed.Add(1, MessagingTelemetry.Destination(row.Topic));
                LogDeliveryFailed(row.MessageId, row.Topic, (exception as TransportSendException)?.Failure.Reason ?? exception.Message);
            }
        }

        if (settings.AfterPublishBeforeMarkSent is { } hook)
        {
            await hook(rows, cancellationToken).ConfigureAwait(false);
        }

        // Not cancellable: what Kafka acknowledged is marked, or it is published a second time.
        var now = timeProvider.GetUtcNow();
        await lease.MarkSentAsync(sent, now, CancellationToken.None).ConfigureAwait(false);
        OutboxRelaySpan.Finish(activity, sent.Count, failed);
        var marked = sent.ToHashSet();
        foreach (var row in rows)
        {
            if (marked.Contains(row.Sequence))
            {
                OutboxTelemetry.Relayed.Add(1, MessagingTelemetry.Destination(row.Topic));
                OutboxTelemetry.Lag.Record((now - row.CreatedAt).TotalSeconds, MessagingTelemetry.Destination(row.Topic));
            }
        }

        return rows.Count;
    }

    private async Task<bool> DelayAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay started (poll interval {PollInterval}, batch size {BatchSize})")]
    private partial void LogStarted(TimeSpan pollInterval, int batchSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId} to '{Topic}' was not delivered ({Reason}); it and the later rows of its key bucket stay unsent and are tried again")]
    private partial void LogDeliveryFailed(string messageId, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox relay failed; trying again in {Pause} (nothing undelivered was marked sent)")]
    private partial void LogRelayFailed(Exception exception, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} outbox row(s) sent more than {Retention} ago")]
    private partial void LogPurged(int count, TimeSpan retention);
}
