using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0023: a contract declared in this compilation has no <c>[PartitionKey]</c>, and this compilation handles it
    /// (a handler class) or publishes or sends it (a <c>PublishAsync</c>/<c>SendAsync</c> call). That is what "needs
    /// ordering" means here, conservatively: the code can tell that messages flow, not whether their order matters,
    /// so this is a suggestion, reported once per contract at its declaration. Contracts with shape problems are
    /// left to MC0003 to MC0015.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PartitionKeySuggestionAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.PartitionKeyMissing);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            if (known.PartitionKeyAttribute is null)
            {
                return;
            }

            IAssemblySymbol assembly = context.Compilation.Assembly;

            // Contract -> how it is used ("handled" wins over "published"); filled concurrently, read at the end.
            var used = new ConcurrentDictionary<INamedTypeSymbol, string>(SymbolEqualityComparer.Default);
            void Use(ITypeSymbol messageType, string how)
            {
                if (messageType is INamedTypeSymbol contract
                    && SymbolEqualityComparer.Default.Equals(contract.ContainingAssembly, assembly)
                    && known.GetContractKinds(contract) != ContractKinds.None)
                {
                    used.AddOrUpdate(contract, how, (_, existing) => existing == "handled" ? existing : how);
                }
            }

            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (Handlers.IsConcreteHandlerClass(type))
                    {
                        foreach (ITypeSymbol messageType in Handlers.GetHandledMessageTypes(type, known.MessageHandler))
                        {
                            Use(messageType, "handled");
                        }
                    }
                },
                SymbolKind.NamedType);

            context.RegisterOperationAction(
                operationContext =>
                {
                    var invocation = (IInvocationOperation)operationContext.Operation;
                    if (ProducerCalls.GetMessageType(invocation.TargetMethod, known) is { } messageType)
                    {
                        Use(messageType, invocation.TargetMethod.Name == "SendAsync" ? "sent" : "published");
                    }
                },
                OperationKind.Invocation);

            context.RegisterCompilationEndAction(endContext =>
            {
                foreach (var pair in used.OrderBy(entry => entry.Key.ToDisplayString(), System.StringComparer.Ordinal))
                {
                    endContext.CancellationToken.ThrowIfCancellationRequested();
                    ContractShape shape = ContractShape.Analyze(pair.Key, endContext.CancellationToken);
                    if (!shape.IsValid || shape.PartitionKey is not null)
                    {
                        continue;
                    }

                    endContext.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.PartitionKeyMissing,
                        Handlers.GetLocation(pair.Key),
                        pair.Key.ToDisplayString(),
                        pair.Value));
                }
            });
        }
    }
}
