using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// Keeps the deduplication claims the consumer holds alive while their handlers run, so a slow handler (or a long retry
/// schedule) does not lose its claim to another instance. One timer for the whole consumer, timed by
/// <see cref="TimeProvider"/>, ticks every sixth of the lease and renews (one store call per claim call) every held
/// claim last renewed a third of a lease ago or more: a claim is renewed with at least half its lease left, so one
/// failed renewal (the store briefly away) still leaves time for the next.
/// </summary>
/// <remarks>
/// A renewal that finds a claim no longer held (its lease ran out while this instance stalled, and another instance took
/// it over) records the ID as taken over and logs it; the consumer then does not mark that message processed (the new
/// owner's outcome counts) and does not start its handlers if they have not started. A handler already running is not
/// cancelled: handlers are idempotent (MC0002), and a cancelled handler could leave half an effect.
/// </remarks>
internal sealed partial class LeaseRenewal : IDisposable
{
    private static readonly TimeSpan RenewalTimeout = TimeSpan.FromSeconds(30);

    private readonly IDeduplicationStore store;
    private readonly string consumerGroup;
    private readonly TimeSpan lease;
    private readonly TimeSpan renewAfter;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly object gate = new();
    private readonly HashSet<HeldClaims> held = [];
    private readonly ITimer timer;
    private int renewing;

    public LeaseRenewal(IDeduplicationStore store, string consumerGroup, TimeSpan lease, TimeProvider timeProvider, ILogger logger)
    {
        this.store = store;
        this.consumerGroup = consumerGroup;
        this.lease = lease;
        this.timeProvider = timeProvider;
        this.logger = logger;
        renewAfter = lease / 3;
        var tick = lease / 6;
        timer = timeProvider.CreateTimer(static state => ((LeaseRenewal)state!).Tick(), this, tick, tick);
    }

    /// <summary>Starts renewing the claims <paramref name="owner"/> took on <paramref name="messageIds"/> at <paramref name="claimedAt"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public HeldClaims Hold(Guid owner, IEnumerable<string> messageIds, long claimedAt, int capacity = 0)
    {
        var claims = new HeldClaims(this, owner, messageIds, claimedAt, capacity);
        lock (gate)
        {
            held.Add(claims);
        }

        return claims;
    }

    public void Dispose() => timer.Dispose();

    private void Tick()
    {
        if (Interlocked.Exchange(ref renewing, 1) == 1)
        {
            // The last round is still waiting for the store.
            return;
        }

        List<(HeldClaims Claims, string[] MessageIds)>? due = null;
        lock (gate)
        {
            foreach (var claims in held)
            {
                if (claims.MessageIds.Count > 0 && timeProvider.GetElapsedTime(claims.RenewedAt) >= renewAfter)
                {
                    (due ??= []).Add((claims, [.. claims.MessageIds]));
                }
            }
        }

        if (due is null)
        {
            Volatile.Write(ref renewing, 0);
            return;
        }

        _ = RenewAsync(due);
    }

    private async Task RenewAsync(List<(HeldClaims Claims, string[] MessageIds)> due)
    {
        try
        {
            foreach (var (claims, messageIds) in due)
            {
                var started = timeProvider.GetTimestamp();
                try
                {
                    using var timeout = new CancellationTokenSource(RenewalTimeout, timeProvider);
                    var renewed = await store.RenewAsync(consumerGroup, messageIds, claims.Owner, lease, timeout.Token).ConfigureAwait(false);
                    lock (gate)
                    {
                        claims.RenewedAt = started;
                        for (var i = 0; i < messageIds.Length; i++)
                        {
                            // Renewed, or no longer this owner's; an ID settled meanwhile is no news.
                            if (!renewed[i] && claims.MessageIds.Remove(messageIds[i]))
                            {
                                claims.TakenOver.Add(messageIds[i]);
                                LogTakenOver(messageIds[i], consumerGroup);
                            }
                        }
                    }
                }
                catch (Exception exception)
                {
                    // The store is away: the lease has at least half its length left; the next tick tries again.
                    LogRenewalFailed(exception, messageIds.Length, lease);
                }
            }
        }
        finally
        {
            Volatile.Write(ref renewing, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The claim on message {MessageId} (consumer group '{ConsumerGroup}') was taken over by another instance while its handlers ran here: its lease ran out unrenewed. This instance will not mark it processed; the other instance's outcome counts")]
    private partial void LogTakenOver(string messageId, string consumerGroup);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the claims on {Count} message(s); trying again at the next tick (each claim lasts {Lease} from its last renewal)")]
    private partial void LogRenewalFailed(Exception exception, int count, TimeSpan lease);

    /// <summary>
    /// The claims of one claim call that are still being processed: renewed until <see cref="Dispose"/>. The consumer
    /// removes an ID once its outcome is recorded (<see cref="Settled(string)"/>), so it is no longer renewed.
    /// </summary>
    internal sealed class HeldClaims : IDisposable
    {
        private readonly LeaseRenewal renewal;

        public HeldClaims(LeaseRenewal renewal, Guid owner, IEnumerable<string> messageIds, long claimedAt, int capacity = 0)
        {
            this.renewal = renewal;
            Owner = owner;

            // Sized once (the IDs come from an iterator, which a set cannot size itself from: it would grow and copy).
            MessageIds = new HashSet<string>(capacity);
            foreach (var messageId in messageIds)
            {
                MessageIds.Add(messageId);
            }

            RenewedAt = claimedAt;
        }

        /// <summary>The owner token the claims were taken with.</summary>
        public Guid Owner { get; }

        // Guarded by the renewal's gate.
        internal HashSet<string> MessageIds { get; }

        internal HashSet<string> TakenOver { get; } = [];

        internal long RenewedAt { get; set; }

        /// <summary>Whether a renewal found any of these claims held by another owner.</summary>
        public bool AnyTakenOver
        {
            get
            {
                lock (renewal.gate)
                {
                    return TakenOver.Count > 0;
                }
            }
        }

        /// <summary>Whether a renewal found the claim on <paramref name="messageId"/> held by another owner.</summary>
        public bool WasTakenOver(string messageId)
        {
            lock (renewal.gate)
            {
                return TakenOver.Contains(messageId);
            }
        }

        /// <summary>Stops renewing <paramref name="messageId"/>: its outcome is recorded, or its claim released.</summary>
        public void Settled(string messageId)
        {
            lock (renewal.gate)
            {
                MessageIds.Remove(messageId);
            }
        }

        /// <summary>Stops renewing these IDs.</summary>
        public void Settled(IEnumerable<string> messageIds)
        {
            lock (renewal.gate)
            {
                MessageIds.ExceptWith(messageIds);
            }
        }

        /// <summary>Stops renewing every claim of the call.</summary>
        public void Dispose()
        {
            lock (renewal.gate)
            {
                renewal.held.Remove(this);
            }
        }
    }
}
