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
    public void MC0019_is_a_warning_so_dotnet_build_shows_it()
    {
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, DiagnosticDescriptors.DualWrite.DefaultSeverity);
    }

    [Fact]
    public async Task Writing_and_enqueueing_in_the_outbox_in_one_transaction_is_not_reported()
    {
        const string source = Contracts + """
            public sealed class Orders(IOutbox outbox, System.Data.Common.DbConnection connection)
            {
                public async Task PlaceAsync(Guid id, CancellationToken ct)
                {
                    await using var transaction = await connection.BeginTransactionAsync(ct);
                    await using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = "insert into orders values (@id)";
                    await insert.ExecuteNonQueryAsync(ct);
                    await outbox.EnqueueAsync(new OrderPlaced(id), transaction, ct);
                    await transaction.CommitAsync(ct);
                }
            }
            """;

        await Verify.VerifyAsync(source, Generated);
    }

    [Fact]
    public async Task Reading_with_ExecuteReader_or_ExecuteScalar_then_publishing_is_not_reported_but_a_write_through_them_is()
    {
        string source = "using System.Collections.Generic;\nusing Dapper;\n" + Contracts + DataLibraries.Replace(
            "public static int Execute(",
            "public static T? ExecuteScalar<T>(this System.Data.IDbConnection connection, string sql, object? param = null) => default;\n        public static int Execute(",
            StringComparison.Ordinal) + """
            public sealed class Orders(IEventPublisher<OrderPlaced> events, System.Data.Common.DbConnection connection)
            {
                public async Task CheckThenPublishAsync(Guid id, CancellationToken ct)
                {
                    using var query = connection.CreateCommand();
                    query.CommandText = "select count(*) from orders where id = @id and updated_at is not null";
                    var count = await query.ExecuteScalarAsync(ct);
                    using var reader = await query.ExecuteReaderAsync(ct);
                    var deleted = connection.ExecuteScalar<int>("select deleted_count from stats");
                    await events.PublishAsync(new OrderPlaced(id), ct);
                }

                public async Task UnknownSqlThenPublishAsync(System.Data.Common.DbCommand command, Guid id, CancellationToken ct)
                {
                    await command.ExecuteScalarAsync(ct); // the SQL is not visible here: not held against the method
                    await events.PublishAsync(new OrderPlaced(id), ct);
                }

                public async Task InsertReturningThenPublishAsync(Guid id, CancellationToken ct)
                {
                    using var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO orders (id) VALUES (@id) RETURNING created_at";
                    await insert.ExecuteScalarAsync(ct);
                    await {|#0:events.PublishAsync(new OrderPlaced(id), ct)|};
                }

                public async Task DapperInsertThenPublishAsync(Guid id)
                {
                    connection.ExecuteScalar<long>("insert into orders (id) values (@id) returning seq", new { id });
                    await {|#1:events.PublishAsync(new OrderPlaced(id))|};
                }
            }
            """;

        await Verify.VerifyAsync(
            source,
            Generated,
            Verify.Diagnostic(DiagnosticDescriptors.DualWrite).WithLocation(0).WithArguments("InsertReturningThenPublishAsync", "DbCommand.ExecuteScalarAsync", "IEventPublisher.PublishAsync"),
            Verify.Diagnostic(DiagnosticDescriptors.DualWrite).WithLocation(1).WithArguments("DapperInsertThenPublishAsync", "SqlMapper.ExecuteScalar", "IEventPublisher.PublishAsync"));
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

    [Fact]
    public async Task Publishing_an_at_most_once_contract_after_a_write_is_not_a_dual_write()
    {
        // Its loss is accepted, and the outbox is not for it (MC0029): suggesting the outbox would be wrong.
        const string source = "using System.Collections.Generic;\nusing Dapper;\n" + Contracts + DataLibraries + """
            [Event(Delivery = Delivery.AtMostOnce)]
            public sealed partial record OrderViewed(Guid OrderId);

            public sealed class Orders(IEventPublisher<OrderViewed> views, ShopContext db)
            {
                public async Task ViewAsync(Guid id, CancellationToken ct)
                {
                    await db.SaveChangesAsync(ct);
                    await views.PublishAsync(new OrderViewed(id), ct);
                }
            }
            """;

        await Verify.VerifyAsync(source, [.. Generated, GeneratedContract.Event("OrderViewed")]);
    }
}
