using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0029: <c>IOutbox.EnqueueAsync</c> with an at-most-once contract. The outbox makes delivery certain once the
    /// transaction commits; an at-most-once contract travels where nothing is stored, so the two contradict each other.
    /// Calls through the interface and through a class implementing it are both seen.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AtMostOnceOutboxAnalyzer : MessageContractsAnalyzer
    {
        private const string EnqueueMethod = "EnqueueAsync";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.AtMostOnceThroughOutbox);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            if (known.Outbox is not { } outbox)
            {
                return;
            }

            context.RegisterOperationAction(
                operationContext =>
                {
                    var invocation = (IInvocationOperation)operationContext.Operation;
                    IMethodSymbol method = invocation.TargetMethod;
                    if (method.Name != EnqueueMethod
                        || method.TypeArguments.Length != 1
                        || !IsOutbox(method.ContainingType, outbox)
                        || !AtMostOnceContracts.AcceptsLoss(method.TypeArguments[0]))
                    {
                        return;
                    }

                    operationContext.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.AtMostOnceThroughOutbox,
                        invocation.Syntax.GetLocation(),
                        method.TypeArguments[0].Name));
                },
                OperationKind.Invocation);
        }

        private static bool IsOutbox(INamedTypeSymbol type, INamedTypeSymbol outbox)
        {
            if (SymbolEqualityComparer.Default.Equals(type, outbox))
            {
                return true;
            }

            foreach (INamedTypeSymbol @interface in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(@interface, outbox))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
