using MessageContracts.Generators.Tests.Contracts;
using MessageContracts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Generators.Tests;

/// <summary>The module the real build generated for this test assembly registers itself and dispatches to its handlers.</summary>
public sealed class ModuleRuntimeTests
{
    private static GeneratedMessageModule Module =>
        Assert.Single(GeneratedMessageModules.All, module => module.AssemblyName == typeof(ModuleRuntimeTests).Assembly.GetName().Name);

    [Fact]
    public void Module_registered_itself_with_sorted_subscriptions()
    {
        Assert.Equal(
            [
                new MessageSubscription("loyalty.grant-points", "GrantPoints", MessageKind.Command),
                new MessageSubscription("order-placed", "OrderPlaced", MessageKind.Event),
            ],
            Module.Subscriptions);
    }

    [Fact]
    public void RegisterHandlers_adds_one_scoped_descriptor_per_handler_and_message()
    {
        var services = new ServiceCollection();
        Module.RegisterHandlers(services);
        Module.RegisterHandlers(services); // TryAddEnumerable: idempotent

        Assert.Equal(2, services.Count);
        Assert.All(services, descriptor =>
        {
            Assert.Equal(ServiceLifetime.Scoped, descriptor.Lifetime);
            Assert.Equal(typeof(OrderPlacedHandler), descriptor.ImplementationType);
        });
        Assert.Contains(services, d => d.ServiceType == typeof(IMessageHandler<OrderPlaced>));
        Assert.Contains(services, d => d.ServiceType == typeof(IMessageHandler<GrantPoints>));
    }

    [Fact]
    public async Task FindInvoker_deserializes_and_runs_the_handlers()
    {
        Assert.Null(Module.FindInvoker("Unknown"));
        Assert.Null(Module.FindInvoker("AllTypes"));

        var log = new HandlerLog();
        var provider = new HandlerProvider(new OrderPlacedHandler(log));
        var invoker = Assert.IsType<MessageHandlerInvoker>(Module.FindInvoker("GrantPoints"));
        var payload = System.Text.Encoding.UTF8.GetBytes("""{"customerId":"c-7","points":10}""");
        await invoker(payload, new MessageContext("id-1", "GrantPoints", "loyalty.grant-points", 0, 0, 1), provider, CancellationToken.None);

        Assert.Equal(["points c-7 10"], log.Entries);
    }

    /// <summary>Resolves <c>IEnumerable&lt;IMessageHandler&lt;T&gt;&gt;</c> to one handler, like a container would.</summary>
    private sealed class HandlerProvider(object handler) : IServiceProvider
    {
        public object? GetService(Type serviceType)
        {
            if (serviceType.IsGenericType && serviceType.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                var element = serviceType.GetGenericArguments()[0];
                var array = Array.CreateInstance(element, element.IsInstanceOfType(handler) ? 1 : 0);
                if (array.Length == 1)
                {
                    array.SetValue(handler, 0);
                }

                return array;
            }

            return null;
        }
    }
}
