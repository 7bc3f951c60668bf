using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MessageContracts;

/// <summary>
/// Unhealthy while the consumer has reported every broker down and has had no partition assignment or record since:
/// observed state only, no request per probe.
/// </summary>
internal sealed class ConsumerConnectivityHealthCheck(MessageContractsHealthState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = state.Consumer.AllBrokersDownSince is { } since
            ? HealthCheckResult.Unhealthy(
                $"The Kafka consumer has reached no broker since {since:O}: no message is consumed. "
                + "Check that the brokers run and that BootstrapServers, the network and the TLS/SASL settings let this service reach them.")
            : HealthCheckResult.Healthy("The Kafka consumer has not reported its brokers down.");
        return Task.FromResult(result);
    }
}
