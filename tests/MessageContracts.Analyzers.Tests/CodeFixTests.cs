using Idempotent = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsCodeFixTest<MessageContracts.Analyzers.HandlerIdempotencyAnalyzer, MessageContracts.CodeFixes.AddIdempotentCodeFix>;
using Immutable = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsCodeFixTest<MessageContracts.Analyzers.MutableContractAnalyzer, MessageContracts.CodeFixes.MakeContractImmutableCodeFix>;
using Partial = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsCodeFixTest<MessageContracts.Analyzers.ContractShapeAnalyzer, MessageContracts.CodeFixes.AddPartialCodeFix>;
using MessageContracts.Analyzers.Tests.Infrastructure;
using MessageContracts.CodeFixes;
using Microsoft.CodeAnalysis.Testing;

namespace MessageContracts.Analyzers.Tests;

/// <summary>The code fixes of MC0002, MC0003 and MC0017: each applied alone and as one fix all (batch) pass.</summary>
public sealed class CodeFixTests
{
    private const string HandledCommand = """
        [Command]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points);

        """;

    private static readonly GeneratedContract[] GrantPoints = [GeneratedContract.Command("GrantPoints")];

    [Fact]
    public async Task MC0002_adds_Idempotent_with_a_reminder_and_keeps_doc_comments_and_attributes()
    {
        const string source = HandledCommand + """
            namespace Loyalty
            {
                /// <summary>Grants points.</summary>
                public sealed class {|#0:GrantPointsHandler|} : IMessageHandler<GrantPoints>
                {
                    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }

                [Obsolete("use GrantPointsHandler")]
                public sealed class {|#1:OldHandler|} : IMessageHandler<GrantPoints>
                {
                    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """;
        const string fixedSource = HandledCommand + """
            namespace Loyalty
            {
                /// <summary>Grants points.</summary>
                [Idempotent] // TODO: verify that handling a message twice is harmless
                public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
                {
                    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }

                [Idempotent] // TODO: verify that handling a message twice is harmless
                [Obsolete("use GrantPointsHandler")]
                public sealed class OldHandler : IMessageHandler<GrantPoints>
                {
                    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """;

        DiagnosticResult[] expected =
        [
            Idempotent.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(0).WithArguments("Loyalty.GrantPointsHandler"),
            Idempotent.Diagnostic(DiagnosticDescriptors.HandlerNotIdempotent).WithLocation(1).WithArguments("Loyalty.OldHandler"),
        ];
        await Idempotent.VerifyAsync(source, fixedSource, GrantPoints, expected);
        await Idempotent.VerifyBatchAsync(source, fixedSource, GrantPoints, expected);
    }

    [Fact]
    public async Task MC0003_adds_partial_to_contracts_and_their_containing_types()
    {
        const string source = """
            [Event]
            public sealed record {|#0:OrderPlaced|}([property: PartitionKey] Guid OrderId);

            public static class Loyalty
            {
                [Command]
                record {|#1:GrantPoints|}([property: PartitionKey] string CustomerId, int Points);

                [Command]
                public sealed partial record {|#2:RevokePoints|}([property: PartitionKey] string CustomerId, int Points);
            }
            """;
        const string fixedSource = """
            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId);

            public static partial class Loyalty
            {
                [Command]
                partial record GrantPoints([property: PartitionKey] string CustomerId, int Points);

                [Command]
                public sealed partial record RevokePoints([property: PartitionKey] string CustomerId, int Points);
            }
            """;

        DiagnosticResult[] expected =
        [
            Partial.Diagnostic(DiagnosticDescriptors.ContractNotPartial).WithLocation(0).WithArguments("OrderPlaced", "contracts must be declared 'partial' so the serializer can be generated into them", "OrderPlaced"),
            Partial.Diagnostic(DiagnosticDescriptors.ContractNotPartial).WithLocation(1).WithArguments("Loyalty.GrantPoints", "contracts must be declared 'partial' so the serializer can be generated into them", "GrantPoints"),
            Partial.Diagnostic(DiagnosticDescriptors.ContractNotPartial).WithLocation(1).WithArguments("Loyalty.GrantPoints", "the containing type 'Loyalty' must be declared 'partial'", "GrantPoints"),
            Partial.Diagnostic(DiagnosticDescriptors.ContractNotPartial).WithLocation(2).WithArguments("Loyalty.RevokePoints", "the containing type 'Loyalty' must be declared 'partial'", "RevokePoints"),
        ];
        await Partial.VerifyAsync(source, fixedSource, [], expected);
        await Partial.VerifyBatchAsync(source, fixedSource, [], expected);
    }

    [Fact]
    public async Task MC0017_turns_setters_into_init_and_positional_record_structs_readonly()
    {
        const string source = """
            using System.Collections.Generic;

            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId)
            {
                public string {|#0:Channel|} { get; set; } = "web";
                public int {|#1:Attempts|} { get; private set; }
                public List<string> {|#2:Items|} { get; init; } = new();
            }

            [Command]
            public partial record struct GrantPoints([property: PartitionKey] string {|#3:CustomerId|}, int {|#4:Points|});
            """;
        const string fixedSource = """
            using System.Collections.Generic;

            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId)
            {
                public string Channel { get; init; } = "web";
                public int Attempts { get; private init; }
                public List<string> {|#2:Items|} { get; init; } = new();
            }

            [Command]
            public readonly partial record struct GrantPoints([property: PartitionKey] string CustomerId, int Points);
            """;

        const string setter = "has a 'set' accessor";
        const string init = "use 'init' instead";
        const string positional = "can be set (a positional record struct's properties have setters)";
        const string makeReadOnly = "declare it as a 'readonly record struct'";
        DiagnosticResult collection = Immutable.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(2)
            .WithArguments("OrderPlaced", "Items", "is a mutable collection (List<string>)", "use a read-only type such as IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue> or ImmutableArray<T>");
        DiagnosticResult[] expected =
        [
            Immutable.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(0).WithArguments("OrderPlaced", "Channel", setter, init),
            Immutable.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(1).WithArguments("OrderPlaced", "Attempts", setter, init),
            collection,
            Immutable.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(3).WithArguments("GrantPoints", "CustomerId", positional, makeReadOnly),
            Immutable.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(4).WithArguments("GrantPoints", "Points", positional, makeReadOnly),
        ];

        // The collection has no automatic fix and stays reported; the two fix kinds are separate fix all passes.
        var test = new Immutable(source, fixedSource)
        {
            NumberOfFixAllIterations = 2,
            NumberOfFixAllInDocumentIterations = 2,
            NumberOfFixAllInProjectIterations = 2,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.Add(collection);
        await test.RunAsync();
    }

    [Fact]
    public async Task MC0017_fix_all_changes_every_setter_in_one_pass()
    {
        const string source = """
            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId)
            {
                public string {|#0:Channel|} { get; set; } = "web";
                public int {|#1:Attempts|} { get; internal set; }
            }
            """;
        const string fixedSource = """
            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId)
            {
                public string Channel { get; init; } = "web";
                public int Attempts { get; internal init; }
            }
            """;

        await Immutable.VerifyBatchAsync(
            source,
            fixedSource,
            [],
            Immutable.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(0).WithArguments("OrderPlaced", "Channel", "has a 'set' accessor", "use 'init' instead"),
            Immutable.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(1).WithArguments("OrderPlaced", "Attempts", "has a 'set' accessor", "use 'init' instead"));
    }
}
