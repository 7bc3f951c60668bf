using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Unhealthy when the transactional inbox's database does not answer: no record can be settled and the partitions
/// wait. The probe forgets the message IDs processed before 1970, which reaches the table and deletes nothing.
/// </summary>
internal sealed class InboxDatabaseHealthCheck(IOptions<MessageContractsOptions> contracts, IOptions<MessageContractsHealthCheckOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (contracts.Value.InboxStore is not { } store)
        {
            return Task.FromResult(HealthCheckResult.Healthy("This service has no inbox."));
        }

        return StoreProbe.RunAsync(
            token => store.PurgeAsync(DateTimeOffset.UnixEpoch, token),
            _ => HealthCheckResult.Healthy("The inbox database answers."),
            "inbox database",
            "the consumer cannot settle records and its partitions wait.",
            options.Value.StoreProbeTimeout,
            cancellationToken);
    }
}
