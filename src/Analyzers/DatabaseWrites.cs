using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// The database calls MC0019 recognises, matched by symbol: ADO.NET <c>DbCommand.Execute*</c> (and
    /// <c>IDbCommand</c>), EF Core <c>DbContext.SaveChanges*</c>, and Dapper's <c>SqlMapper.Execute*</c>. Each type is
    /// looked up once per compilation; a project that references none of them gets no MC0019 at all.
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

        /// <summary>Whether calling <paramref name="method"/> writes to (or runs a statement against) a database.</summary>
        public bool IsWrite(IMethodSymbol method)
        {
            INamedTypeSymbol type = method.ContainingType;
            string name = method.Name;
            if (name.StartsWith("Execute", System.StringComparison.Ordinal))
            {
                // Dapper's Execute* are extension methods on IDbConnection; a call through reduced form names SqlMapper too.
                return IsSameOrDerived(type, dbCommand)
                    || SymbolEqualityComparer.Default.Equals(type, dbCommandInterface)
                    || SymbolEqualityComparer.Default.Equals(type, sqlMapper);
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
