using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>Small questions about type symbols that several analyzers ask.</summary>
    internal static class TypeSymbols
    {
        /// <summary>
        /// Whether the type is, or is built from, a type the compiler could not resolve. The compiler already reports
        /// those; a second diagnostic about the same broken type would only be noise.
        /// </summary>
        public static bool ContainsErrorType(ITypeSymbol type)
        {
            switch (type)
            {
                case IArrayTypeSymbol array:
                    return ContainsErrorType(array.ElementType);
                case IPointerTypeSymbol pointer:
                    return ContainsErrorType(pointer.PointedAtType);
                case INamedTypeSymbol named when named.TypeKind != TypeKind.Error:
                    foreach (ITypeSymbol argument in named.TypeArguments)
                    {
                        if (ContainsErrorType(argument))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return type.TypeKind == TypeKind.Error;
            }
        }
    }
}
