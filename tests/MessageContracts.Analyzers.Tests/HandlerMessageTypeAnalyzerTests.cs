using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.HandlerMessageTypeAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class HandlerMessageTypeAnalyzerTests
{
    private const string HandleFoo = "public Task HandleAsync(Foo message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;";

    [Fact]
    public async Task Handler_of_a_class_without_Event_or_Command_is_reported_beside_the_compiler_error()
    {
        // The compiler's CS0311 says the constraint is not met; MC0007 says what to change.
        const string source = $$"""
            public sealed record Foo(string Name);

            [Idempotent]
            public sealed class {|#0:FooHandler|} : IMessageHandler<Foo>
            {
                {{HandleFoo}}
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.HandledTypeNotContract).WithLocation(0).WithArguments("FooHandler", "Foo"),
            DiagnosticResult.CompilerError("CS0311").WithLocation(0));
    }

    [Fact]
    public async Task Handler_of_a_struct_without_Event_or_Command_is_reported_beside_the_compiler_error()
    {
        const string source = $$"""
            public readonly record struct Foo(string Name);

            [Idempotent]
            public sealed class {|#0:FooHandler|} : IMessageHandler<Foo>
            {
                {{HandleFoo}}
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.HandledTypeNotContract).WithLocation(0).WithArguments("FooHandler", "Foo"),
            DiagnosticResult.CompilerError("CS0315").WithLocation(0));
    }

    [Fact]
    public async Task Handler_through_a_generic_base_class_is_reported_where_the_type_is_named()
    {
        const string source = $$"""
            public sealed record Foo(string Name);

            public abstract class HandlerBase<T> : IMessageHandler<T> where T : IMessageContract<T>
            {
                public abstract Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken);
            }

            public class {|#0:FooHandler|} : HandlerBase<Foo>
            {
                public override Task HandleAsync(Foo message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class AuditedFooHandler : FooHandler
            {
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.HandledTypeNotContract).WithLocation(0).WithArguments("FooHandler", "Foo"),
            DiagnosticResult.CompilerError("CS0311").WithLocation(0));
    }

    [Fact]
    public async Task Handlers_of_events_and_commands_are_not_reported()
    {
        const string source = """
            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, string CustomerId, decimal Total);

            [Command(Topic = "loyalty.grant-points")]
            public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points, Guid OrderId);

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
            """;

        await Verify.VerifyAsync(source, [GeneratedContract.Event("OrderPlaced"), GeneratedContract.Command("GrantPoints")]);
    }

    [Fact]
    public async Task A_type_the_compiler_cannot_resolve_is_left_to_the_compiler()
    {
        const string source = """
            [Idempotent]
            public sealed class MissingHandler : IMessageHandler<{|#0:Missing|}>
            {
                public Task HandleAsync({|#1:Missing|} message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class NotGeneric : {|#2:IMessageHandler|}
            {
            }
            """;

        await Verify.VerifyAsync(
            source,
            DiagnosticResult.CompilerError("CS0246").WithLocation(0).WithArguments("Missing"),
            DiagnosticResult.CompilerError("CS0246").WithLocation(1).WithArguments("Missing"),
            DiagnosticResult.CompilerError("CS0305").WithLocation(2));
    }

    [Fact]
    public async Task Open_generic_handlers_are_not_reported()
    {
        const string source = """
            public class LoggingHandler<T> : IMessageHandler<T> where T : IMessageContract<T>
            {
                public Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source);
    }
}
