using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using MessageContracts.Generators.Emit;
using MessageContracts.Generators.Model;
using MessageContracts.Generators.Parsing;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MessageContracts.Generators
{
    /// <summary>
    /// Generates each valid <c>[Event]</c>/<c>[Command]</c> record's contract members and serializer, and one
    /// module per assembly that registers and dispatches to the assembly's message handlers. Invalid contracts
    /// and handlers are skipped here and reported by the analyzers.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class MessageContractsGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var events = context.SyntaxProvider
                .ForAttributeWithMetadataName(KnownNames.EventAttribute, static (node, _) => node is RecordDeclarationSyntax, ContractParser.Parse)
                .WithTrackingName(TrackingNames.EventContracts);
            var commands = context.SyntaxProvider
                .ForAttributeWithMetadataName(KnownNames.CommandAttribute, static (node, _) => node is RecordDeclarationSyntax, ContractParser.Parse)
                .WithTrackingName(TrackingNames.CommandContracts);

            context.RegisterSourceOutput(events, static (spc, spec) => EmitContract(spc, spec));
            context.RegisterSourceOutput(commands, static (spc, spec) => EmitContract(spc, spec));

            var allContracts = events.Collect().Combine(commands.Collect());

            // Parts and enums the whole assembly can see get one codec per compilation, whichever contracts use them.
            var sharedTypes = allContracts
                .SelectMany(static (pair, _) => CollectSharedTypes(pair.Left.Concat(pair.Right)))
                .WithTrackingName(TrackingNames.SharedTypes);
            context.RegisterSourceOutput(sharedTypes, static (spc, spec) => spc.AddSource(SharedTypeEmitter.HintName(spec), SharedTypeEmitter.Emit(spec)));

            // The contracts of this compilation a handler may name: only those the generator actually implemented.
            var validContracts = allContracts
                .Select(static (pair, _) => pair.Left.Concat(pair.Right)
                    .Where(static spec => spec is not null)
                    .Select(static spec => spec!.FullyQualifiedName)
                    .Distinct(StringComparer.Ordinal)
                    .OrderBy(static name => name, StringComparer.Ordinal)
                    .ToEquatableArray())
                .WithTrackingName(TrackingNames.ValidContracts);

            var handlers = context.SyntaxProvider
                .CreateSyntaxProvider(HandlerParser.IsCandidate, HandlerParser.Parse)
                .WithTrackingName(TrackingNames.Handlers)
                .Where(static handler => handler is not null)
                .Collect()
                .Select(static (items, _) => items
                    .Select(static handler => handler!)
                    .OrderBy(static handler => handler.FullyQualifiedName, StringComparer.Ordinal)
                    .ToEquatableArray())
                .WithTrackingName(TrackingNames.ValidHandlers);

            var assemblyName = context.CompilationProvider
                .Select(static (compilation, _) => compilation.AssemblyName ?? string.Empty)
                .WithTrackingName(TrackingNames.AssemblyName);

            var module = handlers
                .Combine(validContracts)
                .Combine(assemblyName)
                .Select(static (input, cancellationToken) => BuildModule(input.Left.Left, input.Left.Right, input.Right))
                .WithTrackingName(TrackingNames.Module);

            context.RegisterSourceOutput(module, static (spc, spec) =>
            {
                if (spec is not null)
                {
                    spc.AddSource(ModuleEmitter.HintName, ModuleEmitter.Emit(spec));
                }
            });

            Documents.DocumentsPipeline.Register(context, events, commands, module, assemblyName);
        }

        /// <summary>The distinct shared parts and enums of <paramref name="contracts"/>, ordinal by name.</summary>
        internal static ImmutableArray<SharedTypeSpec> CollectSharedTypes(IEnumerable<ContractSpec?> contracts)
        {
            var byName = new SortedDictionary<string, SharedTypeSpec>(StringComparer.Ordinal);
            foreach (var contract in contracts)
            {
                if (contract is null)
                {
                    continue;
                }

                foreach (var part in contract.SharedParts)
                {
                    if (!byName.ContainsKey(part.FullyQualifiedName))
                    {
                        byName.Add(part.FullyQualifiedName, new SharedTypeSpec(part, null));
                    }
                }

                foreach (var value in contract.SharedEnums)
                {
                    if (!byName.ContainsKey(value.FullyQualifiedName))
                    {
                        byName.Add(value.FullyQualifiedName, new SharedTypeSpec(null, value));
                    }
                }
            }

            return byName.Values.ToImmutableArray();
        }

        private static void EmitContract(SourceProductionContext context, ContractSpec? spec)
        {
            if (spec is null)
            {
                return;
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            context.AddSource(ContractEmitter.HintName(spec), ContractEmitter.Emit(spec));
        }

        /// <summary>
        /// Keeps the handler/message pairs whose message is a valid contract, and drops message types whose
        /// <c>ce_type</c> collides with another contract's (the dispatch switch could not tell them apart).
        /// </summary>
        internal static ModuleSpec? BuildModule(EquatableArray<HandlerSpec> handlers, EquatableArray<string> validContracts, string assemblyName)
        {
            var valid = new HashSet<string>(validContracts, StringComparer.Ordinal);
            var kept = new List<(HandlerSpec Handler, List<HandledMessageSpec> Messages)>();
            var seenHandlers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var handler in handlers)
            {
                // A partial handler class with base lists on two declarations is found twice.
                if (!seenHandlers.Add(handler.FullyQualifiedName))
                {
                    continue;
                }

                var messages = handler.Messages.Where(m => !m.IsFromSource || valid.Contains(m.FullyQualifiedName)).ToList();
                if (messages.Count > 0)
                {
                    kept.Add((handler, messages));
                }
            }

            var byMessageType = kept
                .SelectMany(k => k.Messages)
                .GroupBy(m => m.MessageType, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(m => m.FullyQualifiedName).Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
            bool Unambiguous(HandledMessageSpec message) => byMessageType[message.MessageType] == 1;

            var moduleHandlers = kept
                .Select(k => new HandlerSpec(k.Handler.FullyQualifiedName, k.Messages.Where(Unambiguous).ToEquatableArray()))
                .Where(h => h.Messages.Count > 0)
                .ToList();
            if (moduleHandlers.Count == 0)
            {
                return null;
            }

            var messageTypes = moduleHandlers
                .SelectMany(h => h.Messages)
                .GroupBy(m => m.FullyQualifiedName, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(m => m.MessageType, StringComparer.Ordinal)
                .ToEquatableArray();

            return new ModuleSpec(assemblyName, moduleHandlers.ToEquatableArray(), messageTypes);
        }
    }
}
