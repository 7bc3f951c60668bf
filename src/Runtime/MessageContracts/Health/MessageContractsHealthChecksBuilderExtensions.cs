using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>Adds the MessageContracts health checks (docs/production.md, "Health checks").</summary>
public static class MessageContractsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the checks of the Kafka producer's and consumer's broker connectivity, the consumer's partition assignment
    /// and the deduplication store, and, where an outbox or an inbox is configured, of their databases and the age of
    /// the oldest unsent outbox row, tagged <c>live</c> and/or <c>ready</c>, with the default thresholds.
    /// </summary>
    /// <param name="builder">The health checks builder of <c>services.AddHealthChecks()</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHealthChecksBuilder AddMessageContracts(this IHealthChecksBuilder builder) => builder.AddMessageContracts(_ => { });

    /// <summary>Adds the MessageContracts health checks with thresholds set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The health checks builder of <c>services.AddHealthChecks()</c>.</param>
    /// <param name="configure">Sets the thresholds.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHealthChecksBuilder AddMessageContracts(this IHealthChecksBuilder builder, Action<MessageContractsHealthCheckOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<MessageContractsHealthState>();

        string[] ready = [HealthCheckNames.Ready];
        string[] liveAndReady = [HealthCheckNames.Live, HealthCheckNames.Ready];
        builder.AddCheck<ProducerConnectivityHealthCheck>(HealthCheckNames.Producer, HealthStatus.Unhealthy, ready);
        builder.AddCheck<ConsumerConnectivityHealthCheck>(HealthCheckNames.Consumer, HealthStatus.Unhealthy, ready);
        builder.AddCheck<ConsumerAssignmentHealthCheck>(HealthCheckNames.Assignment, HealthStatus.Degraded, liveAndReady);
        builder.AddCheck<DeduplicationStoreHealthCheck>(HealthCheckNames.DeduplicationStore, HealthStatus.Unhealthy, ready);

        // The outbox's and the inbox's checks exist only where those are configured, which the options say once the
        // container is built (AddMessageContracts may come after this call).
        builder.Services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<MessageContractsOptions>>((checks, contracts) =>
        {
            if (contracts.Value.OutboxStore is not null)
            {
                checks.Registrations.Add(Registration<OutboxDatabaseHealthCheck>(HealthCheckNames.OutboxDatabase, ready));
                checks.Registrations.Add(Registration<OutboxBacklogHealthCheck>(HealthCheckNames.OutboxBacklog, ready));
            }

            if (contracts.Value.InboxStore is not null)
            {
                checks.Registrations.Add(Registration<InboxDatabaseHealthCheck>(HealthCheckNames.InboxDatabase, ready));
            }
        });
        return builder;
    }

    private static HealthCheckRegistration Registration<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCheck>(string name, string[] tags)
        where TCheck : class, IHealthCheck =>
        new(name, provider => ActivatorUtilities.GetServiceOrCreateInstance<TCheck>(provider), HealthStatus.Unhealthy, tags);
}
