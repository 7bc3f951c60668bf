using System.Collections.Generic;
using System.Collections.Immutable;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0003 to MC0006, MC0008 to MC0015 and MC0024 to MC0026: an <c>[Event]</c> or <c>[Command]</c> type the
    /// generator cannot turn into a contract, or a member marked for a role it cannot play. The rules live once, in the shared <see cref="ContractShape"/> the generator also uses: the
    /// generator skips a type with any problem, and this analyzer reports each problem with what to change.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ContractShapeAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.ContractNotPartial,
            DiagnosticDescriptors.ContractIsGeneric,
            DiagnosticDescriptors.ContractNotRecord,
            DiagnosticDescriptors.ContractIsEventAndCommand,
            DiagnosticDescriptors.ContractMemberNotSerializable,
            DiagnosticDescriptors.ContractIsAbstract,
            DiagnosticDescriptors.InvalidTopic,
            DiagnosticDescriptors.ContractNotConstructible,
            DiagnosticDescriptors.DuplicateJsonName,
            DiagnosticDescriptors.MultiplePartitionKeys,
            DiagnosticDescriptors.UnsupportedPartitionKeyType,
            DiagnosticDescriptors.InvalidMessageType,
            DiagnosticDescriptors.MultipleMessageIds,
            DiagnosticDescriptors.UnsupportedMessageIdType,
            DiagnosticDescriptors.MutableMessageId);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            context.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known), SymbolKind.NamedType);
        }

        private static void AnalyzeType(SymbolAnalysisContext context, KnownTypes known)
        {
            var type = (INamedTypeSymbol)context.Symbol;

            // [Event] on an interface, enum or delegate is already the compiler's CS0592.
            if ((type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct)
                || known.GetContractKinds(type) == ContractKinds.None)
            {
                return;
            }

            ContractShape shape = ContractShape.Analyze(type, context.CancellationToken);
            string contractName = type.ToDisplayString();
            bool reportedGeneric = false;
            foreach (ShapeProblem problem in AllOf(shape))
            {
                DiagnosticDescriptor? descriptor = ShapeProblemDescriptors.For(problem.Kind);
                if (descriptor is null)
                {
                    continue;
                }

                // A member whose type the compiler could not resolve already has the compiler's error.
                if (problem.Kind == ShapeProblemKind.UnsupportedMemberType
                    && problem.Symbol is IPropertySymbol property
                    && TypeSymbols.ContainsErrorType(property.Type))
                {
                    continue;
                }

                // A contract nested in a generic type is itself generic, and the shared rules say so twice: once is enough.
                if (problem.Kind == ShapeProblemKind.Generic)
                {
                    if (reportedGeneric)
                    {
                        continue;
                    }

                    reportedGeneric = true;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    descriptor,
                    GetLocation(problem.Symbol, type),
                    contractName,
                    problem.Message,
                    problem.Symbol.Name));
            }
        }

        /// <summary>The problems that stop generation, then the mistakes the generator has a defined answer to.</summary>
        private static IEnumerable<ShapeProblem> AllOf(ContractShape shape)
        {
            foreach (ShapeProblem problem in shape.Problems)
            {
                yield return problem;
            }

            foreach (ShapeProblem warning in shape.Warnings)
            {
                yield return warning;
            }
        }

        /// <summary>
        /// The problem's own place (a member or constructor parameter) when the user can edit it in this compilation,
        /// else the contract's name: an inherited member may live in another assembly or in generated code.
        /// </summary>
        private static Location GetLocation(ISymbol symbol, INamedTypeSymbol contract)
        {
            foreach (Location location in symbol.Locations)
            {
                if (location.IsInSource)
                {
                    return location;
                }
            }

            return Handlers.GetLocation(contract);
        }
    }
}
