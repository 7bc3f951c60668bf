using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.MutableContractAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class MutableContractAnalyzerTests
{
    [Fact]
    public async Task Immutable_contracts_are_not_reported()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using System.Text.Json.Serialization;

            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, IReadOnlyList<string> Items, byte[] Signature)
            {
                public string Channel { get; init; } = "web";
                public ImmutableArray<int> Quantities { get; init; }
                public IReadOnlyDictionary<string, int> Bonuses { get; init; } = new Dictionary<string, int>();
                public decimal Total => 0m;
                public static int Created { get; set; }
                [JsonIgnore] public List<string> Scratch { get; set; } = new();
                private int cache;
                public readonly int Version = 1;
            }

            [Command]
            public readonly partial record struct GrantPoints([property: PartitionKey] string CustomerId, int Points);

            // Not a contract: no rule applies.
            public sealed class Settings { public List<string> Names { get; set; } = new(); }
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task Setters_fields_and_mutable_collections_are_reported()
    {
        const string source = """
            using System.Collections.Generic;

            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, List<string> {|#0:Items|})
            {
                public string {|#1:Channel|} { get; set; } = "web";
                public int {|#2:Attempts|} { get; private set; }
                public Dictionary<string, int>? {|#3:Bonuses|} { get; init; }
                public int[] {|#4:Quantities|} { get; init; } = [];
                public string {|#5:Note|} = "";
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(0).WithArguments("OrderPlaced", "Items", "is a mutable collection (List<string>)", "use a read-only type such as IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue> or ImmutableArray<T>"),
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(1).WithArguments("OrderPlaced", "Channel", "has a 'set' accessor", "use 'init' instead"),
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(2).WithArguments("OrderPlaced", "Attempts", "has a 'set' accessor", "use 'init' instead"),
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(3).WithArguments("OrderPlaced", "Bonuses", "is a mutable collection (Dictionary<string, int>?)", "use a read-only type such as IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue> or ImmutableArray<T>"),
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(4).WithArguments("OrderPlaced", "Quantities", "is a mutable collection (int[])", "use a read-only type such as IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue> or ImmutableArray<T>"),
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(5).WithArguments("OrderPlaced", "Note", "is a writable field", "make it a property with 'init' or a 'readonly' field"));
    }

    [Fact]
    public async Task A_positional_record_struct_that_is_not_readonly_is_reported_per_parameter()
    {
        const string source = """
            [Command]
            public partial record struct GrantPoints([property: PartitionKey] string {|#0:CustomerId|}, int {|#1:Points|});
            """;

        const string what = "can be set (a positional record struct's properties have setters)";
        const string instead = "declare it as a 'readonly record struct'";
        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(0).WithArguments("GrantPoints", "CustomerId", what, instead),
            Verify.Diagnostic(DiagnosticDescriptors.MutableContract).WithLocation(1).WithArguments("GrantPoints", "Points", what, instead));
    }

    [Fact]
    public async Task Pragma_suppresses_the_diagnostic()
    {
        const string source = """
            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId)
            {
            #pragma warning disable MC0017 // set once by the mapper before publishing
                public string Channel { get; set; } = "web";
            #pragma warning restore MC0017
            }
            """;

        await Verify.VerifyAsync(source);
    }
}
