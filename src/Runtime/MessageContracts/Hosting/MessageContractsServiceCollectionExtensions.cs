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

        services.AddOptions<MessageContractsOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageContractsOptions>, MessageContractsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<KafkaProducerConnection>();
        services.TryAdd(ServiceDescriptor.Singleton(typeof(IEventPublisher<>), typeof(KafkaEventPublisher<>)));
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ICommandSender<>), typeof(KafkaCommandSender<>)));
        PublishFailureRegistration.AddPublishFailureHandling(services);
        OutboxRegistration.AddOutbox(services);

        // Modules are registered by each assembly's generated module initializer; the assembly calling this
        // method has run its initializer already.
        var modules = GeneratedMessageModules.All;
        foreach (var module in modules)
        {
            module.RegisterHandlers(services);
        }

        var catalog = new HandlerCatalog(modules);
        services.TryAddSingleton(catalog);
        if (catalog.Topics.Count > 0)
        {
            AddConsumer(services);
        }

        return services;
    }

    private static void AddConsumer(IServiceCollection services)
    {
        services.TryAddSingleton<DeadLetterPublisher>();
        services.TryAddSingleton<RecordProcessor>();
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

            return options.DeduplicationStore ?? DefaultDeduplicationStore.Create(options, provider.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<MessageConsumerService>();
        services.AddHostedService<DeduplicationRetentionService>();
    }
}
