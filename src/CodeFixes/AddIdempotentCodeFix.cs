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
    /// MC0002: adds <c>[Idempotent]</c> to the handler, followed by a TODO comment: the attribute is a claim about the
    /// handler's code, and the fix cannot make it true, so it asks the author to check it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddIdempotentCodeFix))]
    [Shared]
    public sealed class AddIdempotentCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "MC0002.AddIdempotent";

        private const string Reminder = "// TODO: verify that handling a message twice is harmless";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandlerNotIdempotent);

        public override FixAllProvider GetFixAllProvider() => new DocumentFixAll(FixAsync);

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Mark the handler [Idempotent]",
                        cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), EquivalenceKey, cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            TypeDeclarationSyntax[] handlers = diagnostics
                .Select(diagnostic => root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>())
                .Where(handler => handler is not null)
                .Distinct()
                .ToArray()!;
            if (handlers.Length == 0)
            {
                return document;
            }

            // Write [Idempotent] where a using makes it resolve, else the full name.
            bool resolves = model.LookupNamespacesAndTypes(handlers[0].SpanStart, name: "IdempotentAttribute")
                .Any(symbol => symbol.ToDisplayString() == "MessageContracts.IdempotentAttribute");
            string name = resolves ? "Idempotent" : "global::MessageContracts.Idempotent";
            SyntaxTrivia endOfLine = FixSyntax.EndOfLine(root);

            SyntaxNode fixedRoot = root.ReplaceNodes(handlers, (_, handler) => AddAttribute(handler, name, endOfLine));
            return document.WithSyntaxRoot(fixedRoot);
        }

        private static TypeDeclarationSyntax AddAttribute(TypeDeclarationSyntax handler, string name, SyntaxTrivia endOfLine)
        {
            AttributeListSyntax attribute = AttributeList(SingletonSeparatedList(Attribute(ParseName(name))))
                .WithTrailingTrivia(Space, Comment(Reminder), endOfLine);

            // The new line takes over the declaration's leading trivia (doc comment, indentation); the line after it keeps the indentation.
            SyntaxTriviaList leading = handler.GetLeadingTrivia();
            SyntaxTriviaList indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? TriviaList(leading[leading.Count - 1])
                : TriviaList();

            if (handler.AttributeLists.Count == 0)
            {
                return handler
                    .WithLeadingTrivia(indentation)
                    .WithAttributeLists(SingletonList(attribute.WithLeadingTrivia(leading)));
            }

            AttributeListSyntax first = handler.AttributeLists[0];
            SyntaxList<AttributeListSyntax> lists = handler.AttributeLists
                .Replace(first, first.WithLeadingTrivia(indentation))
                .Insert(0, attribute.WithLeadingTrivia(first.GetLeadingTrivia()));
            return handler.WithAttributeLists(lists);
        }
    }
}
