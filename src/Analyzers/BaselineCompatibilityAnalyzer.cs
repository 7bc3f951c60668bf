using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using MessageContracts.Analyzers.Compatibility;
using MessageContracts.Shared;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0030 to MC0039: compares each contract's wire form (as the generator wrote it into the compilation) with the
    /// committed <c>MessageContracts.Shipped.json</c>, in the contract's compatibility mode. A project without a
    /// baseline gets one suggestion to create it; a build that updates the baseline gets nothing.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BaselineCompatibilityAnalyzer : MessageContractsAnalyzer
    {
        /// <summary>Diagnostic property: the <c>ce_type</c> of the baseline entry the diagnostic is about.</summary>
        public const string BaselineCeTypeProperty = "BaselineCeType";

        /// <summary>Diagnostic property: the contract's current wire form, as compact JSON (absent for a removed contract).</summary>
        public const string CurrentContractProperty = "CurrentContract";

        /// <summary>Diagnostic property: the contract's C# name.</summary>
        public const string ContractNameProperty = "ContractName";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.BaselineMissing,
            DiagnosticDescriptors.ContractRemoved,
            DiagnosticDescriptors.ContractRoutingChanged,
            DiagnosticDescriptors.ContractMemberRemoved,
            DiagnosticDescriptors.ContractMemberTypeChanged,
            DiagnosticDescriptors.ContractMemberRequirednessChanged,
            DiagnosticDescriptors.ContractEnumValuesChanged,
            DiagnosticDescriptors.BaselineOutdated,
            DiagnosticDescriptors.BaselineInvalid,
            DiagnosticDescriptors.InvalidCompatibilityMode);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            // Shared between compilations (parsed once per content): only read here.
            var current = ContractModelSource.ReadSharedModel(context.Compilation);
            if (current is null || current.Contracts.Count == 0)
            {
                return;
            }

            var settings = CompatibilitySettings.Read(context.Options.AnalyzerConfigOptionsProvider.GlobalOptions);
            if (settings.Updating)
            {
                return;
            }

            var file = ContractModelSource.FindBaseline(context.Options.AdditionalFiles);
            if (file is null)
            {
                RegisterMissingBaseline(context, current);
                return;
            }

            var baseline = BaselineComparison.Read(file, current, context.CancellationToken, out var error);
            if (baseline is null)
            {
                context.RegisterCompilationEndAction(end => end.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.BaselineInvalid,
                    Location.Create(file.Path, default, new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(error!.Line - 1, error.Column - 1), new(error.Line - 1, error.Column - 1))),
                    error.Reason)));
                return;
            }

            // Contracts declared here that the generator skipped (invalid for now): their shape errors are reported,
            // and a "removed" on top would be noise.
            var declared = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
            var byIdentity = new Dictionary<(string CeType, string ClrType), WireContract>();
            foreach (var contract in current.Contracts)
            {
                byIdentity[(contract.CeType, contract.ClrType)] = contract;
            }

            context.RegisterSymbolAction(symbolContext => AnalyzeContract(symbolContext, byIdentity, baseline, settings, declared), SymbolKind.NamedType);
            context.RegisterCompilationEndAction(end =>
            {
                if (settings.InvalidMode is not null)
                {
                    end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidCompatibilityMode, Location.None, settings.InvalidMode));
                }

                foreach (var entry in baseline.Entries)
                {
                    if (baseline.IsMatched(entry) || declared.ContainsKey(entry.Contract.ClrType))
                    {
                        continue;
                    }

                    end.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.ContractRemoved,
                        baseline.LineLocation(entry.Line),
                        ImmutableDictionary<string, string?>.Empty.Add(BaselineCeTypeProperty, entry.Contract.CeType),
                        entry.Contract.ClrType.Length > 0 ? entry.Contract.ClrType : entry.Contract.CeType,
                        entry.Contract.CeType,
                        entry.Contract.Topic));
                }
            });
        }

        private static void RegisterMissingBaseline(CompilationStartAnalysisContext context, WireDocument current)
        {
            // One suggestion per project, on its first contract (by ce_type), where the code fix can offer to create the file.
            var first = current.Contracts[0];
            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (ContractShape.GetKindAttribute(type) is null ||
                        MessageNaming.GetMessageType(type) != first.CeType ||
                        type.ToDisplayString() != first.ClrType)
                    {
                        return;
                    }

                    symbolContext.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.BaselineMissing,
                        SourceLocation(type),
                        current.Contracts.Count));
                },
                SymbolKind.NamedType);
        }

        private static void AnalyzeContract(SymbolAnalysisContext context, Dictionary<(string CeType, string ClrType), WireContract> current, BaselineComparison baseline, CompatibilitySettings settings, ConcurrentDictionary<string, bool> declared)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (ContractShape.GetKindAttribute(type) is null)
            {
                return;
            }

            var name = type.ToDisplayString();
            declared.TryAdd(name, true);
            var ceType = MessageNaming.GetMessageType(type);
            if (!current.TryGetValue((ceType, name), out var contract))
            {
                return; // not generated: the shape rules say why
            }

            var entry = baseline.Match(contract);
            if (entry is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BaselineOutdated, SourceLocation(type), Properties(contract, name), name, "it is new and not in the baseline yet"));
                return;
            }

            // Nearly every contract in a build is as shipped: that is settled without the comparer's texts, and the
            // properties (the contract's JSON, for the code fix) are only written for a contract that is reported.
            if (ContractEquality.Same(entry.Contract, contract))
            {
                return;
            }

            var changes = ContractComparer.Compare(entry.Contract, contract);
            if (changes.Count == 0)
            {
                return;
            }

            var properties = Properties(contract, name).Add(BaselineCeTypeProperty, entry.Contract.CeType);

            var mode = settings.ModeFor(type);
            var breaking = changes.Where(change => change.IsBreaking(mode)).ToList();
            if (breaking.Count == 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.BaselineOutdated,
                    SourceLocation(type),
                    properties,
                    name,
                    string.Join("; ", changes.Select(change => change.Description))));
                return;
            }

            Dictionary<string, Location>? memberLocations = null;
            foreach (var change in breaking)
            {
                var location = SourceLocation(type);
                if (change.Path.Length > 0 && change.Kind != ChangeKind.MemberRemoved)
                {
                    memberLocations ??= MemberLocations(type, context.CancellationToken);
                    if (memberLocations.TryGetValue(change.TopMember, out var memberLocation))
                    {
                        location = memberLocation;
                    }
                }

                context.ReportDiagnostic(Diagnostic.Create(Descriptor(change.Kind), location, properties, name, change.Description, CompatibilitySettings.Name(mode)));
            }
        }

        /// <summary>The properties of a diagnostic about <paramref name="contract"/>, which the code fix reads to accept it.</summary>
        private static ImmutableDictionary<string, string?> Properties(WireContract contract, string name) =>
            ImmutableDictionary<string, string?>.Empty
                .Add(CurrentContractProperty, JsonText.WriteCompact(WireJson.ToJson(contract)))
                .Add(ContractNameProperty, name);

        private static DiagnosticDescriptor Descriptor(ChangeKind kind) => kind switch
        {
            ChangeKind.Routing => DiagnosticDescriptors.ContractRoutingChanged,
            ChangeKind.MemberRemoved => DiagnosticDescriptors.ContractMemberRemoved,
            ChangeKind.Type => DiagnosticDescriptors.ContractMemberTypeChanged,
            ChangeKind.Requiredness => DiagnosticDescriptors.ContractMemberRequirednessChanged,
            _ => DiagnosticDescriptors.ContractEnumValuesChanged,
        };

        /// <summary>The source location of each wire member of <paramref name="type"/>, by JSON name.</summary>
        private static Dictionary<string, Location> MemberLocations(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        {
            var result = new Dictionary<string, Location>(StringComparer.Ordinal);
            foreach (var member in ObjectShape.Analyze(type, isContract: true, null, cancellationToken).Members)
            {
                var location = member.Property.Locations.FirstOrDefault(l => l.IsInSource);
                if (location is not null && !result.ContainsKey(member.JsonName))
                {
                    result.Add(member.JsonName, location);
                }
            }

            return result;
        }

        /// <summary>The contract's name in its first declaration that is not generated.</summary>
        private static Location SourceLocation(INamedTypeSymbol type)
        {
            foreach (var location in type.Locations)
            {
                if (location.IsInSource && location.SourceTree is { } tree && !tree.FilePath.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase))
                {
                    return location;
                }
            }

            return type.Locations.FirstOrDefault() ?? Location.None;
        }
    }
}
