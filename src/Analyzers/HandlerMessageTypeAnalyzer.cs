using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0007: a class implements <c>IMessageHandler&lt;T&gt;</c> for a <c>T</c> that is not marked <c>[Event]</c> or
    /// <c>[Command]</c>. The compiler also reports CS0315 there (the type constraint is not met), which says what is
    /// wrong with the generic constraint but not what to change in the message type.
    /// </summary>
    /// <remarks>
    /// The report goes on the class where <c>T</c> becomes a concrete type: <c>class H : IMessageHandler&lt;Foo&gt;</c>,
    /// or <c>class H : Base&lt;Foo&gt;</c> for a generic base class. A class that inherits the interface from a base
    /// class which already names <c>Foo</c> is not reported again. Types the compiler could not resolve are left to
    /// the compiler's own error.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class HandlerMessageTypeAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.HandledTypeNotContract);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            context.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known), SymbolKind.NamedType);
        }

        private static void AnalyzeType(SymbolAnalysisContext context, KnownTypes known)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct)
            {
                return;
            }

            foreach (ITypeSymbol messageType in Handlers.GetHandledMessageTypes(type, known.MessageHandler))
            {
                if (TypeSymbols.ContainsErrorType(messageType)
                    || known.GetContractKinds(messageType) != ContractKinds.None
                    || InheritedFromBaseClass(type, messageType, known.MessageHandler))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.HandledTypeNotContract,
                    Handlers.GetLocation(type),
                    type.ToDisplayString(),
                    messageType.ToDisplayString()));
            }
        }

        /// <summary>
        /// Whether the base class, as declared (before its type arguments are filled in), already handles
        /// <paramref name="messageType"/>: then the base class is where the report belongs.
        /// </summary>
        private static bool InheritedFromBaseClass(INamedTypeSymbol type, ITypeSymbol messageType, INamedTypeSymbol messageHandler)
        {
            INamedTypeSymbol? baseType = type.BaseType?.OriginalDefinition;
            if (baseType is null)
            {
                return false;
            }

            foreach (ITypeSymbol inherited in Handlers.GetHandledMessageTypes(baseType, messageHandler))
            {
                if (SymbolEqualityComparer.Default.Equals(inherited, messageType))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
