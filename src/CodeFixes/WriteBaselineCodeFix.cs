using System.Collections.Immutable;
using System.Composition;
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
    /// MC0030 (no baseline) and MC0038 (unreadable baseline): writes <c>MessageContracts.Shipped.json</c> from the
    /// project's current contracts, what <c>dotnet build -p:UpdateMessageContractsBaseline=true</c> writes.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WriteBaselineCodeFix))]
    [Shared]
    public sealed class WriteBaselineCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "MC0030.WriteBaseline";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BaselineMissing, DiagnosticIds.BaselineInvalid);

        // One file per project: fixing one diagnostic fixes them all.
        public override FixAllProvider? GetFixAllProvider() => null;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var project = context.TextDocument.Project;
            foreach (var diagnostic in context.Diagnostics)
            {
                var title = diagnostic.Id == DiagnosticIds.BaselineMissing
                    ? "Create " + WireJson.BaselineFileName + " from the current contracts"
                    : "Write " + WireJson.BaselineFileName + " again from the current contracts";
                context.RegisterCodeFix(CodeAction.Create(title, cancellationToken => WriteAsync(project, cancellationToken), EquivalenceKey), diagnostic);
            }

            return Task.CompletedTask;
        }

        private static async Task<Solution> WriteAsync(Project project, CancellationToken cancellationToken)
        {
            var contracts = await BaselineDocument.CurrentContractsAsync(project, cancellationToken).ConfigureAwait(false);
            return contracts is null ? project.Solution : BaselineDocument.Write(project, contracts);
        }
    }
}
