using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MessageContracts.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace MessageContracts.CodeFixes
{
    /// <summary>
    /// MC0003: adds <c>partial</c> to the contract and to every type it is nested in that lacks it, the two cases the
    /// diagnostic covers. <c>partial</c> goes last among the modifiers, where C# requires it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix))]
    [Shared]
    public sealed class AddPartialCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "MC0003.AddPartial";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ContractNotPartial);

        public override FixAllProvider GetFixAllProvider() => new DocumentFixAll(FixAsync);

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Add 'partial'",
                        cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), EquivalenceKey, cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            // The contract and the types around it; a set, because two contracts in one type share the outer ones.
            var targets = new HashSet<TypeDeclarationSyntax>();
            foreach (Diagnostic diagnostic in diagnostics)
            {
                TypeDeclarationSyntax? contract = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
                for (TypeDeclarationSyntax? type = contract; type is not null; type = type.Parent as TypeDeclarationSyntax)
                {
                    if (!type.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        targets.Add(type);
                    }
                }
            }

            if (targets.Count == 0)
            {
                return document;
            }

            return document.WithSyntaxRoot(root.ReplaceNodes(targets, (_, type) => AddPartial(type)));
        }

        private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
        {
            if (type.Modifiers.Count > 0)
            {
                return type.WithModifiers(type.Modifiers.Add(Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(Space)));
            }

            // No modifiers: 'partial' becomes the first word of the declaration and takes over the keyword's leading trivia.
            SyntaxToken keyword = type.Keyword;
            SyntaxToken partial = Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, TriviaList(Space));
            return type
                .ReplaceToken(keyword, keyword.WithLeadingTrivia())
                .WithModifiers(TokenList(partial));
        }
    }
}
