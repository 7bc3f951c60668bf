using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// Reads one stream as one consumer of its group, in order, and hands the entries to the core as one ordered lane.
/// </summary>
/// <remarks>
/// <para>
/// Each round takes, in this order of priority: the consumer's own pending entries once at start (a restart under a fixed
/// <see cref="RedisTransportOptions.ConsumerName"/>); the pending entries of consumers presumed dead, taken over with
/// <c>XAUTOCLAIM</c> every <see cref="RedisTransportOptions.ReclaimInterval"/> (the cursor is kept between calls, so a
/// long pending list is walked, not re-read from its start); new entries with <c>XREADGROUP ... &gt;</c>. StackExchange.Redis
/// has no blocking read, so an empty read waits, from <see cref="RedisTransportOptions.MinPollDelay"/> doubling up to
/// <see cref="RedisTransportOptions.MaxPollDelay"/>, and a publish's doorbell ends the wait at once.
/// </para>
/// <para>
/// Redelivered entries (own or reclaimed) have their delivery count read with <c>XPENDING</c>: one delivered more than
/// <see cref="RedisTransportOptions.MaxDeliveries"/> times is dead-lettered without handling. Only what the core reports
/// settled is acknowledged (<c>XACK</c>); the rest stays pending, to be settled again here or reclaimed elsewhere.
/// </para>
/// <para>
/// Two round trips are not waited for on their own (measured: with the reads and the <c>XACK</c>s each awaited, the lane
/// spent more time waiting for Redis than settling, docs/benchmarks.md, Redis, Session 8): the <c>XACK</c>s of a batch
/// are answered while the next read is under way, and a lane that is behind (a read filled a batch) sends its next read
/// before settling the batch it has (<see cref="ReadAheadIfBehind"/>). Neither moves an <c>XACK</c> before the core
/// reports the entries settled.
/// </para>
/// </remarks>
internal sealed class StreamLane(
    string source,
    RedisKey key,
    string group,
    string consumer,
    IDatabase database,
    IInboundRecordPipeline pipeline,
    SemaphoreSlim handlerSlots,
    RedisTransportOptions options,
    PendingDeadLetters deadLetters,
    TimeProvider timeProvider,
    ILogger logger)
{
    private const string FirstId = "0-0";

    private readonly SemaphoreSlim doorbell = new(0, 1);

    // The XACKs of the batches settled since the last read, in flight: observed after the next read is sent.
    private readonly List<Task> acknowledgements = [];

    private RedisValue reclaimCursor = FirstId;
    private DateTimeOffset nextReclaim = DateTimeOffset.MinValue;
    private bool ownPendingRead;

    // The XREADGROUP sent before the current batch was settled (ReadAheadIfBehind), to be taken by the next round.
    private Task<StreamEntry[]>? readAhead;

    /// <summary>A publish to the stream happened: end the current wait.</summary>
    public void Ring()
    {
        // Rung and not yet heard: once is enough. Checked first, because a release past the maximum throws, and a busy
        // lane gets rung by every publish: an exception per message.
        if (doorbell.CurrentCount > 0)
        {
            return;
        }

        try
        {
            doorbell.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already rung and not yet heard: once is enough.
        }
    }

    /// <summary>Creates the group at the stream's start (and the stream) when missing: a new service reads what the stream retains.</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await database.StreamCreateConsumerGroupAsync(key, group, FirstId, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another instance (or an earlier run) created it.
        }
    }

    public async Task RunAsync(CancellationToken stop, CancellationToken abort)
    {
        try
        {
            await ReadAndSettleAsync(stop, abort).ConfigureAwait(false);
        }
        finally
        {
            DiscardReadAhead();

            // Stopping: the last batch's XACKs are answered (or failed, and the entries stay pending) before the lane ends.
            try
            {
                await ObserveAcknowledgementsAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                logger.LogDebug(exception, "Acknowledging entries of Redis stream {Stream} failed while its lane was stopping", (string?)key);
            }
        }
    }

    private async Task ReadAndSettleAsync(CancellationToken stop, CancellationToken abort)
    {
        var delay = options.MinPollDelay;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                StreamEntry[] entries;
                bool redelivered;
                try
                {
                    (entries, redelivered) = await NextAsync().ConfigureAwait(false);
                }
                finally
                {
                    // The last batch's XACKs went out on the same connection as this read (before it, or just after a read
                    // ahead), so Redis has answered them by now or does next: one wait per batch, not two.
                    await ObserveAcknowledgementsAsync().ConfigureAwait(false);
                }

                if (entries.Length == 0)
                {
                    if (!redelivered)
                    {
                        await WaitAsync(delay, stop).ConfigureAwait(false);
                        delay = Longer(delay);
                    }

                    continue;
                }

                delay = options.MinPollDelay;
                ReadAheadIfBehind(entries.Length, redelivered);
                await SettleAsync(entries, redelivered, stop, abort).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested || abort.IsCancellationRequested)
            {
                return;
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // The stream or its group was deleted under us (a DEL, a FLUSHDB): start again from what is there.
                logger.LogWarning("Redis stream {Stream} lost its group {Group}; creating it again", (string?)key, group);
                DiscardReadAhead();
                await EnsureGroupAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (!stop.IsCancellationRequested)
            {
                // Redis unreachable, a dead letter not written, or the core failing a batch: the lane must not end. What
                // was read and not acknowledged is still pending under this consumer: read it again (id 0) first.
                logger.LogWarning(exception, "Reading or settling Redis stream {Stream} failed; retrying in {Delay}", (string?)key, delay);
                ownPendingRead = false;
                DiscardReadAhead();
                await WaitAsync(delay, stop).ConfigureAwait(false);
                delay = Longer(delay);
            }
            catch (Exception exception) when (stop.IsCancellationRequested)
            {
                // Stopping while Redis fails (a server going down with the service, a read in flight at the stop): the
                // lane ends as it would have. Nothing is lost: what was read and not acknowledged stays pending under
                // this consumer and is read again by its next run or reclaimed by another instance.
                logger.LogDebug(exception, "Redis stream {Stream} failed while its lane was stopping", (string?)key);
                return;
            }
        }
    }

    /// <summary>
    /// Sends the next <c>XREADGROUP ... &gt;</c> before this batch is settled when the lane is behind (the read filled a
    /// batch of new entries) and the next round would read new entries anyway (its own pending ones read, no reclaim
    /// due): Redis answers it while the core settles, instead of after. The price: entries read ahead and not settled
    /// when the lane stops stay pending under this consumer, as the rest of a batch does.
    /// </summary>
    private void ReadAheadIfBehind(int read, bool redelivered)
    {
        if (!redelivered && read == options.ReadBatchSize && ownPendingRead && timeProvider.GetUtcNow() < nextReclaim)
        {
            readAhead = database.StreamReadGroupAsync(key, group, consumer, StreamPosition.NewMessages, options.ReadBatchSize);
        }
    }

    /// <summary>
    /// Forgets a read ahead (the lane failed or stops): its entries, if Redis delivered them, are pending under this
    /// consumer, read again first (id 0) or reclaimed. Its failure is observed here, not thrown.
    /// </summary>
    private void DiscardReadAhead()
    {
        if (readAhead is { } ahead)
        {
            readAhead = null;
            _ = ahead.ContinueWith(static read => _ = read.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task<(StreamEntry[] Entries, bool Redelivered)> NextAsync()
    {
        if (readAhead is { } ahead)
        {
            readAhead = null;
            return (await ahead.ConfigureAwait(false), false);
        }

        if (!ownPendingRead)
        {
            var own = await database.StreamReadGroupAsync(key, group, consumer, FirstId, options.ReadBatchSize).ConfigureAwait(false);
            ownPendingRead = own.Length == 0;
            return (own, true);
        }

        if (timeProvider.GetUtcNow() >= nextReclaim)
        {
            var claimed = await database.StreamAutoClaimAsync(
                key, group, consumer, (long)options.ReclaimMinIdleTime.TotalMilliseconds, reclaimCursor, options.ReadBatchSize).ConfigureAwait(false);
            reclaimCursor = claimed.IsNull ? (RedisValue)FirstId : claimed.NextStartId;
            if (reclaimCursor == FirstId)
            {
                // The pending list was walked to its end: look again after the interval.
                nextReclaim = timeProvider.GetUtcNow() + options.ReclaimInterval;
            }

            if (!claimed.IsNull && claimed.ClaimedEntries.Length > 0)
            {
                logger.LogInformation("Took over {Count} pending entries of Redis stream {Stream} from consumers idle for {Idle} or more", claimed.ClaimedEntries.Length, (string?)key, options.ReclaimMinIdleTime);
                return (claimed.ClaimedEntries, true);
            }
        }

        return (await database.StreamReadGroupAsync(key, group, consumer, StreamPosition.NewMessages, options.ReadBatchSize).ConfigureAwait(false), false);
    }

    private async Task SettleAsync(StreamEntry[] entries, bool redelivered, CancellationToken stop, CancellationToken abort)
    {
        var deliveries = redelivered ? await DeliveryCountsAsync(entries).ConfigureAwait(false) : null;
        var ids = new List<RedisValue>(entries.Length);
        var records = new List<InboundRecord>(entries.Length);
        foreach (var entry in entries)
        {
            if (entry.IsNull || entry.Values is null)
            {
                // Trimmed or deleted while pending: nothing left to handle.
                await database.StreamAcknowledgeAsync(key, group, entry.Id).ConfigureAwait(false);
                continue;
            }

            var record = StreamFields.ToRecord(source, entry);
            if (deliveries is not null && deliveries.TryGetValue(entry.Id, out var count) && count > options.MaxDeliveries)
            {
                logger.LogWarning("Redis stream {Stream} entry {Id} was delivered {Count} times; dead-lettering it", (string?)key, (string?)entry.Id, count);
                await deadLetters.WriteAsync(record, count, options.MaxDeliveries, abort).ConfigureAwait(false);
                await database.StreamAcknowledgeAsync(key, group, entry.Id).ConfigureAwait(false);
                continue;
            }

            ids.Add(entry.Id);
            records.Add(record);
        }

        var sent = new List<Task>();
        var acknowledged = 0;
        var done = 0;
        var alone = false;
        try
        {
            while (done < records.Count && !stop.IsCancellationRequested)
            {
                var length = alone || !pipeline.CanBatch ? 1 : records.Count - done;
                var batch = records.GetRange(done, length);
                var start = done;
                int settled;
                await handlerSlots.WaitAsync(abort).ConfigureAwait(false);
                try
                {
                    settled = await pipeline.SettleAsync(
                        batch,
                        index =>
                        {
                            // Acknowledge up to the settled record, and nothing past it.
                            var upTo = start + index + 1;
                            if (upTo > acknowledged)
                            {
                                sent.Add(database.StreamAcknowledgeAsync(key, group, ids.GetRange(acknowledged, upTo - acknowledged).ToArray()));
                                acknowledged = upTo;
                            }
                        },
                        stop,
                        abort).ConfigureAwait(false);
                }
                finally
                {
                    handlerSlots.Release();
                }

                done += settled;

                // Nothing settled: a claim another instance holds stopped the batch; passed alone, the record waits for it.
                alone = settled == 0;
            }
        }
        finally
        {
            // Not awaited here: the lane reads on while Redis answers (ObserveAcknowledgementsAsync, after the next read).
            if (sent.Count > 0)
            {
                acknowledgements.Add(sent.Count == 1 ? sent[0] : Task.WhenAll(sent));
            }
        }
    }

    /// <summary>
    /// Waits for the <c>XACK</c>s sent so far. One that failed leaves its entries pending under this consumer: they are
    /// read again first (id 0), as duplicates the store drops, then acknowledged; otherwise, with the next reads
    /// succeeding (the server back within their timeout), they would wait for a reclaim, ReclaimMinIdleTime later.
    /// </summary>
    private async Task ObserveAcknowledgementsAsync()
    {
        if (acknowledgements.Count == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(acknowledgements).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            logger.LogWarning(exception, "Acknowledging entries of Redis stream {Stream} failed", (string?)key);
            ownPendingRead = false;
        }
        finally
        {
            acknowledgements.Clear();
        }
    }

    private async Task<Dictionary<RedisValue, long>> DeliveryCountsAsync(StreamEntry[] entries)
    {
        // Room for more than these entries: others of this consumer may lie in the same ID range (read before an error).
        var pending = await database.StreamPendingMessagesAsync(
            key, group, entries.Length + options.ReadBatchSize, consumer, entries[0].Id, entries[^1].Id).ConfigureAwait(false);
        var counts = new Dictionary<RedisValue, long>(pending.Length);
        foreach (var info in pending)
        {
            counts[info.MessageId] = info.DeliveryCount;
        }

        return counts;
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await doorbell.WaitAsync(delay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends.
        }
    }

    private TimeSpan Longer(TimeSpan delay) => delay * 2 < options.MaxPollDelay ? delay * 2 : options.MaxPollDelay;
}
