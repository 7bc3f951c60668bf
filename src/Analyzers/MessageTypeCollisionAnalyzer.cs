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
            IAssemblySymbol assembly = context.Compilation.Assembly;

            // Symbol actions run concurrently; everything is sorted before anything is reported.
            var contracts = new ConcurrentBag<ContractUse>();
            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (type.TypeKind is TypeKind.Class or TypeKind.Struct && known.GetContractKinds(type) != ContractKinds.None)
                    {
                        contracts.Add(new ContractUse(type, MessageNaming.GetMessageType(type), handler: null));
                    }

                    if (!Handlers.IsConcreteHandlerClass(type))
                    {
                        return;
                    }

                    foreach (ITypeSymbol messageType in Handlers.GetHandledMessageTypes(type, known.MessageHandler))
                    {
                        if (messageType is INamedTypeSymbol message
                            && !SymbolEqualityComparer.Default.Equals(message.ContainingAssembly, assembly)
                            && known.GetContractKinds(message) != ContractKinds.None)
                        {
                            contracts.Add(new ContractUse(message, MessageNaming.GetMessageType(message), type));
                        }
                    }
                },
                SymbolKind.NamedType);

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
                    .Select(uses => (Name: uses.Key.ToDisplayString(), Location: GetLocation(uses, context.Compilation)))
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

        private static Location GetLocation(IGrouping<INamedTypeSymbol, ContractUse> uses, Compilation compilation)
        {
            // A contract of a referenced project has source locations too, but in another compilation.
            foreach (Location location in uses.Key.Locations)
            {
                if (location.SourceTree is { } tree && compilation.ContainsSyntaxTree(tree))
                {
                    return location;
                }
            }

            INamedTypeSymbol? handler = uses
                .Select(use => use.Handler)
                .Where(candidate => candidate is not null)
                .OrderBy(candidate => candidate!.ToDisplayString(), StringComparer.Ordinal)
                .FirstOrDefault();
            return handler is null ? Location.None : Handlers.GetLocation(handler);
        }

        /// <summary>A contract declared here (<see cref="Handler"/> is null) or a referenced one that <see cref="Handler"/> handles.</summary>
        private sealed class ContractUse
        {
            public ContractUse(INamedTypeSymbol contract, string messageType, INamedTypeSymbol? handler)
            {
                Contract = contract;
                MessageType = messageType;
                Handler = handler;
            }

            public INamedTypeSymbol Contract { get; }

            public string MessageType { get; }

            public INamedTypeSymbol? Handler { get; }
        }
    }
}
