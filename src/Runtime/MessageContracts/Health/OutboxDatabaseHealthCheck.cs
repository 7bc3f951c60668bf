using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Unhealthy when the outbox's database does not answer: the application's transactions that enqueue messages fail,
/// and the relay publishes nothing. The probe is the backlog query for a store that has one (<see cref="IOutboxBacklog"/>),
/// else a purge of rows sent before 1970, which reaches the table and deletes nothing.
/// </summary>
internal sealed class OutboxDatabaseHealthCheck(IOptions<MessageContractsOptions> contracts, IOptions<MessageContractsHealthCheckOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (contracts.Value.OutboxStore is not { } store)
        {
            return Task.FromResult(HealthCheckResult.Healthy("This service has no outbox."));
        }

        return StoreProbe.RunAsync(
            async token => store is IOutboxBacklog backlog
                ? (await backlog.GetBacklogAsync(token).ConfigureAwait(false)).UnsentCount
                : await store.PurgeSentAsync(DateTimeOffset.UnixEpoch, token).ConfigureAwait(false),
            _ => HealthCheckResult.Healthy("The outbox database answers."),
            "outbox database",
            "messages cannot be enqueued and the relay publishes nothing.",
            options.Value.StoreProbeTimeout,
            cancellationToken);
    }
}
