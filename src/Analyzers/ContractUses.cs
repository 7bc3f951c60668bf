using System;
using System.Collections.Concurrent;
using System.Linq;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>A contract declared here (<see cref="Handler"/> is null) or a referenced one that <see cref="Handler"/> handles.</summary>
    internal sealed class ContractUse
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

    /// <summary>
    /// The contracts a compilation's consumers can see, for the rules that compare contracts with each other (MC0016,
    /// MC0020): those declared in the compilation and those from referenced assemblies that a handler here handles.
    /// </summary>
    internal static class ContractUses
    {
        /// <summary>Collects into <paramref name="uses"/> as symbol actions run (concurrently).</summary>
        public static void Register(CompilationStartAnalysisContext context, KnownTypes known, ConcurrentBag<ContractUse> uses)
        {
            IAssemblySymbol assembly = context.Compilation.Assembly;
            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (type.TypeKind is TypeKind.Class or TypeKind.Struct && known.GetContractKinds(type) != ContractKinds.None)
                    {
                        uses.Add(new ContractUse(type, MessageNaming.GetMessageType(type), handler: null));
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
                            uses.Add(new ContractUse(message, MessageNaming.GetMessageType(message), type));
                        }
                    }
                },
                SymbolKind.NamedType);
        }

        /// <summary>Where to report a contract: its declaration in this compilation, else the first handler of a referenced one.</summary>
        public static Location GetLocation(IGrouping<INamedTypeSymbol, ContractUse> uses, Compilation compilation)
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
    }
}
