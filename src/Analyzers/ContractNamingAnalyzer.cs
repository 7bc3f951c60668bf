using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0021 and MC0022: naming guidance, as suggestions. Events are named as facts in the past tense, commands as
    /// imperatives. The word rules (<see cref="ContractNames"/>) are lenient: a name they cannot judge is left alone.
    /// A contract with both attributes is MC0006's and is not judged here.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ContractNamingAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.EventNotNamedAsFact,
            DiagnosticDescriptors.CommandNotNamedAsImperative);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct)
                    {
                        return;
                    }

                    switch (known.GetContractKinds(type))
                    {
                        case ContractKinds.Event when !ContractNames.ReadsAsFact(type.Name):
                            symbolContext.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.EventNotNamedAsFact, Handlers.GetLocation(type), type.Name));
                            break;
                        case ContractKinds.Command when ContractNames.WhyNotImperative(type.Name) is { } why:
                            symbolContext.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.CommandNotNamedAsImperative, Handlers.GetLocation(type), type.Name, why));
                            break;
                    }
                },
                SymbolKind.NamedType);
        }
    }
}
