using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.CommandHandlerCountAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

/// <summary>
/// MC0001 across projects: referenced assemblies are compiled in memory with the <c>[assembly: HandlesMessage]</c>
/// lines the generator writes (the generator's snapshot test shows it writing them).
/// </summary>
public sealed class CommandHandlerCountAcrossProjectsTests
{
    private static readonly MetadataReference Contracts = InMemoryAssembly.Compile(
        "Contracts",
        """
        using MessageContracts;
        namespace Contracts
        {
            [Command] public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points);
            [Event] public sealed partial record OrderPlaced([property: PartitionKey] System.Guid OrderId);
        }
        """ + GeneratedContract.Render([GeneratedContract.Command("Contracts.GrantPoints"), GeneratedContract.Event("Contracts.OrderPlaced")]));

    private static readonly MetadataReference Loyalty = HandlerLibrary("Loyalty", "Contracts.GrantPoints");

    private static readonly MetadataReference Promotions = HandlerLibrary("Promotions", "Contracts.GrantPoints");

    private static readonly MetadataReference Shipping = HandlerLibrary("Shipping", "Contracts.OrderPlaced");

    [Fact]
    public async Task Two_referenced_projects_handling_one_command_are_reported_once_without_a_location()
    {
        var test = new Verify("public static class Program { }");
        test.TestState.AdditionalReferences.AddRange([Contracts, Loyalty, Promotions]);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers)
            .WithArguments("Loyalty.Handler", "Contracts.GrantPoints", "'Promotions.Handler' (in Promotions)"));

        await test.RunAsync();
    }

    [Fact]
    public async Task A_handler_here_and_one_in_a_referenced_project_reports_the_one_here()
    {
        const string source = """
            [Idempotent]
            public sealed class {|#0:LocalHandler|} : IMessageHandler<Contracts.GrantPoints>
            {
                public Task HandleAsync(Contracts.GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        var test = new Verify(source);
        test.TestState.AdditionalReferences.AddRange([Contracts, Loyalty]);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(DiagnosticDescriptors.CommandHasMultipleHandlers)
            .WithLocation(0).WithArguments("LocalHandler", "Contracts.GrantPoints", "'Loyalty.Handler' (in Loyalty)"));

        await test.RunAsync();
    }

    [Fact]
    public async Task One_referenced_handler_and_events_handled_in_several_projects_are_not_reported()
    {
        const string source = """
            [Idempotent]
            public sealed class LocalShipping : IMessageHandler<Contracts.OrderPlaced>
            {
                public Task HandleAsync(Contracts.OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        var test = new Verify(source);
        test.TestState.AdditionalReferences.AddRange([Contracts, Loyalty, Shipping]);

        await test.RunAsync();
    }

    [Fact]
    public async Task Two_handlers_inside_one_referenced_project_are_that_projects_diagnostic_not_this_ones()
    {
        MetadataReference both = InMemoryAssembly.Compile(
            "Both",
            """
            [assembly: MessageContracts.Infrastructure.HandlesMessage(typeof(Contracts.GrantPoints), typeof(Both.First))]
            [assembly: MessageContracts.Infrastructure.HandlesMessage(typeof(Contracts.GrantPoints), typeof(Both.Second))]
            namespace Both
            {
                internal sealed class First { }
                internal sealed class Second { }
            }
            """,
            Contracts);

        var test = new Verify("public static class Program { }");
        test.TestState.AdditionalReferences.AddRange([Contracts, both]);

        await test.RunAsync();
    }

    /// <summary>A project with one handler of <paramref name="message"/> and the attribute the generator writes for it.</summary>
    private static MetadataReference HandlerLibrary(string name, string message) => InMemoryAssembly.Compile(
        name,
        $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using MessageContracts;

        [assembly: MessageContracts.Infrastructure.HandlesMessage(typeof({{message}}), typeof({{name}}.Handler))]

        namespace {{name}}
        {
            [Idempotent]
            internal sealed class Handler : IMessageHandler<{{message}}>
            {
                public Task HandleAsync({{message}} message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
        }
        """,
        Contracts);
}
