using MessageContracts.Analyzers.Tests.Infrastructure;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.PartitionKeySuggestionAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class PartitionKeySuggestionAnalyzerTests
{
    [Fact]
    public async Task Keyed_contracts_and_contracts_that_are_neither_handled_nor_published_are_not_reported()
    {
        const string source = """
            [Event] public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId);
            [Command] public sealed partial record GrantPoints([PartitionKey] string CustomerId, int Points);
            [Event] public sealed partial record Heartbeat(DateTimeOffset At); // declared only: nothing flows here

            [Idempotent]
            public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class Checkout(IEventPublisher<OrderPlaced> orders)
            {
                public Task<PublishResult> PlaceAsync(Guid id) => orders.PublishAsync(new OrderPlaced(id));
            }
            """;

        await Verify.VerifyAsync(source, [GeneratedContract.Event("OrderPlaced"), GeneratedContract.Command("GrantPoints"), GeneratedContract.Event("Heartbeat")]);
    }

    [Fact]
    public async Task Handled_published_and_sent_contracts_without_a_key_are_suggestions()
    {
        const string source = """
            [Event] public sealed partial record {|#0:OrderPlaced|}(Guid OrderId);
            [Command] public sealed partial record {|#1:GrantPoints|}(string CustomerId, int Points);
            [Event] public sealed partial record {|#2:OrderShipped|}(Guid OrderId);

            [Idempotent]
            public sealed class ShippingHandler : IMessageHandler<OrderShipped>
            {
                public Task HandleAsync(OrderShipped message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class Checkout(IEventPublisher<OrderPlaced> orders, IEventPublisher<OrderShipped> shipped, ICommandSender<GrantPoints> points)
            {
                public async Task PlaceAsync(Guid id)
                {
                    await orders.PublishAsync(new OrderPlaced(id));
                    await shipped.PublishAsync(new OrderShipped(id));
                    await points.SendAsync(new GrantPoints("c", 1));
                }
            }
            """;

        await Verify.VerifyAsync(
            source,
            [GeneratedContract.Event("OrderPlaced"), GeneratedContract.Command("GrantPoints"), GeneratedContract.Event("OrderShipped")],
            Verify.Diagnostic(DiagnosticDescriptors.PartitionKeyMissing).WithLocation(1).WithArguments("GrantPoints", "sent"),
            Verify.Diagnostic(DiagnosticDescriptors.PartitionKeyMissing).WithLocation(0).WithArguments("OrderPlaced", "published"),
            Verify.Diagnostic(DiagnosticDescriptors.PartitionKeyMissing).WithLocation(2).WithArguments("OrderShipped", "handled"));
    }
}
