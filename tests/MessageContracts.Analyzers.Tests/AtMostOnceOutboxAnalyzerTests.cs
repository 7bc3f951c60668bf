using MessageContracts.Analyzers.Tests.Infrastructure;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.AtMostOnceOutboxAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class AtMostOnceOutboxAnalyzerTests
{
    private const string Contracts = """
        [Event(Delivery = Delivery.AtMostOnce)]
        public sealed partial record PriceTicked([property: PartitionKey] string Symbol, decimal Price);

        [Event]
        public sealed partial record PriceFixed([property: PartitionKey] string Symbol, decimal Price);

        """;

    private static readonly GeneratedContract[] Generated = [GeneratedContract.Event("PriceTicked"), GeneratedContract.Event("PriceFixed")];

    [Fact]
    public async Task Enqueueing_an_at_most_once_contract_is_an_error_through_the_interface_and_an_implementation()
    {
        const string source = Contracts + """
            public sealed class MyOutbox : IOutbox
            {
                public Task<string> EnqueueAsync<TMessage>(TMessage message, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken = default)
                    where TMessage : IMessageContract<TMessage> => Task.FromResult("id");
            }

            public sealed class Prices(IOutbox outbox, MyOutbox mine)
            {
                public async Task RecordAsync(System.Data.Common.DbTransaction transaction, CancellationToken ct)
                {
                    await {|#0:outbox.EnqueueAsync(new PriceTicked("ACME", 1m), transaction, ct)|};
                    await {|#1:mine.EnqueueAsync(new PriceTicked("ACME", 2m), transaction)|};
                }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Generated,
            Verify.Diagnostic(DiagnosticDescriptors.AtMostOnceThroughOutbox).WithLocation(0).WithArguments("PriceTicked"),
            Verify.Diagnostic(DiagnosticDescriptors.AtMostOnceThroughOutbox).WithLocation(1).WithArguments("PriceTicked"));
    }

    [Fact]
    public async Task Enqueueing_an_at_least_once_contract_and_publishing_an_at_most_once_one_are_fine()
    {
        const string source = Contracts + """
            public sealed class Prices(IOutbox outbox, IEventPublisher<PriceTicked> ticks)
            {
                public async Task RecordAsync(System.Data.Common.DbTransaction transaction, CancellationToken ct)
                {
                    await outbox.EnqueueAsync(new PriceFixed("ACME", 1m), transaction, ct);
                    await ticks.PublishAsync(new PriceTicked("ACME", 2m), ct);
                }
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }
}
