using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// What counts as a message handler: the one definition MC0001, MC0002 and MC0007 share.
    /// </summary>
    internal static class Handlers
    {
        /// <summary>
        /// A handler is a class the host can create: not abstract, not static and not an open generic (neither
        /// the class nor a type containing it has type parameters). Abstract and open generic classes are base
        /// classes; the classes that derive from or close them are the handlers.
        /// </summary>
        public static bool IsConcreteHandlerClass(INamedTypeSymbol type)
        {
            if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic || type.IsImplicitlyDeclared)
            {
                return false;
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.TypeParameters.Length > 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The message types of every <c>IMessageHandler&lt;T&gt;</c> the type implements, directly, through its
        /// base classes (generic ones included: <c>Base&lt;T&gt; : IMessageHandler&lt;T&gt;</c> closed as
        /// <c>Base&lt;GrantPoints&gt;</c>) or through other interfaces. Type parameters are left out.
        /// </summary>
        public static List<ITypeSymbol> GetHandledMessageTypes(INamedTypeSymbol type, INamedTypeSymbol messageHandler)
        {
            var messageTypes = new List<ITypeSymbol>();
            foreach (INamedTypeSymbol @interface in type.AllInterfaces)
            {
                if (@interface.TypeArguments.Length == 1
                    && SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, messageHandler)
                    && @interface.TypeArguments[0].TypeKind != TypeKind.TypeParameter)
                {
                    messageTypes.Add(@interface.TypeArguments[0]);
                }
            }

            return messageTypes;
        }

        /// <summary>Where a diagnostic about a type goes: the name in its first declaration.</summary>
        public static Location GetLocation(INamedTypeSymbol type)
            => type.Locations.Length > 0 ? type.Locations[0] : Location.None;
    }
}
