using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0001: a <c>[Command]</c> has more than one handler in the compilation. Every handler of such a command is
    /// reported, each naming the others, because any one of them may be the one to keep.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CommandHandlerCountAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.CommandHasMultipleHandlers);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            // Symbol actions run concurrently; the pairs are sorted before anything is reported.
            var handlers = new ConcurrentBag<CommandHandler>();

            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (!Handlers.IsConcreteHandlerClass(type))
                    {
                        return;
                    }

                    foreach (ITypeSymbol messageType in Handlers.GetHandledMessageTypes(type, known.MessageHandler))
                    {
                        if ((known.GetContractKinds(messageType) & ContractKinds.Command) != 0)
                        {
                            handlers.Add(new CommandHandler(messageType, type));
                        }
                    }
                },
                SymbolKind.NamedType);

            context.RegisterCompilationEndAction(endContext => ReportDuplicates(endContext, handlers));
        }

        private static void ReportDuplicates(CompilationAnalysisContext context, ConcurrentBag<CommandHandler> handlers)
        {
            IEnumerable<IGrouping<ITypeSymbol, CommandHandler>> byCommand = handlers
                .GroupBy<CommandHandler, ITypeSymbol>(pair => pair.Command, SymbolEqualityComparer.Default)
                .Where(group => group.Count() > 1)
                .OrderBy(group => group.Key.ToDisplayString(), StringComparer.Ordinal);

            foreach (IGrouping<ITypeSymbol, CommandHandler> group in byCommand)
            {
                context.CancellationToken.ThrowIfCancellationRequested();

                string commandName = group.Key.ToDisplayString();
                List<(INamedTypeSymbol Symbol, string Name)> ordered = group
                    .Select(pair => (Symbol: pair.Handler, Name: pair.Handler.ToDisplayString()))
                    .OrderBy(handler => handler.Name, StringComparer.Ordinal)
                    .ToList();

                foreach ((INamedTypeSymbol symbol, string name) in ordered)
                {
                    string others = string.Join(", ", ordered.Where(other => !string.Equals(other.Name, name, StringComparison.Ordinal)).Select(other => "'" + other.Name + "'"));
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.CommandHasMultipleHandlers,
                        Handlers.GetLocation(symbol),
                        name,
                        commandName,
                        others));
                }
            }
        }

        private sealed class CommandHandler
        {
            public CommandHandler(ITypeSymbol command, INamedTypeSymbol handler)
            {
                Command = command;
                Handler = handler;
            }

            public ITypeSymbol Command { get; }

            public INamedTypeSymbol Handler { get; }
        }
    }
}
