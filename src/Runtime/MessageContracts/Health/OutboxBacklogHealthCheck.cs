using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Follows the age of the oldest unsent outbox row: Degraded past <see cref="MessageContractsHealthCheckOptions.OutboxAgeDegradedThreshold"/>,
/// Unhealthy past <see cref="MessageContractsHealthCheckOptions.OutboxAgeUnhealthyThreshold"/>. An old row means the
/// relay does not run (in any process), cannot reach Kafka, or falls behind: the messages reach their consumers late.
/// Asks the store each time (one indexed query); a store without <see cref="IOutboxBacklog"/> is reported as not checked.
/// </summary>
internal sealed class OutboxBacklogHealthCheck(
    IOptions<MessageContractsOptions> contracts, TimeProvider timeProvider, IOptions<MessageContractsHealthCheckOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (contracts.Value.OutboxStore is not IOutboxBacklog store)
        {
            return Task.FromResult(HealthCheckResult.Healthy(
                contracts.Value.OutboxStore is null ? "This service has no outbox." : "The outbox store cannot report its backlog (it does not implement IOutboxBacklog); not checked."));
        }

        var settings = options.Value;
        return StoreProbe.RunAsync(
            store.GetBacklogAsync,
            backlog => Judge(backlog, timeProvider.GetUtcNow(), settings),
            "outbox database",
            "the age of the oldest unsent message is unknown.",
            settings.StoreProbeTimeout,
            cancellationToken);
    }

    private static HealthCheckResult Judge(OutboxBacklog backlog, DateTimeOffset now, MessageContractsHealthCheckOptions settings)
    {
        var age = backlog.OldestAge(now);
        var summary = string.Create(CultureInfo.InvariantCulture, $"{backlog.UnsentCount} unsent outbox row(s), the oldest enqueued {age.TotalSeconds:0.#} s ago");
        const string advice = " Check that a relay runs (Outbox.RunRelay in one process at least), that it reaches Kafka, and its error log.";
        if (age > settings.OutboxAgeUnhealthyThreshold)
        {
            return HealthCheckResult.Unhealthy($"{summary} (longer than {settings.OutboxAgeUnhealthyThreshold}): their consumers get them late.{advice}");
        }

        if (age > settings.OutboxAgeDegradedThreshold)
        {
            return HealthCheckResult.Degraded($"{summary} (longer than {settings.OutboxAgeDegradedThreshold}): the relay falls behind or cannot publish.{advice}");
        }

        return HealthCheckResult.Healthy(summary + ".");
    }
}
