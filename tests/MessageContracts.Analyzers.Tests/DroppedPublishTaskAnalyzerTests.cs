using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.DroppedPublishTaskAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class DroppedPublishTaskAnalyzerTests
{
    private const string Contracts = """
        [Event]
        public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId);

        [Command]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points);

        """;

    private static readonly GeneratedContract[] Generated =
        [GeneratedContract.Event("OrderPlaced"), GeneratedContract.Command("GrantPoints")];

    [Fact]
    public async Task Awaited_stored_returned_and_passed_on_tasks_are_not_reported()
    {
        const string source = Contracts + """
            public sealed class Checkout(IEventPublisher<OrderPlaced> orders, ICommandSender<GrantPoints> points)
            {
                public async Task PlaceAsync(Guid id, CancellationToken ct)
                {
                    await orders.PublishAsync(new OrderPlaced(id), ct);
                    await points.SendAsync(new GrantPoints("c", 1), ct).ConfigureAwait(false);
                    await orders.PublishAsync(new OrderPlaced(id), PublishFailurePolicy.Ignore, ct);
                    Task<PublishResult> pending = orders.PublishAsync(new OrderPlaced(id), ct);
                    await Task.WhenAll(pending, points.SendAsync(new GrantPoints("c", 2), ct));
                    var tasks = new[] { orders.PublishAsync(new OrderPlaced(id), ct) };
                    await Task.WhenAll(tasks);
                }

                public Task<PublishResult> ForwardAsync(Guid id) => orders.PublishAsync(new OrderPlaced(id));

                public Task<PublishResult> ReturnAsync(Guid id)
                {
                    return points.SendAsync(new GrantPoints("c", 3));
                }

                public Func<Task> Later(Guid id) => () => orders.PublishAsync(new OrderPlaced(id));
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }

    [Fact]
    public async Task Unawaited_discarded_and_configured_but_dropped_tasks_are_reported()
    {
        const string source = Contracts + """
            public sealed class Checkout(IEventPublisher<OrderPlaced> orders, ICommandSender<GrantPoints> points)
            {
                public void Place(Guid id)
                {
                    {|#0:orders.PublishAsync(new OrderPlaced(id))|};
                    _ = {|#1:points.SendAsync(new GrantPoints("c", 1))|};
                    {|#2:orders.PublishAsync(new OrderPlaced(id), PublishFailurePolicy.Ignore)|}.ConfigureAwait(false);
                    Action fireAndForget = () => {|#3:points.SendAsync(new GrantPoints("c", 2))|};
                }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Generated,
            Verify.Diagnostic(DiagnosticDescriptors.DroppedPublishTask).WithLocation(0).WithArguments("IEventPublisher.PublishAsync", "not awaited"),
            Verify.Diagnostic(DiagnosticDescriptors.DroppedPublishTask).WithLocation(1).WithArguments("ICommandSender.SendAsync", "discarded with '_ ='"),
            Verify.Diagnostic(DiagnosticDescriptors.DroppedPublishTask).WithLocation(2).WithArguments("IEventPublisher.PublishAsync", "not awaited"),
            Verify.Diagnostic(DiagnosticDescriptors.DroppedPublishTask).WithLocation(3).WithArguments("ICommandSender.SendAsync", "not awaited"));
    }

    [Fact]
    public async Task A_call_through_a_class_implementing_the_interface_is_reported()
    {
        const string source = Contracts + """
            public sealed class RecordingPublisher : IEventPublisher<OrderPlaced>
            {
                public Task<PublishResult> PublishAsync(OrderPlaced message, CancellationToken cancellationToken = default) => throw new NotSupportedException();
                public Task<PublishResult> PublishAsync(OrderPlaced message, PublishFailurePolicy policy, CancellationToken cancellationToken = default) => throw new NotSupportedException();
            }

            public static class Use
            {
                public static void Run(RecordingPublisher publisher) => {|#0:publisher.PublishAsync(new OrderPlaced(Guid.Empty))|};
            }
            """;

        await Verify.VerifyAsync(
            source,
            Generated,
            Verify.Diagnostic(DiagnosticDescriptors.DroppedPublishTask).WithLocation(0).WithArguments("RecordingPublisher.PublishAsync", "not awaited"));
    }

    [Fact]
    public async Task Severity_can_be_changed_in_editorconfig()
    {
        const string source = Contracts + """
            public sealed class Checkout(IEventPublisher<OrderPlaced> orders)
            {
                public void Place(Guid id) => {|#0:orders.PublishAsync(new OrderPlaced(id))|};
            }
            """;

        var test = new Verify(source, Generated);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0018.severity = suggestion
            """));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.DroppedPublishTask)
            .WithLocation(0).WithArguments("IEventPublisher.PublishAsync", "not awaited").WithSeverity(DiagnosticSeverity.Info));

        await test.RunAsync();
    }

    [Fact]
    public async Task Pragma_suppresses_the_diagnostic()
    {
        const string source = Contracts + """
            public sealed class Checkout(IEventPublisher<OrderPlaced> orders)
            {
                public void Place(Guid id)
                {
            #pragma warning disable MC0018 // a test double that completes synchronously
                    orders.PublishAsync(new OrderPlaced(id));
            #pragma warning restore MC0018
                }
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }
}
