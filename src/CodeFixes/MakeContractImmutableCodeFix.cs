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
    /// MC0017, where a mechanical change is safe: a <c>set</c> accessor becomes <c>init</c> (its accessibility kept),
    /// and a positional <c>record struct</c> becomes <c>readonly</c>. The analyzer says which applies through
    /// <see cref="MutableMembers.FixProperty"/>; writable fields and mutable collection types are left to a person.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeContractImmutableCodeFix))]
    [Shared]
    public sealed class MakeContractImmutableCodeFix : CodeFixProvider
    {
        public const string SetToInitKey = "MC0017." + MutableMembers.SetToInit;

        public const string MakeReadOnlyKey = "MC0017." + MutableMembers.MakeReadOnly;

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MutableContract);

        public override FixAllProvider GetFixAllProvider() => new DocumentFixAll(FixAsync);

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                string? key = EquivalenceKeyOf(diagnostic);
                if (key is null)
                {
                    continue;
                }

                string title = key == SetToInitKey ? "Use 'init' instead of 'set'" : "Make the record struct readonly";
                context.RegisterCodeFix(
                    CodeAction.Create(title, cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), key, cancellationToken), key),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static string? EquivalenceKeyOf(Diagnostic diagnostic)
            => diagnostic.Properties.TryGetValue(MutableMembers.FixProperty, out string? fix) && fix is not null ? "MC0017." + fix : null;

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var setters = new HashSet<AccessorDeclarationSyntax>();
            var structs = new HashSet<RecordDeclarationSyntax>();
            foreach (Diagnostic diagnostic in diagnostics)
            {
                string? key = EquivalenceKeyOf(diagnostic);
                if (key is null || (equivalenceKey is not null && key != equivalenceKey))
                {
                    continue; // fix all applies the one kind of change that was chosen
                }

                SyntaxNode? node = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
                if (key == SetToInitKey
                    && node?.FirstAncestorOrSelf<PropertyDeclarationSyntax>()?.AccessorList?.Accessors.FirstOrDefault(accessor => accessor.IsKind(SyntaxKind.SetAccessorDeclaration)) is { } setter)
                {
                    setters.Add(setter);
                }
                else if (key == MakeReadOnlyKey && node?.FirstAncestorOrSelf<RecordDeclarationSyntax>() is { } record)
                {
                    structs.Add(record);
                }
            }

            SyntaxNode fixedRoot = root.ReplaceNodes(
                setters.Cast<SyntaxNode>().Concat(structs),
                (original, rewritten) => rewritten switch
                {
                    AccessorDeclarationSyntax setter => ToInit(setter),
                    RecordDeclarationSyntax record => MakeReadOnly(record),
                    _ => rewritten,
                });
            return document.WithSyntaxRoot(fixedRoot);
        }

        private static AccessorDeclarationSyntax ToInit(AccessorDeclarationSyntax setter)
        {
            SyntaxToken keyword = setter.Keyword;
            return AccessorDeclaration(SyntaxKind.InitAccessorDeclaration)
                .WithAttributeLists(setter.AttributeLists)
                .WithModifiers(setter.Modifiers)
                .WithKeyword(Token(keyword.LeadingTrivia, SyntaxKind.InitKeyword, keyword.TrailingTrivia))
                .WithBody(setter.Body)
                .WithExpressionBody(setter.ExpressionBody)
                .WithSemicolonToken(setter.SemicolonToken);
        }

        private static RecordDeclarationSyntax MakeReadOnly(RecordDeclarationSyntax record)
        {
            if (record.Modifiers.Any(SyntaxKind.ReadOnlyKeyword))
            {
                return record;
            }

            // 'partial' must stay last: 'readonly' goes right before it (a contract is always partial, or MC0003 says so).
            int index = record.Modifiers.IndexOf(SyntaxKind.PartialKeyword);
            if (index < 0)
            {
                index = record.Modifiers.Count;
            }

            SyntaxToken readOnly = Token(SyntaxKind.ReadOnlyKeyword).WithTrailingTrivia(Space);
            SyntaxTokenList modifiers = record.Modifiers;
            if (index == 0 && modifiers.Count > 0)
            {
                readOnly = readOnly.WithLeadingTrivia(modifiers[0].LeadingTrivia);
                modifiers = modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia());
            }

            return record.WithModifiers(modifiers.Insert(index, readOnly));
        }
    }
}
