using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Test = MessageContracts.Analyzers.Tests.Infrastructure.CompatibilityTest<Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace MessageContracts.Analyzers.Tests;

/// <summary>
/// MC0030 to MC0039: the contracts as the real generator models them, compared with a baseline the build wrote for the
/// shipped version (<see cref="Shipped"/>). Each rule has a case that reports and a case that must not.
/// </summary>
public sealed class BaselineCompatibilityAnalyzerTests
{
    /// <summary>The shipped version of the project, from which every test's baseline is written.</summary>
    internal const string Shipped = """
        namespace Shop;

        public enum Channel { Web, Store }

        public sealed record Address(string Street, string? City);

        [Event]
        public sealed partial record OrderPlaced(
            [property: PartitionKey] Guid OrderId,
            string CustomerId,
            decimal Total,
            Channel Channel,
            Address ShipTo,
            int? Priority = null);

        [Command(Topic = "loyalty.grant-points")]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points);
        """;

    private static readonly string Baseline = Test.Baseline(Shipped);

    private static string Edit(string find, string replace)
    {
        Assert.Contains(find, Shipped, StringComparison.Ordinal);
        return Shipped.Replace(find, replace, StringComparison.Ordinal);
    }

    private static Task VerifyAsync(string source, string? baseline, (string, string)[] properties, params DiagnosticResult[] expected)
    {
        var test = new Test(source, baseline, properties);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync(source, Baseline, [], expected);

    private static DiagnosticResult Breaking(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int location, string contract, string description, string mode = "backward") =>
        Test.Diagnostic(descriptor).WithLocation(location).WithArguments(contract, description, mode);

    private static DiagnosticResult Outdated(int location, string contract, string description) =>
        Test.Diagnostic(DiagnosticDescriptors.BaselineOutdated).WithLocation(location).WithArguments(contract, description);

    [Theory]
    [InlineData("backward")]
    [InlineData("forward")]
    [InlineData("full")]
    [InlineData("none")]
    public async Task An_up_to_date_baseline_reports_nothing_in_any_mode(string mode)
    {
        await VerifyAsync(Shipped, Baseline, [("MessageContractsCompatibility", mode)]);
    }

    [Fact]
    public async Task MC0030_a_project_without_a_baseline_gets_one_suggestion_on_its_first_contract()
    {
        var source = Shipped.Replace("public sealed partial record GrantPoints", "public sealed partial record {|#0:GrantPoints|}", StringComparison.Ordinal);

        await VerifyAsync(source, null, [], Test.Diagnostic(DiagnosticDescriptors.BaselineMissing).WithLocation(0).WithArguments(2));
    }

    [Fact]
    public async Task MC0030_is_not_reported_while_the_baseline_is_being_written_nor_for_a_project_without_contracts()
    {
        await VerifyAsync(Shipped, null, [("UpdateMessageContractsBaseline", "true")]);
        await VerifyAsync("namespace Shop; public sealed class Plain { }", null, []);
    }

    [Fact]
    public async Task MC0031_a_removed_contract_is_reported_on_its_line_of_the_baseline()
    {
        var source = Shipped[..Shipped.IndexOf("[Command", StringComparison.Ordinal)];
        var lines = Baseline.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains("\"ceType\": \"GrantPoints\"", StringComparison.Ordinal)) - 1; // the entry's '{', 0-based
        Assert.Equal("    {", lines[line]);

        await VerifyAsync(
            source,
            Test.Diagnostic(DiagnosticDescriptors.ContractRemoved).WithSpan(Test.BaselinePath, line + 1, 1, line + 1, 6).WithArguments("Shop.GrantPoints", "GrantPoints", "loyalty.grant-points"));
    }

    [Fact]
    public async Task MC0031_a_contract_that_is_only_invalid_for_now_is_not_reported_as_removed()
    {
        // Not partial: the generator skips it and MC0003 says why; "removed" on top would be wrong.
        var source = Edit("public sealed partial record GrantPoints", "public sealed record GrantPoints");

        await VerifyAsync(source);
    }

    [Fact]
    public async Task MC0032_a_changed_topic_kind_or_ce_type_is_breaking_in_every_mode()
    {
        var topic = Edit("[Command(Topic = \"loyalty.grant-points\")]\npublic sealed partial record GrantPoints", "[Command(Topic = \"loyalty.points\")]\npublic sealed partial record {|#0:GrantPoints|}");
        await VerifyAsync(topic, Baseline, [("MessageContractsCompatibility", "none")],
            Breaking(DiagnosticDescriptors.ContractRoutingChanged, 0, "Shop.GrantPoints", "its topic changed from 'loyalty.grant-points' to 'loyalty.points'", "none"));

        var ceType = Edit("[Event]\npublic sealed partial record OrderPlaced(", "[Event(Type = \"OrderSubmitted\")]\npublic sealed partial record {|#0:OrderPlaced|}(");
        await VerifyAsync(ceType, Breaking(DiagnosticDescriptors.ContractRoutingChanged, 0, "Shop.OrderPlaced", "its ce_type changed from 'OrderPlaced' to 'OrderSubmitted'"));

        var key = Edit("[property: PartitionKey] Guid OrderId,\n    string CustomerId,", "Guid OrderId,\n    [property: PartitionKey] string CustomerId,")
            .Replace("public sealed partial record OrderPlaced(", "public sealed partial record {|#0:OrderPlaced|}(", StringComparison.Ordinal);
        await VerifyAsync(key, Breaking(DiagnosticDescriptors.ContractRoutingChanged, 0, "Shop.OrderPlaced", "its partition key changed from 'orderId' to 'customerId'"));
    }

    [Fact]
    public async Task MC0033_removing_a_member_breaks_every_mode_but_none()
    {
        var required = Edit("    string CustomerId,\n", string.Empty).Replace("public sealed partial record OrderPlaced(", "public sealed partial record {|#0:OrderPlaced|}(", StringComparison.Ordinal);
        const string removedRequired = "the required member 'customerId' is no longer on the wire, so consumers still on the shipped version reject every new message";

        // Backward is the default: Schema Registry would allow the removal, the toolkit does not (docs/contract-evolution.md).
        await VerifyAsync(required, Breaking(DiagnosticDescriptors.ContractMemberRemoved, 0, "Shop.OrderPlaced", removedRequired));
        await VerifyAsync(required, Baseline, [("MessageContractsCompatibility", "forward")], Breaking(DiagnosticDescriptors.ContractMemberRemoved, 0, "Shop.OrderPlaced", removedRequired, "forward"));
        await VerifyAsync(required, Baseline, [("MessageContractsCompatibility", "full")], Breaking(DiagnosticDescriptors.ContractMemberRemoved, 0, "Shop.OrderPlaced", removedRequired, "full"));

        // An optional member too: the consumers not yet redeployed silently lose its value.
        var optional = Edit(",\n    int? Priority = null);", ");").Replace("public sealed partial record OrderPlaced(", "public sealed partial record {|#0:OrderPlaced|}(", StringComparison.Ordinal);
        await VerifyAsync(optional, Breaking(DiagnosticDescriptors.ContractMemberRemoved, 0, "Shop.OrderPlaced", "the optional member 'priority' is no longer on the wire, so consumers still on the shipped version silently get its default"));

        // none: only routing and removed contracts are checked; the baseline is out of date.
        await VerifyAsync(required, Baseline, [("MessageContractsCompatibility", "none")], Outdated(0, "Shop.OrderPlaced", removedRequired));
    }

    [Fact]
    public async Task MC0033_a_renamed_member_is_named_as_a_likely_rename()
    {
        var source = Edit("    string CustomerId,\n", "    string ClientId,\n").Replace("public sealed partial record OrderPlaced(", "public sealed partial record {|#0:OrderPlaced|}(", StringComparison.Ordinal);

        await VerifyAsync(
            source,
            Baseline,
            [("MessageContractsCompatibility", "forward")],
            Breaking(DiagnosticDescriptors.ContractMemberRemoved, 0, "Shop.OrderPlaced", "the required member 'customerId' is no longer on the wire (renamed to 'clientId'?), so consumers still on the shipped version reject every new message", "forward"));
    }

    [Fact]
    public async Task MC0034_string_and_number_are_incompatible_in_both_directions()
    {
        // A decimal without a default is required, as is a non-nullable string without one: only the type breaks.
        var source = Edit("    decimal Total,", "    string {|#0:Total|},");
        var typeChanged = Breaking(DiagnosticDescriptors.ContractMemberTypeChanged, 0, "Shop.OrderPlaced", "the member 'total' changed from number (decimal) to string");

        await VerifyAsync(source, typeChanged);
        await VerifyAsync(source, Baseline, [("MessageContractsCompatibility", "forward")], typeChanged.WithArguments("Shop.OrderPlaced", "the member 'total' changed from number (decimal) to string", "forward"));

        // A nullable string is optional (missing reads as null): the type breaks, and the backward-safe "can be null".
        var optionalText = Edit("    decimal Total,", "    string? {|#0:Total|},");
        await VerifyAsync(optionalText, typeChanged);
    }

    [Fact]
    public async Task MC0034_a_nested_part_member_is_reported_on_the_contract_member_that_holds_it()
    {
        var source = Edit("public sealed record Address(string Street,", "public sealed record Address(int Street,").Replace("    Address ShipTo,", "    Address {|#0:ShipTo|},", StringComparison.Ordinal);

        // string -> integer, and a required reference became an optional value.
        await VerifyAsync(
            source,
            Breaking(DiagnosticDescriptors.ContractMemberTypeChanged, 0, "Shop.OrderPlaced", "the member 'shipTo.street' changed from string to integer (int32)"));
    }

    [Fact]
    public async Task MC0034_widening_is_backward_compatible_and_narrowing_is_not()
    {
        var widened = Edit("int Points);", "long {|#0:Points|});").Replace("public sealed partial record GrantPoints", "public sealed partial record {|#1:GrantPoints|}", StringComparison.Ordinal);
        const string widening = "the member 'points' changed from integer (int32) to integer (int64)";
        await VerifyAsync(widened, Outdated(1, "Shop.GrantPoints", widening));
        await VerifyAsync(widened, Baseline, [("MessageContractsCompatibility", "forward")], Breaking(DiagnosticDescriptors.ContractMemberTypeChanged, 0, "Shop.GrantPoints", widening, "forward"));

        var narrowed = Edit("int Points);", "short {|#0:Points|});");
        await VerifyAsync(narrowed, Breaking(DiagnosticDescriptors.ContractMemberTypeChanged, 0, "Shop.GrantPoints", "the member 'points' changed from integer (int32) to integer (int16)"));
    }

    [Fact]
    public async Task MC0034_a_member_that_can_no_longer_be_null_breaks_backward_compatibility()
    {
        var source = Edit("int? Priority = null", "int {|#0:Priority|} = 0");

        await VerifyAsync(source, Breaking(DiagnosticDescriptors.ContractMemberTypeChanged, 0, "Shop.OrderPlaced", "the member 'priority' can no longer be null, and messages written before may carry null"));
    }

    [Fact]
    public async Task MC0035_a_new_required_member_breaks_backward_compatibility_and_a_new_optional_one_does_not()
    {
        var required = Edit("int Points);", "int Points, string {|#0:Reason|});");
        await VerifyAsync(required, Breaking(DiagnosticDescriptors.ContractMemberRequirednessChanged, 0, "Shop.GrantPoints", "the new member 'reason' is required, and messages written before it have no such member"));

        var optional = Edit("int Points);", "int Points, string? Reason = null);").Replace("public sealed partial record GrantPoints", "public sealed partial record {|#0:GrantPoints|}", StringComparison.Ordinal);
        await VerifyAsync(optional, Outdated(0, "Shop.GrantPoints", "the new optional member 'reason'"));
    }

    [Fact]
    public async Task MC0035_an_optional_member_made_required_breaks_backward_compatibility()
    {
        var optional = Shipped.Replace("int? Priority = null);", "int? Priority = null)\n{\n    public string Coupon { get; init; } = \"\";\n}", StringComparison.Ordinal);
        var required = Shipped.Replace("int? Priority = null);", "int? Priority = null)\n{\n    public required string {|#0:Coupon|} { get; init; }\n}", StringComparison.Ordinal);
        const string change = "the member 'coupon' is now required (it was optional), so a message without it is rejected";

        await VerifyAsync(required, Test.Baseline(optional), [], Breaking(DiagnosticDescriptors.ContractMemberRequirednessChanged, 0, "Shop.OrderPlaced", change));

        // Forward: an old reader never needed it.
        var forward = Shipped.Replace("int? Priority = null);", "int? Priority = null)\n{\n    public required string Coupon { get; init; }\n}", StringComparison.Ordinal)
            .Replace("public sealed partial record OrderPlaced(", "public sealed partial record {|#0:OrderPlaced|}(", StringComparison.Ordinal);
        await VerifyAsync(forward, Test.Baseline(optional), [("MessageContractsCompatibility", "forward")], Outdated(0, "Shop.OrderPlaced", change));
    }

    [Fact]
    public async Task MC0036_a_removed_enum_name_breaks_backward_and_an_added_one_breaks_forward()
    {
        var removed = Edit("public enum Channel { Web, Store }", "public enum Channel { Web }").Replace("    Channel Channel,", "    Channel {|#0:Channel|},", StringComparison.Ordinal);
        await VerifyAsync(removed, Breaking(DiagnosticDescriptors.ContractEnumValuesChanged, 0, "Shop.OrderPlaced", "the member 'channel' lost the enum name 'Store', which messages written before may carry"));

        var added = Edit("public enum Channel { Web, Store }", "public enum Channel { Web, Store, Phone }")
            .Replace("    Channel Channel,", "    Channel {|#0:Channel|},", StringComparison.Ordinal)
            .Replace("public sealed partial record OrderPlaced(", "public sealed partial record {|#1:OrderPlaced|}(", StringComparison.Ordinal);
        const string gained = "the member 'channel' gained the enum name 'Phone', which a reader of the baseline rejects";
        await VerifyAsync(added, Outdated(1, "Shop.OrderPlaced", gained));
        await VerifyAsync(added, Baseline, [("MessageContractsCompatibility", "full")], Breaking(DiagnosticDescriptors.ContractEnumValuesChanged, 0, "Shop.OrderPlaced", gained, "full"));
    }

    [Fact]
    public async Task A_contracts_Compatibility_attribute_overrides_the_project_mode()
    {
        // A new required member breaks the default (backward); the contract asks for forward, where an old reader ignores it.
        var source = Edit("int Points);", "int Points, string Reason);")
            .Replace("[Command", "[Compatibility(CompatibilityMode.Forward), Command", StringComparison.Ordinal)
            .Replace("public sealed partial record GrantPoints", "public sealed partial record {|#0:GrantPoints|}", StringComparison.Ordinal);

        await VerifyAsync(source, Outdated(0, "Shop.GrantPoints", "the new member 'reason' is required, and messages written before it have no such member"));
    }

    [Fact]
    public async Task MC0037_a_new_contract_is_reported_until_it_is_in_the_baseline()
    {
        var source = Shipped + "\n\n[Event]\npublic sealed partial record {|#0:OrderShipped|}([property: PartitionKey] Guid OrderId);\n";

        await VerifyAsync(source, Outdated(0, "Shop.OrderShipped", "it is new and not in the baseline yet"));
        await VerifyAsync(Test.WithoutMarkup(source), Test.Baseline(Test.WithoutMarkup(source)), []);
    }

    [Fact]
    public async Task Nothing_is_reported_while_the_baseline_is_being_written()
    {
        var source = Edit("    decimal Total,", "    string Total,");

        await VerifyAsync(source, Baseline, [("UpdateMessageContractsBaseline", "true")]);
    }

    [Fact]
    public async Task MC0038_an_unreadable_baseline_is_reported_where_it_stops_making_sense()
    {
        var broken = Baseline.Replace("\"formatVersion\": 1,", "\"formatVersion\": 1", StringComparison.Ordinal);

        await VerifyAsync(Shipped, broken, [], Test.Diagnostic(DiagnosticDescriptors.BaselineInvalid).WithSpan(Test.BaselinePath, 3, 3, 3, 3).WithArguments("expected ',' or '}' in an object"));
        await VerifyAsync(Shipped, "{ \"formatVersion\": 2, \"contracts\": [] }", [], Test.Diagnostic(DiagnosticDescriptors.BaselineInvalid).WithSpan(Test.BaselinePath, 1, 1, 1, 1)
            .WithArguments("'formatVersion' must be 1 (this version of MessageContracts reads format 1)"));
    }

    [Fact]
    public async Task MC0039_an_unknown_mode_is_reported_and_backward_is_used()
    {
        var source = Edit("    decimal Total,", "    string {|#0:Total|},");

        await VerifyAsync(
            source,
            Baseline,
            [("MessageContractsCompatibility", "sideways")],
            Test.Diagnostic(DiagnosticDescriptors.InvalidCompatibilityMode).WithNoLocation().WithArguments("sideways"),
            Breaking(DiagnosticDescriptors.ContractMemberTypeChanged, 0, "Shop.OrderPlaced", "the member 'total' changed from number (decimal) to string"));
        await VerifyAsync(Shipped, Baseline, [("MessageContractsCompatibility", "FULL_TRANSITIVE")]);
    }
}
