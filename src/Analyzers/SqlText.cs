using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// The SQL text a database call runs, when the method shows it as a constant: Dapper's <c>sql</c> argument, or the
    /// <c>CommandText</c> assigned to (or passed to the constructor of) the command the call runs, in the same method.
    /// </summary>
    internal static class SqlText
    {
        private static readonly string[] WriteKeywords = { "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "CREATE", "ALTER", "DROP", "TRUNCATE", "CALL", "EXEC", "EXECUTE", "COPY", "GRANT", "REVOKE" };

        /// <summary>The constant SQL of <paramref name="invocation"/>, or <see langword="null"/> when the method does not show it.</summary>
        public static string? Of(IInvocationOperation invocation)
        {
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name is "sql" or "commandText" && argument.Value.ConstantValue is { HasValue: true, Value: string dapperSql })
                {
                    return dapperSql;
                }
            }

            ISymbol? command = ReferencedSymbol(invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null));
            if (command is null)
            {
                return null;
            }

            IOperation root = invocation;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            string? text = null;
            foreach (IOperation operation in root.Descendants())
            {
                if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "CommandText" } target } assignment
                    && SymbolEqualityComparer.Default.Equals(ReferencedSymbol(target.Instance), command)
                    && assignment.Value.ConstantValue is { HasValue: true, Value: string assigned })
                {
                    text = assigned;
                }
                else if (operation is IVariableDeclaratorOperation declarator
                    && SymbolEqualityComparer.Default.Equals(declarator.Symbol, command)
                    && declarator.Initializer?.Value is { } initializer
                    && Unwrap(initializer) is IObjectCreationOperation creation
                    && creation.Arguments.Length > 0
                    && creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string constructed })
                {
                    text = constructed;
                }
            }

            return text;
        }

        /// <summary>Whether <paramref name="sql"/> has a statement that changes data or schema (not only SELECT/WITH ... SELECT).</summary>
        public static bool Writes(string sql)
        {
            foreach (string keyword in WriteKeywords)
            {
                int index = 0;
                while ((index = sql.IndexOf(keyword, index, StringComparison.OrdinalIgnoreCase)) >= 0)
                {
                    bool startsWord = index == 0 || !char.IsLetterOrDigit(sql[index - 1]) && sql[index - 1] != '_';
                    int end = index + keyword.Length;
                    bool endsWord = end == sql.Length || !char.IsLetterOrDigit(sql[end]) && sql[end] != '_';
                    if (startsWord && endsWord)
                    {
                        return true;
                    }

                    index = end;
                }
            }

            return false;
        }

        private static IOperation Unwrap(IOperation operation) =>
            operation is IConversionOperation conversion ? Unwrap(conversion.Operand) : operation;

        private static ISymbol? ReferencedSymbol(IOperation? operation) => operation is null ? null : Unwrap(operation) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
    }
}
