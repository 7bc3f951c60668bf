using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.ContractNamingAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class ContractNamingAnalyzerTests
{
    [Theory]
    [InlineData("OrderPlaced")]
    [InlineData("PaymentSent")]
    [InlineData("InvoicePaid")]
    [InlineData("OrderPlacedV2")]
    [InlineData("UserSignedUp")]
    [InlineData("CartCheckedOut")]
    [InlineData("HTTPRequestSent")]
    [InlineData("ReportBuilt")]
    [InlineData("ShipmentDone")]
    public void Event_names_in_the_past_tense_read_as_facts(string name) => Assert.True(ContractNames.ReadsAsFact(name));

    [Theory]
    [InlineData("PlaceOrder")]
    [InlineData("OrderEvent")]
    [InlineData("OrderPlacedEvent")]
    [InlineData("PaymentStatus")]
    public void Other_event_names_do_not(string name) => Assert.False(ContractNames.ReadsAsFact(name));

    [Theory]
    [InlineData("GrantPoints")]
    [InlineData("ShipOrder")]
    [InlineData("RefreshFeed")]
    [InlineData("ProceedToCheckout")]
    [InlineData("ResetPassword")]
    [InlineData("EmbedVideo")]
    [InlineData("UpdateBed")]
    [InlineData("SetCustomerAddress")]
    public void Imperative_command_names_are_accepted(string name) => Assert.Null(ContractNames.WhyNotImperative(name));

    [Theory]
    [InlineData("PointsGranted", "ends in the past tense ('Granted'), which reads like an event")]
    [InlineData("ShipmentRequested", "ends in the past tense ('Requested'), which reads like an event")]
    [InlineData("GrantPointsCommand", "ends in 'Command', which says nothing about what to do")]
    [InlineData("OrderEvent", "ends in 'Event', which says nothing about what to do")]
    public void Commands_named_like_events_are_flagged(string name, string why) => Assert.Equal(why, ContractNames.WhyNotImperative(name));

    [Fact]
    public async Task Contracts_named_by_the_guidance_are_not_reported()
    {
        const string source = """
            [Event] public sealed partial record OrderPlaced(Guid OrderId);
            [Command] public sealed partial record GrantPoints(string CustomerId, int Points);
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task Events_not_named_as_facts_and_commands_named_as_facts_are_suggestions()
    {
        const string source = """
            [Event] public sealed partial record {|#0:PlaceOrder|}(Guid OrderId);
            [Command] public sealed partial record {|#1:PointsGranted|}(string CustomerId, int Points);
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.EventNotNamedAsFact).WithLocation(0).WithArguments("PlaceOrder"),
            Verify.Diagnostic(DiagnosticDescriptors.CommandNotNamedAsImperative).WithLocation(1).WithArguments("PointsGranted", "ends in the past tense ('Granted'), which reads like an event"));
    }

    [Fact]
    public async Task The_naming_rules_can_be_turned_off_in_editorconfig()
    {
        const string source = """
            [Event] public sealed partial record PlaceOrder(Guid OrderId);
            [Command] public sealed partial record PointsGranted(string CustomerId, int Points);
            """;

        var test = new Verify(source);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0021.severity = none
            dotnet_diagnostic.MC0022.severity = none
            """));

        await test.RunAsync();
    }
}
