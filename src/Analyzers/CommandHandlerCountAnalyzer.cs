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
    /// MC0001: a <c>[Command]</c> has more than one handler in the compilation, or handlers in more than one of this
    /// compilation and its referenced assemblies (read from the generator's <c>[assembly: HandlesMessage]</c>). Every
    /// handler in this compilation is reported, each naming the others, because any one of them may be the one to keep.
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

            context.RegisterCompilationEndAction(endContext => ReportDuplicates(endContext, known, handlers));
        }

        private static void ReportDuplicates(CompilationAnalysisContext context, KnownTypes known, ConcurrentBag<CommandHandler> handlers)
        {
            List<ReferencedCommandHandler> referenced = ReferencedCommandHandlers.Read(context.Compilation, known, context.CancellationToken);

            // Most commands have one handler: group the symbols first, and build names and locations (the costly part
            // with a thousand handlers) only for the commands that may be reported.
            var local = new Dictionary<ITypeSymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
            foreach (CommandHandler pair in handlers)
            {
                if (!local.TryGetValue(pair.Command, out List<INamedTypeSymbol>? list))
                {
                    list = new List<INamedTypeSymbol>(1);
                    local.Add(pair.Command, list);
                }

                list.Add(pair.Handler);
            }

            var referencedCommands = new HashSet<ITypeSymbol>(referenced.Select(handler => (ITypeSymbol)handler.Command), SymbolEqualityComparer.Default);
            var entries = local
                .Where(command => command.Value.Count > 1 || referencedCommands.Contains(command.Key))
                .SelectMany(command => command.Value.Select(handler => new Entry(command.Key, handler.ToDisplayString(), assembly: null, Handlers.GetLocation(handler))))
                .Concat(referenced.Select(handler => new Entry(handler.Command, handler.Handler.ToDisplayString(), handler.Assembly.Name, location: null)));

            IEnumerable<IGrouping<ITypeSymbol, Entry>> byCommand = entries
                .GroupBy<Entry, ITypeSymbol>(entry => entry.Command, SymbolEqualityComparer.Default)
                .OrderBy(group => group.Key.ToDisplayString(), StringComparer.Ordinal);

            foreach (IGrouping<ITypeSymbol, Entry> group in byCommand)
            {
                context.CancellationToken.ThrowIfCancellationRequested();

                List<Entry> ordered = group
                    .GroupBy(entry => entry.Display, StringComparer.Ordinal) // one handler, recorded twice, is one handler
                    .Select(same => same.First())
                    .OrderBy(entry => entry.Location is null ? 1 : 0)
                    .ThenBy(entry => entry.Display, StringComparer.Ordinal)
                    .ToList();
                if (!HandledInMoreThanOnePlace(ordered))
                {
                    continue;
                }

                string commandName = group.Key.ToDisplayString();
                foreach (Entry entry in ordered)
                {
                    // Handlers in referenced assemblies have no place to report in this project. When none is here (an
                    // application that references two handling libraries), the project gets one report without a place.
                    bool reportHere = entry.Location is not null || ReferenceEquals(entry, ordered[0]);
                    if (!reportHere)
                    {
                        continue;
                    }

                    string others = string.Join(", ", ordered.Where(other => !ReferenceEquals(other, entry)).Select(other => other.Display));
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.CommandHasMultipleHandlers,
                        entry.Location ?? Location.None,
                        entry.Name,
                        commandName,
                        others));
                }
            }
        }

        /// <summary>
        /// Two handlers in this compilation, or handlers in two places (this compilation and referenced assemblies).
        /// Two handlers inside one referenced assembly are that project's own MC0001, not reported again here.
        /// </summary>
        private static bool HandledInMoreThanOnePlace(List<Entry> handlers)
        {
            int local = handlers.Count(entry => entry.Assembly is null);
            int places = (local > 0 ? 1 : 0) + handlers.Where(entry => entry.Assembly is not null).Select(entry => entry.Assembly).Distinct(StringComparer.Ordinal).Count();
            return local > 1 || places > 1;
        }

        /// <summary>A handler of a command, in this compilation (with a location) or in a referenced assembly.</summary>
        private sealed class Entry
        {
            public Entry(ITypeSymbol command, string name, string? assembly, Location? location)
            {
                Command = command;
                Name = name;
                Assembly = assembly;
                Location = location;
            }

            public ITypeSymbol Command { get; }

            public string Name { get; }

            public string? Assembly { get; }

            public Location? Location { get; }

            /// <summary>How the other handlers are listed in a message: referenced ones with their assembly.</summary>
            public string Display => Assembly is null ? "'" + Name + "'" : "'" + Name + "' (in " + Assembly + ")";
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
