using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>Degraded when the consumer has had no partitions for longer than <see cref="MessageContractsHealthCheckOptions.UnassignedThreshold"/>.</summary>
internal sealed class ConsumerAssignmentHealthCheck(
    MessageContractsHealthState state, TimeProvider timeProvider, IOptions<MessageContractsHealthCheckOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (partitions, unassignedSince) = state.Assignment.Snapshot();
        var threshold = options.Value.UnassignedThreshold;
        var result = unassignedSince is { } since && timeProvider.GetUtcNow() - since > threshold
            ? HealthCheckResult.Degraded(
                $"The consumer has had no partitions since {since:O} (longer than {threshold}): this instance handles no message. "
                + "Check that its topics exist and that the group has no more instances than partitions, or that the brokers let the group settle.")
            : HealthCheckResult.Healthy($"The consumer has {partitions} partition(s), or has had none for less than {threshold}.");
        return Task.FromResult(result);
    }
}
