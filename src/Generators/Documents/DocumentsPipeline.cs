using System;
using System.Linq;
using MessageContracts.Generators.Emit;
using MessageContracts.Generators.Model;
using MessageContracts.Shared;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Generators.Documents
{
    /// <summary>
    /// The generator's second output: the assembly's contract model (<c>[assembly: MessageContractsModel("...")]</c>),
    /// from which the analyzers check compatibility with the committed baseline and the package's build task writes
    /// the baseline, the AsyncAPI document and the JSON Schemas. On only when the <c>MessageContractsDocuments</c>
    /// MSBuild property is <c>true</c> (the package's build props set it; a project turns it off with <c>false</c>).
    /// </summary>
    internal static class DocumentsPipeline
    {
        public const string HintName = "MessageContracts.Model.g.cs";

        /// <summary>The MSBuild property, as the compiler sees it.</summary>
        public const string EnabledProperty = "build_property.MessageContractsDocuments";

        public static void Register(
            IncrementalGeneratorInitializationContext context,
            IncrementalValuesProvider<ContractSpec?> events,
            IncrementalValuesProvider<ContractSpec?> commands,
            IncrementalValueProvider<ModuleSpec?> module,
            IncrementalValueProvider<string> assemblyName)
        {
            var enabled = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => options.GlobalOptions.TryGetValue(EnabledProperty, out var value) && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                .WithTrackingName(TrackingNames.DocumentsEnabled);

            // One wire form per contract, from the contract's own (cached) model: an edit re-runs one contract.
            var eventWires = events.Select(static (spec, _) => WireContractBuilder.ToJson(spec)).WithTrackingName(TrackingNames.WireContracts);
            var commandWires = commands.Select(static (spec, _) => WireContractBuilder.ToJson(spec)).WithTrackingName(TrackingNames.WireContracts);
            var wires = eventWires.Collect()
                .Combine(commandWires.Collect())
                .Select(static (pair, _) => pair.Left.Concat(pair.Right)
                    .Where(static json => json is not null)
                    .Select(static json => json!)
                    .OrderBy(static json => json, StringComparer.Ordinal)
                    .ToEquatableArray())
                .WithTrackingName(TrackingNames.AllWireContracts);

            var sends = context.SyntaxProvider
                .CreateSyntaxProvider(ProducerCallParser.IsCandidate, ProducerCallParser.Parse)
                .WithTrackingName(TrackingNames.ProducerCalls)
                .Where(static call => call is not null)
                .Collect()
                .Select(static (calls, _) => calls
                    .Select(static call => call!)
                    .Distinct()
                    .OrderBy(static call => call.CeType, StringComparer.Ordinal)
                    .ThenBy(static call => call.ClrType, StringComparer.Ordinal)
                    .ToEquatableArray())
                .WithTrackingName(TrackingNames.SentMessages);

            var receives = module
                .Select(static (spec, _) => spec is null
                    ? EquatableArray<MessageRefSpec>.Empty
                    : spec.Messages
                        .Select(static m => new MessageRefSpec(m.MessageType, m.Kind == ContractKind.Command ? "command" : "event", m.Topic, m.FullyQualifiedName.Replace("global::", string.Empty)))
                        .ToEquatableArray())
                .WithTrackingName(TrackingNames.ReceivedMessages);

            var model = enabled
                .Combine(wires)
                .Combine(sends.Combine(receives))
                .Combine(assemblyName)
                .Select(static (input, _) => input.Left.Left.Left
                    ? BuildModel(input.Right, input.Left.Left.Right, input.Left.Right.Left, input.Left.Right.Right)
                    : null)
                .WithTrackingName(TrackingNames.ContractModel);

            context.RegisterSourceOutput(model, static (spc, json) =>
            {
                if (json is not null)
                {
                    spc.AddSource(HintName, Emit(json));
                }
            });
        }

        /// <summary>The model JSON, or <see langword="null"/> when the assembly has no contract and sends or receives nothing.</summary>
        internal static string? BuildModel(string assemblyName, EquatableArray<string> wires, EquatableArray<MessageRefSpec> sends, EquatableArray<MessageRefSpec> receives)
        {
            if (wires.Count == 0 && sends.Count == 0 && receives.Count == 0)
            {
                return null;
            }

            var document = new WireDocument { Assembly = assemblyName };
            document.Contracts.AddRange(wires
                .Select(static json => WireJson.ReadContract(JsonText.Parse(json)))
                .OrderBy(static c => c.CeType, StringComparer.Ordinal)
                .ThenBy(static c => c.ClrType, StringComparer.Ordinal));
            document.Sends.AddRange(sends.Select(ToRef));
            document.Receives.AddRange(receives.Select(ToRef));
            return WireJson.WriteModel(document);
        }

        private static WireMessageRef ToRef(MessageRefSpec spec) =>
            new() { CeType = spec.CeType, Kind = spec.Kind, Topic = spec.Topic, ClrType = spec.ClrType };

        internal static string Emit(string json)
        {
            var w = new SourceWriter();
            w.WriteLine(EmitHelpers.Header);
            w.WriteLine();
            w.WriteLine("// The wire form of this assembly's contracts and what it sends and receives (docs/contract-evolution.md).");
            w.WriteLine("[assembly: global::MessageContracts.Infrastructure.MessageContractsModel(" + EmitHelpers.Literal(json) + ")]");
            return w.ToString();
        }
    }
}
