using System.Collections.Immutable;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0027: a <c>[Command]</c> declared <c>Delivery = Delivery.AtMostOnce</c>. A command must not vanish, so only
    /// events may accept loss. Reported at the <c>Delivery</c> argument.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LossyCommandAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.CommandAcceptsLoss);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    foreach (AttributeData attribute in type.GetAttributes())
                    {
                        if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.CommandAttribute)
                            && ContractDeliveries.Of(attribute) == ContractDelivery.AtMostOnce)
                        {
                            symbolContext.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.CommandAcceptsLoss,
                                DeliveryArgumentLocation(attribute, symbolContext.CancellationToken) ?? Handlers.GetLocation(type),
                                type.Name));
                        }
                    }
                },
                SymbolKind.NamedType);
        }

        private static Location? DeliveryArgumentLocation(AttributeData attribute, System.Threading.CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList: { } arguments })
            {
                return null;
            }

            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == ContractDeliveries.DeliveryArgument)
                {
                    return argument.GetLocation();
                }
            }

            return null;
        }
    }
}
