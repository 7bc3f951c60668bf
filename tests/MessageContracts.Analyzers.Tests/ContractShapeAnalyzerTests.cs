using MessageContracts.Analyzers.Tests.Infrastructure;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis.Testing;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.ContractShapeAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class ContractShapeAnalyzerTests
{
    [Fact]
    public async Task Contracts_shaped_like_the_API_examples_are_not_reported()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Text.Json.Serialization;

            public enum Currency { Eur, Usd }

            public sealed record OrderLine(string Sku, int Quantity, decimal Price);

            [Event]
            public sealed partial record OrderPlaced(
                [property: PartitionKey] Guid OrderId,
                string CustomerId,
                decimal Total,
                Currency Currency,
                DateTimeOffset PlacedAt,
                IReadOnlyList<OrderLine> Lines,
                string? Note,
                int? Priority,
                byte[] Signature)
            {
                [JsonIgnore]
                public object? Cache { get; init; }

                public decimal Average => Lines.Count == 0 ? 0 : Total / Lines.Count;
            }

            [Command(Topic = "loyalty.grant-points")]
            public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points, Guid OrderId);

            [Event]
            public readonly partial record struct StockReserved([PartitionKey] string Sku, int Quantity);

            public static partial class Shipping
            {
                [Command]
                public sealed partial record ShipOrder(Guid OrderId);
            }

            public sealed record NotAContract(object Anything);

            public abstract record OrderEvent(Guid OrderId);

            [Event]
            public sealed partial record OrderCancelled(Guid OrderId, string Reason) : OrderEvent(OrderId);
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task MC0003_contract_that_is_not_partial()
    {
        const string source = """
            [Event]
            public sealed record {|#0:OrderPlaced|}([property: PartitionKey] Guid OrderId, string CustomerId, decimal Total);
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.ContractNotPartial)
                .WithLocation(0)
                .WithArguments("OrderPlaced", "contracts must be declared 'partial' so the serializer can be generated into them", "OrderPlaced"));
    }

    [Fact]
    public async Task MC0003_contract_nested_in_a_type_that_is_not_partial()
    {
        const string source = """
            public static class Sales
            {
                [Event]
                public sealed partial record {|#0:OrderPlaced|}(Guid OrderId);
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.ContractNotPartial)
                .WithLocation(0)
                .WithArguments("Sales.OrderPlaced", "the containing type 'Sales' must be declared 'partial'", "OrderPlaced"));
    }

    [Fact]
    public async Task MC0004_generic_contract_and_contract_nested_in_a_generic_type()
    {
        const string source = """
            [Event]
            public sealed partial record {|#0:Changed|}<T>(T Value);

            public partial class Outer<T>
            {
                [Command]
                public sealed partial record {|#1:Apply|}(int Value);
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractIsGeneric).WithLocation(0),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractIsGeneric).WithLocation(1));
    }

    [Fact]
    public async Task MC0005_class_or_struct_that_is_not_a_record()
    {
        const string source = """
            [Event]
            public sealed partial class {|#0:OrderPlaced|}
            {
                public Guid OrderId { get; init; }
            }

            [Command]
            public partial struct {|#1:GrantPoints|}
            {
                public int Points { get; set; }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractNotRecord).WithLocation(0),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractNotRecord).WithLocation(1));
    }

    [Fact]
    public async Task MC0006_contract_marked_both_event_and_command()
    {
        const string source = """
            [Event, Command]
            public sealed partial record {|#0:OrderPlaced|}(Guid OrderId);
            """;

        await Verify.VerifyAsync(source, Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractIsEventAndCommand).WithLocation(0));
    }

    [Fact]
    public async Task MC0008_member_whose_type_cannot_be_serialized_is_reported_on_the_member()
    {
        const string source = """
            using System.Collections.Generic;

            public sealed record Attachment(string Name, object Content);

            [Event]
            public sealed partial record OrderPlaced(
                Guid OrderId,
                object {|#0:Payload|},
                Dictionary<int, int> {|#1:Counts|},
                Attachment {|#2:Attachment|})
            {
                public Action? {|#3:Callback|} { get; init; }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.ContractMemberNotSerializable)
                .WithLocation(0)
                .WithArguments("OrderPlaced", "the member 'Payload' has type 'object': 'object' has no fixed shape; use a concrete type", "Payload"),
            Verify.Diagnostic(DiagnosticDescriptors.ContractMemberNotSerializable)
                .WithLocation(1)
                .WithArguments("OrderPlaced", "the member 'Counts' has type 'Dictionary<int, int>': dictionary keys must be strings (JSON property names); use a Dictionary<string, T>", "Counts"),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractMemberNotSerializable).WithLocation(2),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractMemberNotSerializable).WithLocation(3));
    }

    [Fact]
    public async Task MC0009_abstract_contract()
    {
        const string source = """
            [Event]
            public abstract partial record {|#0:OrderEvent|}(Guid OrderId);
            """;

        await Verify.VerifyAsync(source, Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractIsAbstract).WithLocation(0));
    }

    [Fact]
    public async Task MC0010_topic_that_Kafka_rejects()
    {
        const string source = """
            [Command(Topic = "loyalty/grant points")]
            public sealed partial record {|#0:GrantPoints|}(string CustomerId, int Points);

            [Event(Topic = "")]
            public sealed partial record {|#1:OrderPlaced|}(Guid OrderId);
            """;

        await Verify.VerifyAsync(
            source,
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.InvalidTopic).WithLocation(0),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.InvalidTopic).WithLocation(1));
    }

    [Fact]
    public async Task MC0011_no_constructor_the_deserializer_can_call_or_a_parameter_it_cannot_fill()
    {
        const string source = """
            [Event]
            public sealed partial record {|#0:OrderPlaced|}
            {
                public OrderPlaced(Guid orderId) => OrderId = orderId;

                public OrderPlaced(string orderId) => OrderId = Guid.Parse(orderId);

                public Guid OrderId { get; }
            }

            [Command]
            public sealed partial record GrantPoints
            {
                public GrantPoints(int {|#1:amount|}) => Points = amount;

                public int Points { get; }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractNotConstructible).WithLocation(0),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractNotConstructible).WithLocation(1));
    }

    [Fact]
    public async Task MC0012_two_members_with_one_JSON_name()
    {
        const string source = """
            using System.Text.Json.Serialization;

            [Event]
            public sealed partial record OrderPlaced(decimal Total, [property: JsonPropertyName("total")] decimal {|#0:Sum|});
            """;

        await Verify.VerifyAsync(source, Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.DuplicateJsonName).WithLocation(0));
    }

    [Fact]
    public async Task MC0013_more_than_one_partition_key()
    {
        const string source = """
            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, [PartitionKey] string {|#0:CustomerId|});
            """;

        await Verify.VerifyAsync(source, Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.MultiplePartitionKeys).WithLocation(0));
    }

    [Fact]
    public async Task MC0014_partition_key_that_is_not_a_single_value()
    {
        const string source = """
            using System.Collections.Generic;

            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] List<string> {|#0:Tags|});
            """;

        await Verify.VerifyAsync(source, Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.UnsupportedPartitionKeyType).WithLocation(0));
    }

    [Fact]
    public async Task MC0015_message_type_that_is_empty_white_space_or_padded()
    {
        const string source = """
            [Event(Type = "")]
            public sealed partial record {|#0:Empty|}(Guid OrderId);

            [Command(Type = "   ")]
            public sealed partial record {|#1:Blank|}(Guid OrderId);

            [Event(Type = " Padded")]
            public sealed partial record {|#2:Padded|}(Guid OrderId);

            [Event(Type = "Line\nBreak")]
            public sealed partial record {|#3:Control|}(Guid OrderId);
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.InvalidMessageType)
                .WithLocation(0)
                .WithArguments("Empty", "the message type (ce_type) \"\" is empty, starts or ends with white space, or has control characters", "Empty"),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.InvalidMessageType).WithLocation(1),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.InvalidMessageType).WithLocation(2),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.InvalidMessageType).WithLocation(3));
    }

    [Fact]
    public async Task A_set_message_type_and_the_new_collection_members_are_not_reported()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Collections.Immutable;

            [Event(Type = "Sales.OrderPlaced.v2")]
            public sealed partial record OrderSubmitted(
                [property: PartitionKey] Guid OrderId,
                Dictionary<string, int> Counts,
                IReadOnlyDictionary<string, string?> Labels,
                IDictionary<string, List<int>> Groups,
                ImmutableArray<string> Tags,
                ImmutableArray<int>? MaybeTags,
                ImmutableList<Guid> Ids,
                IImmutableList<int> Numbers,
                HashSet<string> Set,
                ISet<int> Numbers2,
                IReadOnlySet<long> Longs,
                IList<int> List,
                ICollection<int?> Collection);
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task A_contract_with_several_problems_gets_each_reported()
    {
        const string source = """
            [Event(Topic = "bad topic")]
            public sealed class {|#0:OrderPlaced|}
            {
                public Guid OrderId { get; init; }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractNotPartial).WithLocation(0),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.ContractNotRecord).WithLocation(0),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.InvalidTopic).WithLocation(0));
    }

    [Fact]
    public async Task Contract_errors_can_be_suppressed_with_pragma_and_configured_in_editorconfig()
    {
        const string source = """
            #pragma warning disable MC0003 // shipped before contracts had to be partial
            [Event]
            public sealed record OrderPlaced(Guid OrderId);
            #pragma warning restore MC0003

            [Event]
            public sealed partial record OrderShipped(Guid OrderId, object Carrier);
            """;

        var test = new Verify(source) { TestBehaviors = TestBehaviors.SkipSuppressionCheck };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0008.severity = none
            """));

        await test.RunAsync();
    }

    [Fact]
    public void Every_problem_the_shared_contract_rules_find_has_a_diagnostic()
    {
        // The generator skips a contract with any problem; a problem without a diagnostic would be a contract
        // that silently gets no producer or consumer.
        foreach (ShapeProblemKind kind in Enum.GetValues<ShapeProblemKind>())
        {
            Assert.True(ShapeProblemDescriptors.For(kind) is not null, $"ShapeProblemKind.{kind} has no diagnostic.");
            Assert.Contains(ShapeProblemDescriptors.For(kind), new ContractShapeAnalyzer().SupportedDiagnostics);
        }
    }
}
