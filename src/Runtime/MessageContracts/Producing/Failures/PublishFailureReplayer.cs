using System.Diagnostics;
using MessageContracts.Transports;
using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// The <see cref="IPublishFailureReplayer"/> the container hands out: pages through the log in sequence order and
/// sends each page's records through the transport's one sender, so one key's records keep their order.
/// </summary>
internal sealed partial class PublishFailureReplayer : IPublishFailureReplayer, IDisposable
{
    private const int PageSize = 256;

    private readonly ITransportSender sender;
    private readonly IPublishFailureLog failureLog;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<PublishFailureReplayer> logger;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public PublishFailureReplayer(
        ITransportSender sender,
        IPublishFailureLog failureLog,
        TimeProvider timeProvider,
        ILogger<PublishFailureReplayer> logger)
    {
        this.sender = sender;
        this.failureLog = failureLog;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    public void Dispose() => oneAtATime.Dispose();

    public async Task<PublishFailureReplayResult> ReplayAsync(CancellationToken cancellationToken = default)
    {
        await oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var activity = MessagingTelemetry.ActivitySource.StartActivity("replay publish failures", ActivityKind.Internal);
            int replayed = 0, failed = 0;
            long after = 0;
            while (true)
            {
                var page = await failureLog.ReadAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    break;
                }

                after = page[^1].Sequence;
                var (delivered, failedAgain, timedOut) = await ReplayPageAsync(page, cancellationToken).ConfigureAwait(false);
                replayed += delivered;
                failed += failedAgain;
                if (delivered == 0 && timedOut > 0)
                {
                    // Not one record of the page got through and Kafka did not answer in time: it is still
                    // unreachable, and every further page would wait out the publish timeout too. (A page of records
                    // Kafka refuses outright, too large say, does not stop the replay of the records after it.)
                    break;
                }
            }

            var remaining = await failureLog.CountAsync(cancellationToken).ConfigureAwait(false);
            activity?.SetTag("messagecontracts.replay.delivered", replayed);
            activity?.SetTag("messagecontracts.replay.failed", failed);
            LogReplayed(replayed, failed, remaining);
            return new PublishFailureReplayResult(replayed, failed, remaining);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private async Task<(int Delivered, int Failed, int TimedOut)> ReplayPageAsync(IReadOnlyList<PublishFailureRecord> page, CancellationToken cancellationToken)
    {
        // Hand the whole page to the producer before awaiting any of it: librdkafka keeps the order per partition
        // (idempotent producer) and batches, so a page costs about one round trip, not one per record.
        var deliveries = new Task<TransportDelivery>[page.Count];
        for (var i = 0; i < page.Count; i++)
        {
            deliveries[i] = sender.SendAsync(ToMessage(page[i]), cancellationToken);
        }

        var delivered = new List<string>(page.Count);
        int failed = 0, timedOut = 0;
        for (var i = 0; i < page.Count; i++)
        {
            var record = page[i];
            try
            {
                await deliveries[i].ConfigureAwait(false);
                delivered.Add(record.MessageId);
                PublishFailureTelemetry.Replayed.Add(1, MessagingTelemetry.Destination(record.Topic));
            }
            catch (TransportSendException exception)
            {
                failed++;
                timedOut += exception.Failure.TimedOut ? 1 : 0;
                var reason = exception.Failure.Description;
                LogReplayFailed(record.MessageId, record.Topic, reason);
                await failureLog.RecordFailedAttemptAsync(record.MessageId, reason, timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stop waiting: what was acknowledged so far is removed below; the rest stays for the next replay.
                break;
            }
        }

        // Removed only now that Kafka acknowledged them; not cancellable, so an acknowledged page is not replayed again.
        await failureLog.RemoveAsync(delivered, CancellationToken.None).ConfigureAwait(false);

        cancellationToken.ThrowIfCancellationRequested();
        return (delivered.Count, failed, timedOut);
    }

    private static OutboundMessage ToMessage(PublishFailureRecord record)
    {
        var headers = new TransportHeaderList(record.Headers.Count);
        foreach (var header in record.Headers)
        {
            headers.Add(header.Key, header.Value);
        }

        // The log does not keep the kind (the record format predates the seam): derived from the type.
        return new OutboundMessage(record.Topic, ContractKinds.Of(record.MessageType), record.MessageId, record.MessageType, record.Key, record.Value, headers, ContractKinds.DeliveryOf(record.MessageType));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying message {MessageId} to '{Topic}' failed again ({Reason}); it stays in the publish failure log")]
    private partial void LogReplayFailed(string messageId, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publish failure log replay: {Replayed} delivered, {Failed} failed again, {Remaining} remaining")]
    private partial void LogReplayed(int replayed, int failed, int remaining);
}
