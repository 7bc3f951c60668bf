using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>A handler of a command found in a referenced assembly's metadata rather than in source.</summary>
    internal sealed class ReferencedCommandHandler
    {
        public ReferencedCommandHandler(INamedTypeSymbol command, ITypeSymbol handler, IAssemblySymbol assembly)
        {
            Command = command;
            Handler = handler;
            Assembly = assembly;
        }

        public INamedTypeSymbol Command { get; }

        public ITypeSymbol Handler { get; }

        public IAssemblySymbol Assembly { get; }
    }

    /// <summary>
    /// Reads the <c>[assembly: HandlesMessage(command, handler)]</c> attributes the generator writes into every
    /// assembly with command handlers, so MC0001 sees a command handled in two referenced projects.
    /// </summary>
    internal static class ReferencedCommandHandlers
    {
        public static List<ReferencedCommandHandler> Read(Compilation compilation, KnownTypes known, CancellationToken cancellationToken)
        {
            var handlers = new List<ReferencedCommandHandler>();
            INamedTypeSymbol? attributeType = known.HandlesMessageAttribute;
            if (attributeType is null)
            {
                return handlers;
            }

            IAssemblySymbol runtime = attributeType.ContainingAssembly;
            foreach (IAssemblySymbol assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Only an assembly built against the runtime can carry the attribute; skipping the others (the whole
                // framework) keeps this cheap.
                if (!ReferencesAssembly(assembly, runtime))
                {
                    continue;
                }

                foreach (AttributeData attribute in assembly.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType)
                        && attribute.ConstructorArguments.Length == 2
                        && attribute.ConstructorArguments[0].Value is INamedTypeSymbol command
                        && attribute.ConstructorArguments[1].Value is ITypeSymbol handler
                        && (known.GetContractKinds(command) & ContractKinds.Command) != 0)
                    {
                        handlers.Add(new ReferencedCommandHandler(command, handler, assembly));
                    }
                }
            }

            return handlers;
        }

        private static bool ReferencesAssembly(IAssemblySymbol assembly, IAssemblySymbol runtime)
        {
            foreach (IModuleSymbol module in assembly.Modules)
            {
                foreach (AssemblyIdentity identity in module.ReferencedAssemblies)
                {
                    if (identity.Name == runtime.Identity.Name)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
