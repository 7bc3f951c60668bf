using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Unhealthy when the deduplication store does not answer a probe: a release of a
/// claim nobody holds, under a group name no consumer uses, which reaches the database and changes nothing.
/// </summary>
internal sealed class DeduplicationStoreHealthCheck(IServiceProvider services, IOptions<MessageContractsHealthCheckOptions> options) : IHealthCheck
{
    private const string ProbeGroup = "messagecontracts-health-probe";
    private static readonly string[] ProbeIds = ["messagecontracts-health-probe"];

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService(typeof(IDeduplicationStore)) is not IDeduplicationStore store)
        {
            return Task.FromResult(HealthCheckResult.Healthy("This service consumes nothing: it has no deduplication store."));
        }

        if (store is InboxRetention)
        {
            // The inbox's stand-in answers the probe without a database: the inbox check probes the real one.
            return Task.FromResult(HealthCheckResult.Healthy($"The transactional inbox settles records; {HealthCheckNames.InboxDatabase} probes its database."));
        }

        return StoreProbe.RunAsync(
            async token =>
            {
                await store.ReleaseAsync(ProbeGroup, ProbeIds, Guid.NewGuid(), token).ConfigureAwait(false);
                return true;
            },
            _ => HealthCheckResult.Healthy("The deduplication store answers."),
            "deduplication store",
            "the consumer cannot settle records and its partitions wait.",
            options.Value.StoreProbeTimeout,
            cancellationToken);
    }
}
