using System.Text.Json;
using MessageContracts.Generators.Tests.Infrastructure;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Generators.Tests;

/// <summary>The rules in src/Shared that the generator and the analyzers share.</summary>
public sealed class SharedRulesTests
{
    [Theory]
    [InlineData("OrderPlaced", "order-placed")]
    [InlineData("HTTPRequestSent", "http-request-sent")]
    [InlineData("Order2Placed", "order2-placed")]
    [InlineData("GrantPoints", "grant-points")]
    [InlineData("V2Order", "v2-order")]
    [InlineData("IOError", "io-error")]
    [InlineData("Ping", "ping")]
    [InlineData("URL", "url")]
    [InlineData("order_placed", "order-placed")]
    [InlineData("Order_Placed", "order-placed")]
    public void Default_topic_is_kebab_case(string name, string topic)
    {
        Assert.Equal(topic, MessageNaming.ToKebabCase(name));
        Assert.True(MessageNaming.IsValidTopic(topic));
    }

    [Theory]
    [InlineData("OrderId")]
    [InlineData("ID")]
    [InlineData("HTTPRequest")]
    [InlineData("URLValue")]
    [InlineData("already")]
    [InlineData("A")]
    [InlineData("AB")]
    [InlineData("ABc")]
    [InlineData("IOStream")]
    [InlineData("X1Y")]
    [InlineData("Ünïcode")]
    [InlineData("A B")]
    [InlineData("ABC DEF")]
    [InlineData("_Private")]
    public void Camel_case_matches_System_Text_Json(string name) =>
        Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(name), MessageNaming.ToCamelCase(name));

    [Theory]
    [InlineData("order-placed", true)]
    [InlineData("loyalty.grant-points", true)]
    [InlineData("A_b.C-9", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("bad topic", false)]
    [InlineData("bestellung-ß", false)]
    public void Topic_validity(string topic, bool valid) => Assert.Equal(valid, MessageNaming.IsValidTopic(topic));

    [Theory]
    [InlineData("int", nameof(MemberTypeKind.Int32))]
    [InlineData("string?", nameof(MemberTypeKind.String))]
    [InlineData("Guid", nameof(MemberTypeKind.Guid))]
    [InlineData("DateOnly", nameof(MemberTypeKind.DateOnly))]
    [InlineData("TimeSpan", nameof(MemberTypeKind.TimeSpan))]
    [InlineData("DayOfWeek", nameof(MemberTypeKind.Enum))]
    [InlineData("int?", nameof(MemberTypeKind.Nullable))]
    [InlineData("byte[]", nameof(MemberTypeKind.ByteArray))]
    [InlineData("int[]", nameof(MemberTypeKind.Array))]
    [InlineData("List<string>", nameof(MemberTypeKind.List))]
    [InlineData("IEnumerable<Guid?>", nameof(MemberTypeKind.ListInterface))]
    [InlineData("IReadOnlyCollection<List<int>>", nameof(MemberTypeKind.ListInterface))]
    [InlineData("IList<int>", nameof(MemberTypeKind.ListInterface))]
    [InlineData("ICollection<string?>", nameof(MemberTypeKind.ListInterface))]
    [InlineData("HashSet<string>", nameof(MemberTypeKind.Set))]
    [InlineData("ISet<int>", nameof(MemberTypeKind.Set))]
    [InlineData("IReadOnlySet<Guid>", nameof(MemberTypeKind.Set))]
    [InlineData("ImmutableArray<int>", nameof(MemberTypeKind.ImmutableArray))]
    [InlineData("ImmutableArray<int>?", nameof(MemberTypeKind.Nullable))]
    [InlineData("ImmutableList<Part>", nameof(MemberTypeKind.ImmutableList))]
    [InlineData("IImmutableList<string>", nameof(MemberTypeKind.ImmutableList))]
    [InlineData("Dictionary<string, int>", nameof(MemberTypeKind.Dictionary))]
    [InlineData("IDictionary<string, Part?>", nameof(MemberTypeKind.Dictionary))]
    [InlineData("IReadOnlyDictionary<string, List<int?>>", nameof(MemberTypeKind.Dictionary))]
    [InlineData("Dictionary<Guid, int>", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Dictionary<string, object>", nameof(MemberTypeKind.Unsupported))]
    [InlineData("ImmutableDictionary<string, int>", nameof(MemberTypeKind.Unsupported))]
    [InlineData("ImmutableHashSet<int>", nameof(MemberTypeKind.Unsupported))]
    [InlineData("SortedSet<int>", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Part", nameof(MemberTypeKind.Object))]
    [InlineData("object", nameof(MemberTypeKind.Unsupported))]
    [InlineData("dynamic", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Stream", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Dictionary<int, int>", nameof(MemberTypeKind.Unsupported))]
    [InlineData("int[,]", nameof(MemberTypeKind.Unsupported))]
    [InlineData("List<object>", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Uri", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Action", nameof(MemberTypeKind.Unsupported))]
    [InlineData("IDisposable", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Node", nameof(MemberTypeKind.Unsupported))]
    [InlineData("Contract", nameof(MemberTypeKind.Unsupported))]
    public void Member_type_classification(string type, string expectedKind)
    {
        var expected = Enum.Parse<MemberTypeKind>(expectedKind);
        var compilation = GeneratorHarness.CreateCompilation([$$"""
            using System;
            using System.IO;
            using System.Collections.Generic;
            using System.Collections.Immutable;

            public sealed record Part(string Name);
            public sealed record Node(Node? Next);
            [MessageContracts.Event] public sealed partial record Contract(int N);

            public sealed class Holder
            {
                public {{type}} Member { get; set; } = default!;
            }
            """]);
        var property = (IPropertySymbol)compilation.GetTypeByMetadataName("Holder")!.GetMembers("Member").Single();

        var (kind, reason) = MemberTypeSupport.Classify(property.Type);

        Assert.Equal(expected, kind);
        if (expected == MemberTypeKind.Unsupported)
        {
            Assert.False(string.IsNullOrWhiteSpace(reason));
        }
        else
        {
            Assert.Null(reason);
        }
    }

    [Theory]
    [InlineData("[Event]", "Ok")]
    [InlineData("[Event(Type = \"Orders.Ok.v2\")]", "Orders.Ok.v2")]
    [InlineData("[Command(Topic = \"t\", Type = \"Renamed\")]", "Renamed")]
    public void Message_type_is_the_Type_override_or_the_simple_name(string attribute, string expected)
    {
        var compilation = GeneratorHarness.CreateCompilation([$$"""
            using MessageContracts;

            namespace Shop.Deep;

            {{attribute}}
            public sealed partial record Ok(int N);
            """]);
        var type = compilation.GetTypeByMetadataName("Shop.Deep.Ok")!;

        var shape = ContractShape.Analyze(type, CancellationToken.None);

        Assert.True(shape.IsValid, string.Join("; ", shape.Problems.Select(p => p.Message)));
        Assert.Equal(expected, shape.MessageType);
        Assert.Equal(expected, MessageNaming.GetMessageType(type));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData(" OrderPlaced")]
    [InlineData("OrderPlaced ")]
    [InlineData("Order\u0000Placed")]
    public void Empty_or_padded_message_type_is_a_problem(string type)
    {
        Assert.False(MessageNaming.IsValidMessageType(type));
        var compilation = GeneratorHarness.CreateCompilation([$$"""
            [MessageContracts.Event(Type = {{Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(type, quote: true)}})]
            public sealed partial record Bad(int N);
            """]);

        var shape = ContractShape.Analyze(compilation.GetTypeByMetadataName("Bad")!, CancellationToken.None);

        Assert.Equal([ShapeProblemKind.InvalidMessageType], shape.Problems.Select(p => p.Kind));
    }

    [Fact]
    public void Contract_shape_lists_every_problem()
    {
        var compilation = GeneratorHarness.CreateCompilation(["""
            using System.IO;
            using MessageContracts;

            public class Outer
            {
                [Event(Topic = "no spaces")]
                public sealed record Bad<T>([PartitionKey] string A, [property: PartitionKey] string B, Stream S);
            }
            """]);
        var type = compilation.GetTypeByMetadataName("Outer+Bad`1")!;

        var shape = ContractShape.Analyze(type, CancellationToken.None);

        Assert.False(shape.IsValid);
        Assert.Equal(
            [ShapeProblemKind.NotPartial, ShapeProblemKind.ContainingTypeNotPartial, ShapeProblemKind.Generic, ShapeProblemKind.InvalidTopic],
            shape.Problems.Select(p => p.Kind).Order());
    }

    [Fact]
    public void Two_partition_keys_are_a_warning_and_the_first_one_is_the_key()
    {
        var compilation = GeneratorHarness.CreateCompilation(["""
            using MessageContracts;

            [Event]
            public sealed partial record TwoKeys([property: PartitionKey] string A, [PartitionKey] string B);
            """]);

        var shape = ContractShape.Analyze(compilation.GetTypeByMetadataName("TwoKeys")!, CancellationToken.None);

        Assert.True(shape.IsValid, string.Join("; ", shape.Problems.Select(p => p.Message)));
        Assert.Equal("A", shape.PartitionKey?.Name);
        var warning = Assert.Single(shape.Warnings);
        Assert.Equal(ShapeProblemKind.MultiplePartitionKeys, warning.Kind);
        Assert.Equal("B", warning.Symbol.Name);
    }

    [Fact]
    public void A_partition_key_that_cannot_be_a_key_is_a_warning_and_the_contract_has_no_key()
    {
        var compilation = GeneratorHarness.CreateCompilation(["""
            using System.Collections.Generic;
            using MessageContracts;

            [Event]
            public sealed partial record ListKey([property: PartitionKey] IReadOnlyList<string> Keys);
            """]);

        var shape = ContractShape.Analyze(compilation.GetTypeByMetadataName("ListKey")!, CancellationToken.None);

        Assert.True(shape.IsValid, string.Join("; ", shape.Problems.Select(p => p.Message)));
        Assert.Null(shape.PartitionKey);
        Assert.Equal([ShapeProblemKind.UnsupportedPartitionKeyType], shape.Warnings.Select(p => p.Kind));
    }

    [Fact]
    public void Contract_shape_of_a_valid_contract()
    {
        var compilation = GeneratorHarness.CreateCompilation(["""
            using System.IO;
            using MessageContracts;

            namespace Shop;

            [Command(Topic = "t.x")]
            public sealed partial record Ok([PartitionKey] string A, int B)
            {
                public string C { get; init; } = "";
                public int Computed => B * 2;
            }
            """]);
        var shape = ContractShape.Analyze(compilation.GetTypeByMetadataName("Shop.Ok")!, CancellationToken.None);

        Assert.True(shape.IsValid, string.Join("; ", shape.Problems.Select(p => p.Message)));
        Assert.Equal(ContractKind.Command, shape.Kind);
        Assert.Equal("t.x", shape.Topic);
        Assert.Equal("Ok", shape.MessageType);
        Assert.Equal("A", shape.PartitionKey?.Name);
        Assert.Equal(["a", "b", "c"], shape.Object!.Members.Select(m => m.JsonName));
    }
}
