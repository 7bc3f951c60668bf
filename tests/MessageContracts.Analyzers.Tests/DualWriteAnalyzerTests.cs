using MessageContracts.Analyzers.Tests.Infrastructure;
using Verify = MessageContracts.Analyzers.Tests.Infrastructure.MessageContractsAnalyzerTest<MessageContracts.Analyzers.DualWriteAnalyzer>;

namespace MessageContracts.Analyzers.Tests;

public sealed class DualWriteAnalyzerTests
{
    private const string Contracts = """
        [Event]
        public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId);

        """;

    /// <summary>Stand-ins with the metadata names of EF Core's DbContext and Dapper's SqlMapper: the rule matches by name.</summary>
    private const string DataLibraries = """
        namespace Microsoft.EntityFrameworkCore
        {
            public class DbContext
            {
                public virtual int SaveChanges() => 0;
                public virtual Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
            }
        }

        namespace Dapper
        {
            public static class SqlMapper
            {
                public static int Execute(this System.Data.IDbConnection connection, string sql, object? param = null) => 0;
                public static IEnumerable<T> Query<T>(this System.Data.IDbConnection connection, string sql, object? param = null) => [];
            }
        }

        public sealed class ShopContext : Microsoft.EntityFrameworkCore.DbContext { }

        """;

    private static readonly GeneratedContract[] Generated = [GeneratedContract.Event("OrderPlaced")];

    [Fact]
    public async Task Saving_and_publishing_in_one_method_is_reported_for_ADO_NET_EF_Core_and_Dapper()
    {
        const string source = "using System.Collections.Generic;\nusing Dapper;\n" + Contracts + DataLibraries + """
            public sealed class Orders(IEventPublisher<OrderPlaced> events, ShopContext db, System.Data.Common.DbConnection connection)
            {
                public async Task PlaceWithEfAsync(Guid id, CancellationToken ct)
                {
                    await db.SaveChangesAsync(ct);
                    await {|#0:events.PublishAsync(new OrderPlaced(id), ct)|};
                    await events.PublishAsync(new OrderPlaced(id), ct); // one report per method
                }

                public async Task PlaceWithAdoAsync(Guid id, CancellationToken ct)
                {
                    await {|#1:events.PublishAsync(new OrderPlaced(id), ct)|}; // publishing first is no better
                    using var command = connection.CreateCommand();
                    command.CommandText = "insert into orders values (@id)";
                    await command.ExecuteNonQueryAsync(ct);
                }

                public async Task PlaceWithDapperAsync(Guid id)
                {
                    connection.Execute("insert into orders values (@id)", new { id });
                    await {|#2:events.PublishAsync(new OrderPlaced(id))|};
                }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Generated,
            Verify.Diagnostic(DiagnosticDescriptors.DualWrite).WithLocation(0).WithArguments("PlaceWithEfAsync", "DbContext.SaveChangesAsync", "IEventPublisher.PublishAsync"),
            Verify.Diagnostic(DiagnosticDescriptors.DualWrite).WithLocation(1).WithArguments("PlaceWithAdoAsync", "DbCommand.ExecuteNonQueryAsync", "IEventPublisher.PublishAsync"),
            Verify.Diagnostic(DiagnosticDescriptors.DualWrite).WithLocation(2).WithArguments("PlaceWithDapperAsync", "SqlMapper.Execute", "IEventPublisher.PublishAsync"));
    }

    [Fact]
    public async Task Saving_and_publishing_in_different_methods_or_only_reading_is_not_reported()
    {
        const string source = "using System.Collections.Generic;\nusing Dapper;\n" + Contracts + DataLibraries + """
            public sealed class Orders(IEventPublisher<OrderPlaced> events, ShopContext db, System.Data.Common.DbConnection connection)
            {
                public Task SaveAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

                public Task<PublishResult> AnnounceAsync(Guid id, CancellationToken ct) => events.PublishAsync(new OrderPlaced(id), ct);

                public async Task ReadThenPublishAsync(Guid id)
                {
                    List<Guid> known = connection.Query<Guid>("select id from orders").AsList();
                    await events.PublishAsync(new OrderPlaced(id));
                }
            }

            internal static class Lists
            {
                public static List<T> AsList<T>(this IEnumerable<T> items) => new(items);
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }

    [Fact]
    public async Task Without_any_database_library_nothing_is_reported()
    {
        const string source = Contracts + """
            public sealed class Orders(IEventPublisher<OrderPlaced> events)
            {
                public int SaveChanges() => 0;

                public async Task PlaceAsync(Guid id)
                {
                    SaveChanges();
                    await events.PublishAsync(new OrderPlaced(id));
                }
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }
}
