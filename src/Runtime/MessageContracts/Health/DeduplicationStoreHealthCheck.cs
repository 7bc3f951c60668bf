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

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService(typeof(IDeduplicationStore)) is not IDeduplicationStore store)
        {
            return HealthCheckResult.Healthy("This service consumes nothing: it has no deduplication store.");
        }

        if (store is InboxRetention)
        {
            // The inbox's stand-in answers the probe without a database: say so rather than report a check not made.
            return HealthCheckResult.Healthy("The transactional inbox settles records; its database is not probed by this check.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StoreProbeTimeout);
        try
        {
            await store.ReleaseAsync(ProbeGroup, ProbeIds, Guid.NewGuid(), timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The deduplication store answers.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception's type only: its message may carry a connection string.
            return HealthCheckResult.Unhealthy(
                $"The deduplication store does not answer ({exception.GetType().Name}): the consumer cannot settle records and its partitions wait. "
                + "Check that its database runs and that the connection string (or the SQLite file's directory) is right.");
        }
    }
}
