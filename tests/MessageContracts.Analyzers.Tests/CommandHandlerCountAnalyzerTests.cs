using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.CommandHandlerCountAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class CommandHandlerCountAnalyzerTests
{
    private const string Contracts = """
        [Event]
        public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, string CustomerId, decimal Total);

        [Command(Topic = "loyalty.grant-points")]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points, Guid OrderId);

        """;

    private static readonly GeneratedContract[] Generated =
        [GeneratedContract.Event("OrderPlaced"), GeneratedContract.Command("GrantPoints")];

    [Fact]
    public async Task Command_with_one_handler_and_event_with_two_handlers_are_not_reported()
    {
        const string source = Contracts + """
            [Idempotent]
            public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            [Idempotent]
            public sealed class SendConfirmationEmail : IMessageHandler<OrderPlaced>
            {
                public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            [Idempotent]
            public sealed class ReserveStock : IMessageHandler<OrderPlaced>
            {
                public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }

    [Fact]
    public async Task Every_handler_of_a_command_with_two_handlers_is_reported_naming_the_other()
    {
        const string source = Contracts + """
            public sealed class {|#0:GrantPointsHandler|} : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class {|#1:BonusPointsHandler|} : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(
            source,
            Generated,
            Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers).WithLocation(0).WithArguments("GrantPointsHandler", "GrantPoints", "'BonusPointsHandler'"),
            Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers).WithLocation(1).WithArguments("BonusPointsHandler", "GrantPoints", "'GrantPointsHandler'"));
    }

    [Fact]
    public async Task Handlers_through_generic_base_classes_nested_classes_and_other_files_all_count()
    {
        const string source = Contracts + """
            public abstract class HandlerBase<T> : IMessageHandler<T> where T : IMessageContract<T>
            {
                public Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class {|#0:GrantPointsHandler|} : HandlerBase<GrantPoints>
            {
            }

            public static class Loyalty
            {
                public sealed class {|#1:Handler|} : IMessageHandler<GrantPoints>
                {
                    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """;

        const string otherFile = """
            namespace Promotions
            {
                public sealed class {|#2:DoublePoints|} : IMessageHandler<GrantPoints>
                {
                    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """;

        var test = new Verify(source, Generated);
        test.TestState.Sources.Add(otherFile);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers)
            .WithLocation(0).WithArguments("GrantPointsHandler", "GrantPoints", "'Loyalty.Handler', 'Promotions.DoublePoints'"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers)
            .WithLocation(1).WithArguments("Loyalty.Handler", "GrantPoints", "'GrantPointsHandler', 'Promotions.DoublePoints'"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers)
            .WithLocation(2).WithArguments("Promotions.DoublePoints", "GrantPoints", "'GrantPointsHandler', 'Loyalty.Handler'"));

        await test.RunAsync();
    }

    [Fact]
    public async Task A_partial_handler_counts_once()
    {
        const string source = Contracts + """
            public sealed partial class GrantPointsHandler : IMessageHandler<GrantPoints>
            {
            }

            public sealed partial class GrantPointsHandler
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }

    [Fact]
    public async Task Abstract_and_open_generic_classes_do_not_count()
    {
        const string source = Contracts + """
            public abstract class GrantPointsHandlerBase : IMessageHandler<GrantPoints>
            {
                public abstract Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken);
            }

            public sealed class GrantPointsHandler : GrantPointsHandlerBase
            {
                public override Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public class LoggingHandler<T> : IMessageHandler<T> where T : IMessageContract<T>
            {
                public Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }

    [Fact]
    public async Task One_class_handling_two_commands_is_one_handler_of_each()
    {
        const string source = Contracts + """
            [Command]
            public sealed partial record RevokePoints(string CustomerId, int Points);

            public sealed class PointsHandler : IMessageHandler<GrantPoints>, IMessageHandler<RevokePoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task HandleAsync(RevokePoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, [.. Generated, GeneratedContract.Command("RevokePoints")]);
    }

    [Fact]
    public async Task Pragma_suppresses_the_diagnostic_on_one_handler()
    {
        const string source = Contracts + """
            #pragma warning disable MC0001 // migrating: the old handler is removed in the next release
            public sealed class LegacyGrantPointsHandler : IMessageHandler<GrantPoints>
            #pragma warning restore MC0001
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class {|#0:GrantPointsHandler|} : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        var test = new Verify(source, Generated)
        {
            // The framework's own check wraps the file in '#pragma warning disable', which the snippet's restore undoes.
            TestBehaviors = TestBehaviors.SkipSuppressionCheck,
        };
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers)
            .WithLocation(0).WithArguments("GrantPointsHandler", "GrantPoints", "'LegacyGrantPointsHandler'"));

        await test.RunAsync();
    }

    [Fact]
    public async Task Severity_can_be_turned_off_in_editorconfig()
    {
        const string source = Contracts + """
            public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class BonusPointsHandler : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        var test = new Verify(source, Generated);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0001.severity = none
            """));

        await test.RunAsync();
    }
}
