using MessageContracts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>Registers MessageContracts in a service container.</summary>
public static class MessageContractsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the producers (<see cref="IEventPublisher{TEvent}"/>, <see cref="ICommandSender{TCommand}"/>),
    /// every handler the source generator found in the loaded assemblies, and, when there is at least one
    /// handler, the consumer as a hosted service.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; only <see cref="MessageContractsOptions.BootstrapServers"/> is required.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddMessageContracts(this IServiceCollection services, Action<MessageContractsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddMessageContractsCore(services, configure, modules => HandlerRegistration.RegisterAll(services, modules));
    }

    /// <summary>
    /// Like <see cref="AddMessageContracts(IServiceCollection, Action{MessageContractsOptions})"/>, but registers only
    /// the handlers whose class <paramref name="handlerFilter"/> accepts, so several services can live in one assembly
    /// (or one process, each in its own host) and each run its own handlers: a handler the filter refuses is not
    /// registered and never runs, a topic none of the kept handlers needs is not subscribed to, and with no handler
    /// kept the service runs no consumer at all (a service that only publishes).
    /// </summary>
    /// <remarks>
    /// The filter is a parameter rather than a <see cref="MessageContractsOptions"/> setting because it decides what is
    /// registered, which happens now, while <paramref name="configure"/> runs only when the options are first read
    /// (after the container is built) and may depend on services registered later. Running <paramref name="configure"/>
    /// early just to read one setting would run its side effects (stores it creates) twice.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; only <see cref="MessageContractsOptions.BootstrapServers"/> is required.</param>
    /// <param name="handlerFilter">
    /// Called once per generated handler class, here, during registration; returns whether this service runs it.
    /// Example: <c>type =&gt; type.Namespace == "OrderFlow.Shipping"</c>.
    /// </param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddMessageContracts(
        this IServiceCollection services, Action<MessageContractsOptions> configure, Func<Type, bool> handlerFilter)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(handlerFilter);
        return AddMessageContractsCore(services, configure, modules => HandlerRegistration.RegisterFiltered(services, modules, handlerFilter));
    }

    private static IServiceCollection AddMessageContractsCore(
        IServiceCollection services, Action<MessageContractsOptions> configure, Func<IReadOnlyList<GeneratedMessageModule>, HandlerCatalog> registerHandlers)
    {
        services.AddOptions<MessageContractsOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageContractsOptions>, MessageContractsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MessageContractsHealthState>();
        services.TryAddSingleton<ConsumerLagMetrics>();

        services.TryAddSingleton<KafkaProducerConnection>();
        services.TryAddSingleton<TopicProvisioner>();
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<MessageContractsOptions>>().Value.EffectiveTransport.CreateSender(provider));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageContractsOptions>, TopicProvisioningOptionsValidator>());
        services.TryAdd(ServiceDescriptor.Singleton(typeof(IEventPublisher<>), typeof(KafkaEventPublisher<>)));
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ICommandSender<>), typeof(KafkaCommandSender<>)));
        PublishFailureRegistration.AddPublishFailureHandling(services);
        OutboxRegistration.AddOutbox(services);

        // Modules are registered by each assembly's generated module initializer; the assembly calling this
        // method has run its initializer already.
        var catalog = registerHandlers(GeneratedMessageModules.All);
        ContractKinds.Register(GeneratedMessageModules.All);
        services.TryAddSingleton(catalog);
        if (catalog.Topics.Count > 0)
        {
            // Started before the consumer (hosted services start in the order they were added): it subscribes to
            // topics that exist.
            services.AddHostedService<TopicProvisioningService>();
            AddConsumer(services);
        }

        return services;
    }

    private static void AddConsumer(IServiceCollection services)
    {
        services.TryAddSingleton<DeadLetterPublisher>();
        services.TryAddSingleton<RecordProcessor>();
        services.TryAddSingleton<IInboundRecordPipeline>(provider => provider.GetRequiredService<RecordProcessor>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
            return new HandlerRetryPolicies(options.Retry, options.BuildHandlerRetries());
        });
        services.TryAddSingleton<HandlerRunner>();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
            if (options.InboxStore is { } inbox)
            {
                // The inbox settles records itself; the retention service then forgets old inbox rows.
                return new InboxRetention(inbox);
            }

            // Group commit across the partition workers, for a store that can apply groups (the SQLite store).
            return BatchingDeduplicationStore.For(options.DeduplicationStore ?? DefaultDeduplicationStore.Create(options, provider.GetRequiredService<TimeProvider>()));
        });
        services.AddHostedService<MessageConsumerService>();
        services.AddHostedService<TransportReceiverService>();
        services.AddHostedService<DeduplicationRetentionService>();
    }
}
