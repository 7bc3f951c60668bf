using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Unhealthy while the producer has reported every broker down and no broker answers. Costs nothing while the producer
/// has not reported an outage; after one, asks for metadata on the producer's own connection (a short timeout) to see
/// whether a broker is back, since librdkafka reports the outage but not its end.
/// </summary>
internal sealed class ProducerConnectivityHealthCheck(
    MessageContractsHealthState state, KafkaProducerConnection connection, IOptions<MessageContractsHealthCheckOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Producer.AllBrokersDownSince is not { } since || connection.HandleIfCreated is not { } handle)
        {
            return HealthCheckResult.Healthy("The Kafka producer has not reported its brokers down.");
        }

        var timeout = options.Value.BrokerProbeTimeout;
        var answered = await Task.Run(() => BrokerAnswers(handle, timeout), cancellationToken).ConfigureAwait(false);
        if (answered)
        {
            state.Producer.MarkReachable();
            return HealthCheckResult.Healthy("The Kafka producer reaches a broker again.");
        }

        return HealthCheckResult.Unhealthy(
            $"The Kafka producer has reached no broker since {since:O}: publishes wait and then fail. "
            + "Check that the brokers run and that BootstrapServers, the network and the TLS/SASL settings let this service reach them.");
    }

    private static bool BrokerAnswers(Handle handle, TimeSpan timeout)
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(handle).Build();
            return admin.GetMetadata(timeout).Brokers.Count > 0;
        }
        catch (KafkaException)
        {
            return false;
        }
    }
}
