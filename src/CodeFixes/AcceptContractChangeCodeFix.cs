using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MessageContracts.Analyzers;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace MessageContracts.CodeFixes
{
    /// <summary>
    /// MC0031 to MC0037: accepts a contract's change by recording its current wire form in
    /// <c>MessageContracts.Shipped.json</c> (for a removed contract: by removing its entry). The acceptance is the
    /// baseline's diff, which a reviewer sees. Fix all accepts every listed contract in one edit.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AcceptContractChangeCodeFix))]
    [Shared]
    public sealed class AcceptContractChangeCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "MC0031.AcceptInBaseline";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            DiagnosticIds.ContractRemoved,
            DiagnosticIds.ContractRoutingChanged,
            DiagnosticIds.ContractMemberRemoved,
            DiagnosticIds.ContractMemberTypeChanged,
            DiagnosticIds.ContractMemberRequirednessChanged,
            DiagnosticIds.ContractEnumValuesChanged,
            DiagnosticIds.BaselineOutdated);

        public override FixAllProvider GetFixAllProvider() => new AcceptAll();

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var project = context.TextDocument.Project;
            foreach (var diagnostic in context.Diagnostics)
            {
                var title = diagnostic.Id switch
                {
                    DiagnosticIds.ContractRemoved => "Accept the removal: remove the contract from " + WireJson.BaselineFileName,
                    DiagnosticIds.BaselineOutdated => "Update " + WireJson.BaselineFileName + " with this contract",
                    _ => "Accept this change in " + WireJson.BaselineFileName,
                };
                context.RegisterCodeFix(
                    CodeAction.Create(title, cancellationToken => BaselineDocument.AcceptAsync(project, Changes(new[] { diagnostic }), cancellationToken), EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static IEnumerable<(string? BaselineCeType, WireContract? Current)> Changes(IEnumerable<Diagnostic> diagnostics)
        {
            foreach (var diagnostic in diagnostics)
            {
                diagnostic.Properties.TryGetValue(BaselineCompatibilityAnalyzer.BaselineCeTypeProperty, out var baselineCeType);
                WireContract? current = null;
                if (diagnostic.Properties.TryGetValue(BaselineCompatibilityAnalyzer.CurrentContractProperty, out var json) && json is not null)
                {
                    try
                    {
                        current = WireJson.ReadContract(JsonText.Parse(json));
                    }
                    catch (JsonFormatException)
                    {
                        continue;
                    }
                }

                yield return (baselineCeType, current);
            }
        }

        /// <summary>Every diagnostic of the scope, per project, accepted in one edit of that project's baseline.</summary>
        private sealed class AcceptAll : FixAllProvider
        {
            public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
                new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

            public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
            {
                var projects = fixAllContext.Scope == FixAllScope.Solution
                    ? fixAllContext.Solution.Projects.ToList()
                    : new List<Project> { fixAllContext.Project };
                var perProject = new List<(ProjectId Id, ImmutableArray<Diagnostic> Diagnostics)>();
                foreach (var project in projects)
                {
                    var diagnostics = fixAllContext.Scope == FixAllScope.Document && fixAllContext.Document is { } document
                        ? await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)
                        : await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
                    if (!diagnostics.IsEmpty)
                    {
                        perProject.Add((project.Id, diagnostics));
                    }
                }

                if (perProject.Count == 0)
                {
                    return null;
                }

                return CodeAction.Create(
                    "Accept every change in " + WireJson.BaselineFileName,
                    async cancellationToken =>
                    {
                        var solution = fixAllContext.Solution;
                        foreach (var (id, diagnostics) in perProject)
                        {
                            solution = await BaselineDocument.AcceptAsync(solution.GetProject(id)!, Changes(diagnostics), cancellationToken).ConfigureAwait(false);
                        }

                        return solution;
                    },
                    EquivalenceKey);
            }
        }
    }
}
