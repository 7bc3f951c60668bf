using MessageContracts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MessageContracts;

/// <summary>Registers the generated handlers, all of them or those a handler filter keeps, and builds the catalog.</summary>
internal static class HandlerRegistration
{
    /// <summary>Registers every handler of <paramref name="modules"/>: the behaviour without a filter.</summary>
    public static HandlerCatalog RegisterAll(IServiceCollection services, IReadOnlyList<GeneratedMessageModule> modules)
    {
        foreach (var module in modules)
        {
            module.RegisterHandlers(services);
        }

        return new HandlerCatalog(modules);
    }

    /// <summary>
    /// Registers only the handlers whose class <paramref name="filter"/> accepts, and returns a catalog that subscribes
    /// only to the topics of message types that kept at least one handler: a filtered-out handler is never resolved,
    /// so it never runs, and a message type left without handlers is not consumed at all.
    /// </summary>
    public static HandlerCatalog RegisterFiltered(IServiceCollection services, IReadOnlyList<GeneratedMessageModule> modules, Func<Type, bool> filter)
    {
        var keptMessageTypes = new HashSet<Type>();
        foreach (var module in modules)
        {
            // The generated module writes its registrations into a scratch collection; the ones kept are copied over.
            var generated = new ServiceCollection();
            module.RegisterHandlers(generated);
            foreach (var descriptor in generated)
            {
                var handlerType = descriptor.ImplementationType;
                if (handlerType is null || !filter(handlerType))
                {
                    continue;
                }

                services.TryAddEnumerable(descriptor);

                // The descriptor's service type is IMessageHandler<TMessage>.
                keptMessageTypes.Add(descriptor.ServiceType.GetGenericArguments()[0]);
            }
        }

        return new HandlerCatalog(modules, keptMessageTypes.Contains);
    }
}
