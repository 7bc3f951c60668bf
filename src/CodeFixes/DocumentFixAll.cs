using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace MessageContracts.CodeFixes
{
    /// <summary>The change one fixer makes for some diagnostics of one document, all at once.</summary>
    /// <param name="equivalenceKey">The fix chosen, for fixers that offer more than one kind of change.</param>
    internal delegate Task<Document> FixDocument(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken);

    /// <summary>
    /// Fix all (document, project, solution) by handing each document's diagnostics to the fixer in one go, so edits to
    /// one node (two diagnostics that both make one containing type partial) are made once, not merged.
    /// </summary>
    internal sealed class DocumentFixAll : DocumentBasedFixAllProvider
    {
        private readonly FixDocument fix;

        public DocumentFixAll(FixDocument fix) => this.fix = fix;

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            => diagnostics.IsEmpty ? null : await fix(document, diagnostics, fixAllContext.CodeActionEquivalenceKey, fixAllContext.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Small syntax helpers the fixers share.</summary>
    internal static class FixSyntax
    {
        /// <summary>The line break the document already uses, so an inserted line matches its neighbours.</summary>
        public static SyntaxTrivia EndOfLine(SyntaxNode root)
        {
            foreach (SyntaxTrivia trivia in root.DescendantTrivia())
            {
                if (trivia.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.EndOfLineTrivia))
                {
                    return trivia;
                }
            }

            return Microsoft.CodeAnalysis.CSharp.SyntaxFactory.EndOfLine("\n");
        }
    }
}
