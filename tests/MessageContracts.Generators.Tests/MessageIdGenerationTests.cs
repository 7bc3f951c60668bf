using MessageContracts.Generators.Emit;
using MessageContracts.Generators.Tests.Contracts;
using MessageContracts.Generators.Tests.Infrastructure;

namespace MessageContracts.Generators.Tests;

/// <summary>
/// <c>[MessageId]</c>: the generator implements <c>GetMessageIdValue</c>, with no reflection, for contracts with such a
/// member and only for them; misuse still generates code with its defined outcome (the analyzers report it).
/// </summary>
public sealed class MessageIdGenerationTests
{
    private const string Sample = """
        using System;
        using MessageContracts;

        namespace Shop;

        [Event]
        public sealed partial record PaymentCaptured([property: PartitionKey, MessageId] string PaymentId, decimal Amount);
        """;

    [Fact]
    public void Generated_source_matches_snapshot()
    {
        var run = GeneratorHarness.Run(Sample).AssertCleanCompile();
        var source = run.Source("Shop.PaymentCaptured.Contract.g.cs").Replace(EmitHelpers.GeneratorVersion, "VERSION", StringComparison.Ordinal);
        Snapshot.Match(source, "Shop.PaymentCaptured.Contract.g.cs");
    }

    [Fact]
    public void Every_supported_member_type_and_form_compiles()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using MessageContracts;

            namespace Shop;

            [Event] public sealed partial record A([MessageId] Guid Id);
            [Event] public sealed partial record B([property: MessageId] int? Number);
            [Event] public sealed partial record C([property: MessageId] ulong Reading);
            [Event] public sealed partial record D([property: MessageId] byte Small, sbyte Other);
            [Event] public readonly partial record struct E([property: MessageId] long Id);
            [Event] public sealed partial record F([property: MessageId] string @event);
            [Command] public sealed partial record G(string Customer, int Line) { [MessageId] public string Key => Customer + "/" + Line; }
            [Command] public sealed partial record H { [MessageId] public required uint Id { get; init; } }
            """).AssertCleanCompile();

        Assert.Contains("MessageIdValues.FromGuid(message.Id, \"Id\")", run.Source("Shop.A.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromInt64(message.Number, \"Number\")", run.Source("Shop.B.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromUInt64(message.Reading, \"Reading\")", run.Source("Shop.C.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromInt64(message.Small, \"Small\")", run.Source("Shop.D.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromInt64(message.Id, \"Id\")", run.Source("Shop.E.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromString(message.@event, \"event\")", run.Source("Shop.F.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromString(message.Key, \"Key\")", run.Source("Shop.G.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromInt64(message.Id, \"Id\")", run.Source("Shop.H.Contract.g.cs"));
    }

    [Fact]
    public void A_contract_without_message_id_does_not_implement_it()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using MessageContracts;

            namespace Shop;

            [Event] public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId);
            """).AssertCleanCompile();

        Assert.DoesNotContain("GetMessageIdValue", run.Source("Shop.OrderPlaced.Contract.g.cs"));
    }

    [Fact]
    public void Misuse_still_generates_with_its_defined_outcome()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using MessageContracts;

            namespace Shop;

            [Event] public sealed partial record Two([property: MessageId] Guid First, [property: MessageId] int Second);
            [Event] public sealed partial record Unsupported([property: MessageId] decimal Number);
            [Event] public sealed partial record Settable { [MessageId] public string Id { get; set; } = ""; }
            """).AssertCleanCompile();

        // The first declared is used; an unsupported type derives no ID; a settable one is read when published.
        Assert.Contains("MessageIdValues.FromGuid(message.First, \"First\")", run.Source("Shop.Two.Contract.g.cs"));
        Assert.DoesNotContain("GetMessageIdValue", run.Source("Shop.Unsupported.Contract.g.cs"));
        Assert.Contains("MessageIdValues.FromString(message.Id, \"Id\")", run.Source("Shop.Settable.Contract.g.cs"));
    }

    [Fact]
    public void The_generated_member_returns_the_invariant_text_of_the_value()
    {
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        Assert.Equal("pay-1", ValueOf(new PaymentCaptured("pay-1", 10m)));
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", ValueOf(new ParcelScanned(guid, 3)));
        Assert.Equal("18446744073709551615", ValueOf(new ChargeMeter(ulong.MaxValue, 1)));
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e/2", ValueOf(new LineShipped(guid, 2)));
        Assert.Null(ValueOf(new OrderPlaced(guid, "c", 1m)));
    }

    [Fact]
    public void A_value_that_would_give_every_message_one_id_is_refused()
    {
        var nullId = Assert.Throws<ArgumentException>(() => ValueOf(new PaymentCaptured(null!, 1m)));
        var empty = Assert.Throws<ArgumentException>(() => ValueOf(new PaymentCaptured("", 1m)));
        var noGuid = Assert.Throws<ArgumentException>(() => ValueOf(new ParcelScanned(null, 1)));
        var emptyGuid = Assert.Throws<ArgumentException>(() => ValueOf(new ParcelScanned(Guid.Empty, 1)));

        Assert.Contains("The [MessageId] member 'PaymentId' is null", nullId.Message);
        Assert.Contains("'PaymentId' is empty", empty.Message);
        Assert.Contains("'ScanId' is null", noGuid.Message);
        Assert.Contains("'ScanId' is Guid.Empty", emptyGuid.Message);
        Assert.Equal("message", nullId.ParamName);
    }

    private static string? ValueOf<T>(T message)
        where T : IMessageContract<T> => T.GetMessageIdValue(message);
}
