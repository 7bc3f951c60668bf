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
    /// MC0020: an event and a command mapped to one topic (by <c>Topic = "..."</c> or by default topic names that
    /// coincide). Two events, or two commands, on one topic are a legitimate design and are not reported. The
    /// contracts compared are the same as MC0016's: declared here, or referenced and handled here.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TopicKindConflictAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.TopicHasEventsAndCommands);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            var uses = new ConcurrentBag<ContractUse>();
            ContractUses.Register(context, known, uses);
            context.RegisterCompilationEndAction(endContext => Report(endContext, uses));
        }

        private static void Report(CompilationAnalysisContext context, ConcurrentBag<ContractUse> uses)
        {
            var contracts = uses
                .GroupBy<ContractUse, INamedTypeSymbol>(use => use.Contract, SymbolEqualityComparer.Default)
                .Select(group => new TopicContract(group.Key, ContractShape.GetKindAndTopic(group.Key), ContractUses.GetLocation(group, context.Compilation)))
                .Where(contract => !contract.HasBothKinds && MessageNaming.IsValidTopic(contract.Topic)) // MC0006 and MC0010 report those
                .GroupBy(contract => contract.Topic, StringComparer.Ordinal)
                .OrderBy(group => group.Key, StringComparer.Ordinal);

            foreach (IGrouping<string, TopicContract> topic in contracts)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                List<TopicContract> onTopic = topic.OrderBy(contract => contract.Name, StringComparer.Ordinal).ToList();
                if (onTopic.Select(contract => contract.Kind).Distinct().Count() < 2)
                {
                    continue;
                }

                foreach (TopicContract contract in onTopic)
                {
                    string others = string.Join(", ", onTopic
                        .Where(other => other.Kind != contract.Kind)
                        .Select(other => KindName(other.Kind).ToLowerInvariant() + " '" + other.Name + "'"));
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.TopicHasEventsAndCommands,
                        contract.Location,
                        contract.Name,
                        KindName(contract.Kind),
                        topic.Key,
                        others));
                }
            }
        }

        private static string KindName(ContractKind kind) => kind == ContractKind.Command ? "Command" : "Event";

        private sealed class TopicContract
        {
            public TopicContract(INamedTypeSymbol contract, (ContractKind Kind, string Topic, bool HasBoth) kindAndTopic, Location location)
            {
                Name = contract.ToDisplayString();
                Kind = kindAndTopic.Kind;
                Topic = kindAndTopic.Topic;
                HasBothKinds = kindAndTopic.HasBoth;
                Location = location;
            }

            public string Name { get; }

            public ContractKind Kind { get; }

            public string Topic { get; }

            public bool HasBothKinds { get; }

            public Location Location { get; }
        }
    }
}
