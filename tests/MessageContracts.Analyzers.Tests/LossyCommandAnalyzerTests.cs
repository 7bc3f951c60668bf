using MessageContracts.Analyzers.Tests.Infrastructure;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.LossyCommandAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class LossyCommandAnalyzerTests
{
    [Fact]
    public async Task A_command_that_accepts_loss_is_an_error_at_its_Delivery_argument()
    {
        const string source = """
            [Command(Topic = "quotes.refresh", {|#0:Delivery = Delivery.AtMostOnce|})]
            public sealed partial record RefreshQuote(string Symbol);
            """;

        await Verify.VerifyAsync(
            source,
            [GeneratedContract.Command("RefreshQuote")],
            Verify.Diagnostic(DiagnosticDescriptors.CommandAcceptsLoss).WithLocation(0).WithArguments("RefreshQuote"));
    }

    [Fact]
    public async Task Events_that_accept_loss_and_commands_that_do_not_are_fine()
    {
        const string source = """
            [Event(Delivery = Delivery.AtMostOnce)]
            public sealed partial record QuoteTicked(string Symbol, decimal Price);

            [Command(Delivery = Delivery.AtLeastOnce)]
            public sealed partial record RefreshQuote(string Symbol);

            [Command]
            public sealed partial record CancelQuote(string Symbol);
            """;

        await Verify.VerifyAsync(
            source,
            [GeneratedContract.Event("QuoteTicked"), GeneratedContract.Command("RefreshQuote"), GeneratedContract.Command("CancelQuote")]);
    }
}
