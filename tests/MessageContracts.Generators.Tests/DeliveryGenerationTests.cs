using MessageContracts.Generators.Tests.Contracts;
using MessageContracts.Generators.Tests.Infrastructure;
using MessageContracts.Generators.Emit;

namespace MessageContracts.Generators.Tests;

/// <summary>
/// <c>[Event(Delivery = Delivery.AtMostOnce)]</c>: the generator carries the choice into the contract
/// (<c>IMessageContract.Delivery</c>) and into the module's subscriptions, with no reflection, and only for events that
/// ask for it; a command asking for it (MC0027) stays at least once.
/// </summary>
public sealed class DeliveryGenerationTests
{
    private const string Sample = """
        using System.Threading;
        using System.Threading.Tasks;
        using MessageContracts;

        namespace Telemetry;

        [Event(Topic = "prices.ticked", Delivery = Delivery.AtMostOnce)]
        public sealed partial record PriceTicked([property: PartitionKey] string Symbol, decimal Price);

        [Event(Delivery = Delivery.AtLeastOnce)]
        public sealed partial record PriceFixed(string Symbol, decimal Price);

        public sealed class ShowPrice : IMessageHandler<PriceTicked>, IMessageHandler<PriceFixed>
        {
            public Task HandleAsync(PriceTicked message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;

            public Task HandleAsync(PriceFixed message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    [Fact]
    public void An_at_most_once_event_matches_its_snapshot()
    {
        var run = GeneratorHarness.Run(Sample).AssertCleanCompile();
        var source = run.Source("Telemetry.PriceTicked.Contract.g.cs").Replace(EmitHelpers.GeneratorVersion, "VERSION", StringComparison.Ordinal);
        Snapshot.Match(source, "Telemetry.PriceTicked.Contract.g.cs");
    }

    [Fact]
    public void Only_the_event_that_accepts_loss_implements_Delivery()
    {
        var run = GeneratorHarness.Run(Sample).AssertCleanCompile();

        Assert.Contains(".Delivery => global::MessageContracts.Delivery.AtMostOnce;", run.Source("Telemetry.PriceTicked.Contract.g.cs"));
        Assert.DoesNotContain(".Delivery =>", run.Source("Telemetry.PriceFixed.Contract.g.cs"));
    }

    [Fact]
    public void The_module_subscription_of_an_at_most_once_event_says_so()
    {
        var module = GeneratorHarness.Run(Sample).AssertCleanCompile().Source(ModuleEmitter.HintName);

        Assert.Contains("new(\"prices.ticked\", \"PriceTicked\", global::MessageContracts.MessageKind.Event) { Delivery = global::MessageContracts.Delivery.AtMostOnce },", module);
        Assert.Contains("new(\"price-fixed\", \"PriceFixed\", global::MessageContracts.MessageKind.Event),", module);
    }

    [Fact]
    public void A_command_asking_for_at_most_once_stays_at_least_once()
    {
        // MC0027 reports it; the generated code must not let a suppressed error make a command vanish.
        var run = GeneratorHarness.Run("""
            using MessageContracts;

            namespace Shop;

            [Command(Delivery = Delivery.AtMostOnce)]
            public sealed partial record ShipOrder(string OrderId);
            """).AssertCleanCompile();

        Assert.DoesNotContain("Delivery", run.Source("Shop.ShipOrder.Contract.g.cs"));
    }

    [Fact]
    public void The_compiled_contract_reports_its_delivery_without_reflection()
    {
        Assert.Equal(Delivery.AtMostOnce, DeliveryOf<PriceTicked>());
        Assert.Equal(Delivery.AtLeastOnce, DeliveryOf<OrderPlaced>());
        Assert.Equal(Delivery.AtLeastOnce, DeliveryOf<GrantPoints>());
    }

    private static Delivery DeliveryOf<T>()
        where T : IMessageContract<T> => T.Delivery;
}
