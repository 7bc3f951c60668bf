using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.TopicKindConflictAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class TopicKindConflictAnalyzerTests
{
    [Fact]
    public async Task Same_kind_on_one_topic_and_different_topics_are_not_reported()
    {
        const string source = """
            [Event(Topic = "orders")] public sealed partial record OrderPlaced(Guid OrderId);
            [Event(Topic = "orders")] public sealed partial record OrderCancelled(Guid OrderId);
            [Command(Topic = "orders.commands")] public sealed partial record CancelOrder(Guid OrderId);
            [Command] public sealed partial record ShipOrder(Guid OrderId);
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task An_event_and_a_command_on_one_topic_are_both_reported()
    {
        const string source = """
            [Event(Topic = "orders")] public sealed partial record {|#0:OrderPlaced|}(Guid OrderId);
            [Command(Topic = "orders")] public sealed partial record {|#1:CancelOrder|}(Guid OrderId);
            [Event] public sealed partial record {|#2:OrderCancelled|}(Guid OrderId);

            namespace Old
            {
                // The default topic of this command is "order-cancelled", the event's default topic too.
                [Command] public sealed partial record {|#3:OrderCancelled|}(Guid OrderId);
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.TopicHasEventsAndCommands).WithLocation(2).WithArguments("OrderCancelled", "Event", "order-cancelled", "command 'Old.OrderCancelled'"),
            Verify.Diagnostic(DiagnosticDescriptors.TopicHasEventsAndCommands).WithLocation(3).WithArguments("Old.OrderCancelled", "Command", "order-cancelled", "event 'OrderCancelled'"),
            Verify.Diagnostic(DiagnosticDescriptors.TopicHasEventsAndCommands).WithLocation(1).WithArguments("CancelOrder", "Command", "orders", "event 'OrderPlaced'"),
            Verify.Diagnostic(DiagnosticDescriptors.TopicHasEventsAndCommands).WithLocation(0).WithArguments("OrderPlaced", "Event", "orders", "command 'CancelOrder'"));
    }
}
