using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.MessageTypeCollisionAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class MessageTypeCollisionAnalyzerTests
{
    [Fact]
    public async Task Distinct_message_types_are_not_reported()
    {
        const string source = """
            namespace Sales
            {
                [Event] public sealed partial record OrderPlaced(Guid OrderId);
            }

            namespace Billing
            {
                [Event(Type = "Billing.OrderPlaced")] public sealed partial record OrderPlaced(Guid OrderId);

                public static partial class V2
                {
                    // The default message type is "V2.OrderPlaced".
                    [Event] public sealed partial record OrderPlaced(Guid OrderId);
                }
            }

            namespace Renamed
            {
                // Keeps the wire name of a record once called OrderShipped; nothing else uses it.
                [Event(Type = "OrderShipped")] public sealed partial record ShipmentSent(Guid OrderId);
            }
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task MC0016_same_name_in_two_namespaces_reports_both_naming_the_other()
    {
        const string source = """
            namespace Sales
            {
                [Event] public sealed partial record {|#0:OrderPlaced|}(Guid OrderId);
            }

            namespace Billing
            {
                [Command(Topic = "billing.orders")] public sealed partial record {|#1:OrderPlaced|}(Guid OrderId);
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.DuplicateMessageType).WithLocation(1).WithArguments("Billing.OrderPlaced", "OrderPlaced", "'Sales.OrderPlaced'"),
            Verify.Diagnostic(DiagnosticDescriptors.DuplicateMessageType).WithLocation(0).WithArguments("Sales.OrderPlaced", "OrderPlaced", "'Billing.OrderPlaced'"));
    }

    [Fact]
    public async Task MC0016_a_Type_override_that_takes_another_contracts_name()
    {
        const string source = """
            [Event] public sealed partial record {|#0:OrderPlaced|}(Guid OrderId);

            [Event(Type = "OrderPlaced")] public sealed partial record {|#1:OrderSubmitted|}(Guid OrderId);

            [Event(Type = "OrderPlaced")] public sealed partial record {|#2:OrderAccepted|}(Guid OrderId);

            [Event(Type = "")] public sealed partial record EmptyOne(Guid OrderId);

            [Event(Type = "")] public sealed partial record EmptyTwo(Guid OrderId);
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.DuplicateMessageType).WithLocation(2).WithArguments("OrderAccepted", "OrderPlaced", "'OrderPlaced', 'OrderSubmitted'"),
            Verify.Diagnostic(DiagnosticDescriptors.DuplicateMessageType).WithLocation(0).WithArguments("OrderPlaced", "OrderPlaced", "'OrderAccepted', 'OrderSubmitted'"),
            Verify.Diagnostic(DiagnosticDescriptors.DuplicateMessageType).WithLocation(1).WithArguments("OrderSubmitted", "OrderPlaced", "'OrderAccepted', 'OrderPlaced'"));
    }

    [Fact]
    public async Task MC0016_a_handled_contract_from_a_referenced_assembly_is_reported_at_its_handler()
    {
        const string source = """
            namespace App
            {
                [Event] public sealed partial record {|#0:OrderPlaced|}(Guid OrderId);

                public sealed class {|#1:Handler|} : IMessageHandler<Contracts.OrderPlaced>
                {
                    public Task HandleAsync(Contracts.OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """;

        var test = new Verify(source);
        ProjectState library = test.TestState.AdditionalProjects["Contracts"];
        library.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        library.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(EventAttribute).Assembly.Location));
        library.Sources.Add("namespace Contracts { [MessageContracts.Event] public sealed partial record OrderPlaced(System.Guid OrderId); }");
        library.Sources.Add(("MessageContracts.g.cs", GeneratedContract.Render([GeneratedContract.Event("Contracts.OrderPlaced")])));
        test.TestState.AdditionalProjectReferences.Add("Contracts");
        test.TestState.Sources.Add(("Generated.g.cs", GeneratedContract.Render([GeneratedContract.Event("App.OrderPlaced")])));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.DuplicateMessageType).WithLocation(0).WithArguments("App.OrderPlaced", "OrderPlaced", "'Contracts.OrderPlaced'"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.DuplicateMessageType).WithLocation(1).WithArguments("Contracts.OrderPlaced", "OrderPlaced", "'App.OrderPlaced'"));

        await test.RunAsync();
    }

    [Fact]
    public async Task MC0016_can_be_configured_in_editorconfig()
    {
        const string source = """
            namespace A { [Event] public sealed partial record Same(int N); }
            namespace B { [Event] public sealed partial record Same(int N); }
            """;

        var test = new Verify(source);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0016.severity = none
            """));

        await test.RunAsync();
    }
}
