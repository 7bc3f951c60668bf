using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The outbox backlog gauges, <c>messagecontracts.outbox.backlog</c> and <c>messagecontracts.outbox.oldest_age</c>. The
/// store is asked only when a metrics listener collects, at most once per <see cref="RefreshInterval"/>, and never on
/// the collecting thread: a collection reports the last answer and starts a query in the background when that answer
/// is older than the interval. So a process nobody collects from never queries, and a slow database never stalls an
/// exporter. The age is computed at collection time from the oldest row's creation time, so it grows between queries.
/// </summary>
/// <remarks>
/// One per container, with a <see cref="Meter"/> of its own (named <see cref="MessagingTelemetry.Name"/>, so listeners
/// that subscribe by name see it): its gauges end with the container. Stores without <see cref="IOutboxBacklog"/> get no gauges.
/// </remarks>
internal sealed class OutboxBacklogMetrics : IDisposable
{
    /// <summary>How old the last answer may be before a collection starts a new query.</summary>
    internal static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(5);

    private readonly IOutboxBacklog? store;
    private readonly TimeProvider timeProvider;
    private volatile OutboxBacklog? last;
    private long lastQueryTimestamp = long.MinValue;
    private int querying;
    private volatile bool disposed;

    public OutboxBacklogMetrics(IOptions<MessageContractsOptions> options, TimeProvider timeProvider)
        : this(options.Value.OutboxStore as IOutboxBacklog, timeProvider, DefaultRefreshInterval)
    {
    }

    internal OutboxBacklogMetrics(IOutboxBacklog? store, TimeProvider timeProvider, TimeSpan refreshInterval)
    {
        this.store = store;
        this.timeProvider = timeProvider;
        RefreshInterval = refreshInterval;
        if (store is null)
        {
            return;
        }

        Meter = new Meter(MessagingTelemetry.Name);
        Meter.CreateObservableGauge(
            "messagecontracts.outbox.backlog",
            () => Observe(backlog => new Measurement<long>(backlog.UnsentCount)),
            "{message}",
            "Committed outbox rows not yet marked sent, as last queried.");
        Meter.CreateObservableGauge(
            "messagecontracts.outbox.oldest_age",
            () => Observe(backlog => new Measurement<double>(backlog.OldestAge(this.timeProvider.GetUtcNow()).TotalSeconds)),
            "s",
            "How long the oldest unsent outbox row has waited (0 when none waits).");
    }

    /// <summary>The meter of the gauges; null when the store cannot report a backlog.</summary>
    internal Meter? Meter { get; }

    internal TimeSpan RefreshInterval { get; }

    /// <summary>The last query started, for tests that must know no connection is open any more.</summary>
    internal Task LastQuery { get; private set; } = Task.CompletedTask;

    public void Dispose()
    {
        disposed = true;
        Meter?.Dispose();
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<OutboxBacklog, Measurement<T>> measure)
        where T : struct
    {
        RefreshIfDue();
        return last is { } backlog ? [measure(backlog)] : [];
    }

    private void RefreshIfDue()
    {
        var previous = Interlocked.Read(ref lastQueryTimestamp);
        if (disposed || (previous != long.MinValue && timeProvider.GetElapsedTime(previous) < RefreshInterval))
        {
            return;
        }

        if (Interlocked.CompareExchange(ref querying, 1, 0) != 0)
        {
            return; // A query is under way; its answer serves the next collection.
        }

        Interlocked.Exchange(ref lastQueryTimestamp, timeProvider.GetTimestamp());
        LastQuery = Task.Run(QueryAsync);
    }

    private async Task QueryAsync()
    {
        try
        {
            last = await store!.GetBacklogAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The database is away: report nothing rather than a stale figure. The health check says why.
            last = null;
        }
        finally
        {
            Volatile.Write(ref querying, 0);
        }
    }
}
