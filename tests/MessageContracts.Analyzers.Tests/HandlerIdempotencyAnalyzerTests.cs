using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.HandlerIdempotencyAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class HandlerIdempotencyAnalyzerTests
{
    private static readonly GeneratedContract[] GrantPoints = [GeneratedContract.Command("GrantPoints")];

    private const string GrantPointsContract = """
        [Command(Topic = "loyalty.grant-points")]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points, Guid OrderId);
        """;

    [Fact]
    public async Task Handler_without_Idempotent_is_reported()
    {
        string source = GrantPointsContract + """

            public sealed class {|#0:GrantPointsHandler|} : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(
            source,
            GrantPoints,
            Verify.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(0).WithArguments("GrantPointsHandler"));
    }

    [Fact]
    public async Task Idempotent_handler_shaped_like_the_API_example_is_not_reported()
    {
        string source = GrantPointsContract + """

            [Idempotent]
            public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, GrantPoints);
    }

    [Fact]
    public async Task Handler_through_a_generic_base_class_is_reported_on_the_concrete_class_only()
    {
        string source = GrantPointsContract + """

            public abstract class HandlerBase<T> : IMessageHandler<T> where T : IMessageContract<T>
            {
                public abstract Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken);
            }

            public sealed class {|#0:GrantPointsHandler|} : HandlerBase<GrantPoints>
            {
                public override Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(
            source,
            GrantPoints,
            Verify.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(0).WithArguments("GrantPointsHandler"));
    }

    [Fact]
    public async Task Idempotent_on_a_base_class_does_not_cover_the_derived_handler()
    {
        // IdempotentAttribute is not inherited: the claim is about one concrete handler.
        string source = GrantPointsContract + """

            [Idempotent]
            public class GrantPointsHandler : IMessageHandler<GrantPoints>
            {
                public virtual Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class {|#0:AuditedGrantPointsHandler|} : GrantPointsHandler
            {
            }
            """;

        await Verify.VerifyAsync(
            source,
            GrantPoints,
            Verify.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(0).WithArguments("AuditedGrantPointsHandler"));
    }

    [Fact]
    public async Task Nested_and_partial_handlers_are_reported_once()
    {
        string source = GrantPointsContract + """

            public static class Loyalty
            {
                public sealed partial class {|#0:GrantPointsHandler|} : IMessageHandler<GrantPoints>
                {
                }

                public sealed partial class GrantPointsHandler
                {
                    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """;

        await Verify.VerifyAsync(
            source,
            GrantPoints,
            Verify.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(0).WithArguments("Loyalty.GrantPointsHandler"));
    }

    [Fact]
    public async Task Abstract_and_open_generic_classes_are_not_handlers()
    {
        string source = GrantPointsContract + """

            public abstract class HandlerBase : IMessageHandler<GrantPoints>
            {
                public abstract Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken);
            }

            public class LoggingHandler<T> : IMessageHandler<T> where T : IMessageContract<T>
            {
                public Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, GrantPoints);
    }

    [Fact]
    public async Task Classes_that_are_not_handlers_are_not_reported()
    {
        const string source = """
            public sealed class Checkout
            {
                public Task PlaceAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task Severity_can_be_turned_off_in_editorconfig()
    {
        string source = GrantPointsContract + """

            public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        var test = new Verify(source, GrantPoints);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0002.severity = none
            """));

        await test.RunAsync();
    }

    [Fact]
    public async Task Severity_can_be_lowered_to_a_suggestion_in_editorconfig()
    {
        string source = GrantPointsContract + """

            public sealed class {|#0:GrantPointsHandler|} : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        var test = new Verify(source, GrantPoints);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0002.severity = suggestion
            """));
        test.ExpectedDiagnostics.Add(
            Verify.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(0).WithArguments("GrantPointsHandler").WithSeverity(DiagnosticSeverity.Info));

        await test.RunAsync();
    }

    [Fact]
    public async Task Pragma_suppresses_the_diagnostic()
    {
        string source = GrantPointsContract + """

            #pragma warning disable MC0002 // the handler only logs
            public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
            #pragma warning restore MC0002
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, GrantPoints);
    }

    [Fact]
    public async Task Handler_of_at_most_once_contracts_only_needs_no_Idempotent()
    {
        // Nothing is delivered twice, so there is no second run to make harmless.
        string source = """
            [Event(Delivery = Delivery.AtMostOnce)]
            public sealed partial record PriceTicked(string Symbol, decimal Price);

            [Event(Delivery = Delivery.AtMostOnce)]
            public sealed partial record PriceHalted(string Symbol);

            public sealed class ShowPrices : IMessageHandler<PriceTicked>, IMessageHandler<PriceHalted>
            {
                public Task HandleAsync(PriceTicked message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task HandleAsync(PriceHalted message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(source, [GeneratedContract.Event("PriceTicked"), GeneratedContract.Event("PriceHalted")]);
    }

    [Fact]
    public async Task Handler_of_an_at_most_once_and_an_at_least_once_contract_is_reported()
    {
        string source = GrantPointsContract + """

            [Event(Delivery = Delivery.AtMostOnce)]
            public sealed partial record PriceTicked(string Symbol, decimal Price);

            public sealed class {|#0:Mixed|} : IMessageHandler<PriceTicked>, IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(PriceTicked message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        await Verify.VerifyAsync(
            source,
            [.. GrantPoints, GeneratedContract.Event("PriceTicked")],
            Verify.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(0).WithArguments("Mixed"));
    }
}
