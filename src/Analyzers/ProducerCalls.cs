using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// What counts as publishing or sending: a call of <c>IEventPublisher&lt;T&gt;.PublishAsync</c> or
    /// <c>ICommandSender&lt;T&gt;.SendAsync</c> (any overload), through the interface or a class implementing it.
    /// Shared by MC0018, MC0019 and MC0023.
    /// </summary>
    internal static class ProducerCalls
    {
        /// <summary>The message type published or sent by <paramref name="method"/>, or <see langword="null"/> when it is not a producer call.</summary>
        public static ITypeSymbol? GetMessageType(IMethodSymbol method, KnownTypes known)
        {
            if (method.Name != "PublishAsync" && method.Name != "SendAsync")
            {
                return null;
            }

            INamedTypeSymbol? producer = FindProducerInterface(method, known);
            return producer is { TypeArguments.Length: 1 } ? producer.TypeArguments[0] : null;
        }

        private static INamedTypeSymbol? FindProducerInterface(IMethodSymbol method, KnownTypes known)
        {
            INamedTypeSymbol containing = method.ContainingType;
            if (IsProducer(containing, known))
            {
                return containing;
            }

            foreach (INamedTypeSymbol @interface in containing.AllInterfaces)
            {
                if (!IsProducer(@interface, known))
                {
                    continue;
                }

                foreach (ISymbol member in @interface.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(containing.FindImplementationForInterfaceMember(member), method.OriginalDefinition)
                        || SymbolEqualityComparer.Default.Equals(containing.FindImplementationForInterfaceMember(member), method))
                    {
                        return @interface;
                    }
                }
            }

            return null;
        }

        private static bool IsProducer(INamedTypeSymbol type, KnownTypes known)
        {
            INamedTypeSymbol definition = type.OriginalDefinition;
            return SymbolEqualityComparer.Default.Equals(definition, known.EventPublisher)
                || SymbolEqualityComparer.Default.Equals(definition, known.CommandSender);
        }
    }
}
