using MessageContracts.Analyzers.Tests.Infrastructure;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.AtMostOnceHandlerAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class AtMostOnceHandlerAnalyzerTests
{
    private const string Contracts = """
        [Event(Delivery = Delivery.AtMostOnce)]
        public sealed partial record PriceTicked([property: PartitionKey] string Symbol, decimal Price);

        [Event]
        public sealed partial record PriceFixed([property: PartitionKey] string Symbol, decimal Price);

        namespace Microsoft.EntityFrameworkCore
        {
            public class DbContext
            {
                public virtual Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
            }
        }

        public sealed class PriceContext : Microsoft.EntityFrameworkCore.DbContext { }

        """;

    private static readonly GeneratedContract[] Generated = [GeneratedContract.Event("PriceTicked"), GeneratedContract.Event("PriceFixed")];

    [Fact]
    public async Task A_handler_of_an_at_most_once_contract_that_writes_to_a_database_gets_an_info_at_its_first_write()
    {
        const string source = Contracts + """
            public sealed class RecordTicks(System.Data.Common.DbConnection connection, PriceContext db) : IMessageHandler<PriceTicked>, IMessageHandler<PriceFixed>
            {
                public async Task HandleAsync(PriceTicked message, MessageContext context, CancellationToken cancellationToken)
                {
                    using var insert = connection.CreateCommand();
                    insert.CommandText = "insert into ticks values (@s, @p)";
                    await {|#0:insert.ExecuteNonQueryAsync(cancellationToken)|};
                    await db.SaveChangesAsync(cancellationToken); // one report per method
                }

                // At least once: MC0028 is not about it (MC0002 is).
                public Task HandleAsync(PriceFixed message, MessageContext context, CancellationToken cancellationToken) =>
                    db.SaveChangesAsync(cancellationToken);
            }

            public sealed class ExplicitTicks(PriceContext db) : IMessageHandler<PriceTicked>
            {
                Task IMessageHandler<PriceTicked>.HandleAsync(PriceTicked message, MessageContext context, CancellationToken cancellationToken) =>
                    {|#1:db.SaveChangesAsync(cancellationToken)|};
            }
            """;

        await Verify.VerifyAsync(
            source,
            Generated,
            Verify.Diagnostic(DiagnosticDescriptors.AtMostOnceHandlerWritesToDatabase).WithLocation(0).WithArguments("RecordTicks", "PriceTicked", "DbCommand.ExecuteNonQueryAsync"),
            Verify.Diagnostic(DiagnosticDescriptors.AtMostOnceHandlerWritesToDatabase).WithLocation(1).WithArguments("ExplicitTicks", "PriceTicked", "DbContext.SaveChangesAsync"));
    }

    [Fact]
    public async Task A_handler_of_an_at_most_once_contract_that_only_reads_or_keeps_state_in_memory_is_fine()
    {
        const string source = Contracts + """
            public sealed class ShowTicks(System.Data.Common.DbConnection connection) : IMessageHandler<PriceTicked>
            {
                public decimal Last { get; private set; }

                public async Task HandleAsync(PriceTicked message, MessageContext context, CancellationToken cancellationToken)
                {
                    using var select = connection.CreateCommand();
                    select.CommandText = "select name from symbols where id = @s";
                    await select.ExecuteScalarAsync(cancellationToken);
                    Last = message.Price;
                }

                // Not the handler method: a write elsewhere in the class is not the handler's.
                public Task SaveAsync(PriceContext db) => db.SaveChangesAsync();
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }
}
