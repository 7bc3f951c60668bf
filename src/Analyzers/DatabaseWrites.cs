using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// The database calls MC0019 recognises, matched by symbol: ADO.NET <c>DbCommand.Execute*</c> (and
    /// <c>IDbCommand</c>), EF Core <c>DbContext.SaveChanges*</c>, and Dapper's <c>SqlMapper.Execute*</c>. Each type is
    /// looked up once per compilation; a project that references none of them gets no MC0019 at all.
    /// <c>ExecuteReader*</c> and <c>ExecuteScalar*</c> usually read, so they count as writes only when the SQL they run
    /// is known to write (<see cref="SqlText"/>); a statement the rule cannot see is not held against the method.
    /// </summary>
    internal sealed class DatabaseWrites
    {
        private readonly INamedTypeSymbol? dbCommand;
        private readonly INamedTypeSymbol? dbCommandInterface;
        private readonly INamedTypeSymbol? dbContext;
        private readonly INamedTypeSymbol? sqlMapper;

        private DatabaseWrites(Compilation compilation)
        {
            dbCommand = compilation.GetTypeByMetadataName("System.Data.Common.DbCommand");
            dbCommandInterface = compilation.GetTypeByMetadataName("System.Data.IDbCommand");
            dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
            sqlMapper = compilation.GetTypeByMetadataName("Dapper.SqlMapper");
        }

        private bool IsEmpty => dbCommand is null && dbCommandInterface is null && dbContext is null && sqlMapper is null;

        /// <summary>The database types of <paramref name="compilation"/>, or <see langword="null"/> when it references none.</summary>
        public static DatabaseWrites? TryCreate(Compilation compilation)
        {
            var writes = new DatabaseWrites(compilation);
            return writes.IsEmpty ? null : writes;
        }

        /// <summary>Whether <paramref name="invocation"/> writes to a database.</summary>
        public bool IsWrite(IInvocationOperation invocation)
        {
            IMethodSymbol method = invocation.TargetMethod;
            INamedTypeSymbol type = method.ContainingType;
            string name = method.Name;
            if (name.StartsWith("Execute", System.StringComparison.Ordinal))
            {
                // Dapper's Execute* are extension methods on IDbConnection; a call through reduced form names SqlMapper too.
                bool isDatabaseCall = IsSameOrDerived(type, dbCommand)
                    || SymbolEqualityComparer.Default.Equals(type, dbCommandInterface)
                    || SymbolEqualityComparer.Default.Equals(type, sqlMapper);
                if (!isDatabaseCall)
                {
                    return false;
                }

                bool mayOnlyRead = name.StartsWith("ExecuteReader", System.StringComparison.Ordinal) || name.StartsWith("ExecuteScalar", System.StringComparison.Ordinal);
                return !mayOnlyRead || SqlText.Of(invocation) is { } sql && SqlText.Writes(sql);
            }

            return name.StartsWith("SaveChanges", System.StringComparison.Ordinal) && IsSameOrDerived(type, dbContext);
        }

        private static bool IsSameOrDerived(INamedTypeSymbol? type, INamedTypeSymbol? baseType)
        {
            if (baseType is null)
            {
                return false;
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, baseType))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
