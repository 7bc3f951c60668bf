using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0016: two contracts with one message type (<c>ce_type</c>). The contracts compared are those declared in the
    /// compilation and those from referenced assemblies that a handler in the compilation handles: exactly the set
    /// the generated dispatch switch is built from, which leaves out every message type it sees twice.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MessageTypeCollisionAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.DuplicateMessageType);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            // Symbol actions run concurrently; everything is sorted before anything is reported.
            var contracts = new ConcurrentBag<ContractUse>();
            ContractUses.Register(context, known, contracts);
            context.RegisterCompilationEndAction(endContext => Report(endContext, contracts));
        }

        private static void Report(CompilationAnalysisContext context, ConcurrentBag<ContractUse> uses)
        {
            IEnumerable<IGrouping<string, ContractUse>> byMessageType = uses
                .Where(use => MessageNaming.IsValidMessageType(use.MessageType)) // an unusable one is MC0015
                .GroupBy(use => use.MessageType, StringComparer.Ordinal)
                .OrderBy(group => group.Key, StringComparer.Ordinal);

            foreach (IGrouping<string, ContractUse> group in byMessageType)
            {
                context.CancellationToken.ThrowIfCancellationRequested();

                // One entry per contract: where to report it (its declaration, or the first handler of a referenced one).
                List<(string Name, Location Location)> contracts = group
                    .GroupBy<ContractUse, INamedTypeSymbol>(use => use.Contract, SymbolEqualityComparer.Default)
                    .Select(uses => (Name: uses.Key.ToDisplayString(), Location: ContractUses.GetLocation(uses, context.Compilation)))
                    .OrderBy(contract => contract.Name, StringComparer.Ordinal)
                    .ToList();
                if (contracts.Count < 2)
                {
                    continue;
                }

                foreach ((string name, Location location) in contracts)
                {
                    string others = string.Join(", ", contracts.Where(other => !string.Equals(other.Name, name, StringComparison.Ordinal)).Select(other => "'" + other.Name + "'"));
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateMessageType, location, name, group.Key, others));
                }
            }
        }
    }
}
