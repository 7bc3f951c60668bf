using Microsoft.CodeAnalysis;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.ContractShapeAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

/// <summary>MC0024 to MC0026: the misuses of <c>[MessageId]</c>, reported from the shared contract rules.</summary>
public sealed class MessageIdAnalyzerTests
{
    [Fact]
    public async Task Every_supported_form_is_not_reported()
    {
        const string source = """
            [Event]
            public sealed partial record PaymentCaptured([property: PartitionKey, MessageId] string PaymentId, decimal Amount);

            [Event]
            public sealed partial record OrderShipped([MessageId] Guid ShipmentId, Guid OrderId);

            [Command]
            public sealed partial record ChargeCard([property: MessageId] long RequestNumber, int Cents);

            [Event]
            public readonly partial record struct CounterRead([property: MessageId] ulong Reading, byte Meter);

            [Event]
            public sealed partial record Refunded([property: MessageId] int? RefundNumber, Guid? Correlation);

            [Event]
            public sealed partial record InvoiceSent(string CustomerId)
            {
                [MessageId]
                public required Guid InvoiceId { get; init; }
            }

            [Event]
            public sealed partial record LineShipped(Guid OrderId, int LineNumber)
            {
                [MessageId]
                public string ShipmentKey => $"{OrderId:D}/{LineNumber}";
            }
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task MC0024_a_second_message_id_member_is_reported_where_it_is_declared()
    {
        const string source = """
            [Event]
            public sealed partial record LineShipped(
                [property: PartitionKey, MessageId] Guid OrderId,
                [property: MessageId] int {|#0:LineNumber|},
                [MessageId] string {|#1:Carrier|});
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.MultipleMessageIds)
                .WithLocation(0)
                .WithArguments(
                    "LineShipped",
                    "only one member can be the [MessageId], and 'OrderId' (the first) is used, so messages that differ only in 'LineNumber' get the same ID and all but the first are dropped as duplicates",
                    "LineNumber")
                .WithSeverity(DiagnosticSeverity.Error),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.MultipleMessageIds).WithLocation(1));
    }

    [Fact]
    public async Task MC0025_a_type_without_one_invariant_text_is_reported()
    {
        const string source = """
            using System.Collections.Generic;

            public enum Kind { A, B }

            [Event]
            public sealed partial record InvoicePaid([property: MessageId] decimal {|#0:InvoiceNumber|});

            [Event]
            public sealed partial record Ticked([property: MessageId] DateTimeOffset {|#1:At|});

            [Event]
            public sealed partial record Tagged([property: MessageId] List<string> {|#2:Tags|});

            [Event]
            public sealed partial record Sorted([property: MessageId] Kind {|#3:Kind|});

            [Event]
            public sealed partial record Measured([property: MessageId] double {|#4:Value|});
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.UnsupportedMessageIdType)
                .WithLocation(0)
                .WithArguments(
                    "InvoicePaid",
                    "the [MessageId] member 'InvoiceNumber' has type 'decimal'; a message ID can be derived from a string, a Guid or an integer only, so these messages get a new ID on every publish and a fact published twice is handled twice",
                    "InvoiceNumber")
                .WithSeverity(DiagnosticSeverity.Error),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.UnsupportedMessageIdType).WithLocation(1),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.UnsupportedMessageIdType).WithLocation(2),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.UnsupportedMessageIdType).WithLocation(3),
            Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.UnsupportedMessageIdType).WithLocation(4));
    }

    [Fact]
    public async Task MC0026_a_settable_message_id_is_reported_and_init_is_not()
    {
        const string source = """
            [Event]
            public sealed partial record PaymentCaptured(string AccountId, decimal Amount)
            {
                [MessageId]
                public string {|#0:PaymentId|} { get; set; } = "";
            }

            [Event]
            public sealed partial record PaymentRefunded(string AccountId)
            {
                [MessageId]
                public string RefundId { get; init; } = "";
            }
            """;

        await Verify.VerifyAsync(
            source,
            Verify.Diagnostic(DiagnosticDescriptors.MutableMessageId)
                .WithLocation(0)
                .WithArguments(
                    "PaymentCaptured",
                    "the [MessageId] member 'PaymentId' has a 'set' accessor, so its value, and the message ID derived from it, can change after the message was built",
                    "PaymentId")
                .WithSeverity(DiagnosticSeverity.Warning));
    }

    [Fact]
    public async Task A_message_id_outside_a_contract_is_not_reported_by_these_rules()
    {
        const string source = """
            public sealed record NotAContract([property: MessageId] decimal Value, [property: MessageId] decimal Other)
            {
                [MessageId]
                public string Settable { get; set; } = "";
            }
            """;

        await Verify.VerifyAsync(source);
    }

    [Fact]
    public async Task Severity_can_be_changed_in_editorconfig()
    {
        const string source = """
            [Event]
            public sealed partial record LineShipped([property: MessageId] Guid OrderId, [property: MessageId] int LineNumber);

            [Event]
            public sealed partial record PaymentCaptured(string AccountId)
            {
                [MessageId]
                public string {|#0:PaymentId|} { get; set; } = "";
            }
            """;

        var test = new Verify(source);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.MC0024.severity = none
            dotnet_diagnostic.MC0026.severity = suggestion
            """));
        test.ExpectedDiagnostics.Add(Verify.DiagnosticWithAnyMessage(DiagnosticDescriptors.MutableMessageId).WithLocation(0).WithSeverity(DiagnosticSeverity.Info));

        await test.RunAsync();
    }
}
