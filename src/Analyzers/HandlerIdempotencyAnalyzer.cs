using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0002: a message handler class is not marked <c>[Idempotent]</c>. The attribute is not inherited, so the
    /// concrete handler class itself must carry it. A handler of at-most-once contracts only is left alone: such a
    /// message is never delivered twice, so there is no second run to make harmless.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class HandlerIdempotencyAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.HandlerNotIdempotent);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            if (known.IdempotentAttribute is null)
            {
                return;
            }

            INamedTypeSymbol idempotent = known.IdempotentAttribute;
            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (!Handlers.IsConcreteHandlerClass(type) || KnownTypes.HasAttribute(type, idempotent))
                    {
                        return;
                    }

                    var handled = Handlers.GetHandledMessageTypes(type, known.MessageHandler);
                    if (handled.Count == 0 || handled.TrueForAll(AtMostOnceContracts.AcceptsLoss))
                    {
                        return;
                    }

                    symbolContext.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.HandlerNotIdempotent,
                        Handlers.GetLocation(type),
                        type.ToDisplayString()));
                },
                SymbolKind.NamedType);
        }
    }
}
