using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MessageContracts.Analyzers;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace MessageContracts.CodeFixes
{
    /// <summary>
    /// MC0032 to MC0036: instead of breaking a shipped contract, puts the new shape in a new contract beside it
    /// (<c>OrderPlaced</c> → <c>OrderPlacedV2</c>) with its own <c>ce_type</c>, on the same topic so per-key order holds
    /// across versions and consumers that do not know the new type skip it. The shipped contract is left for the
    /// author to restore as it was (the diagnostic stays until it matches the baseline again); producers then move to
    /// the new version while consumers handle both.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(IntroduceContractVersionCodeFix))]
    [Shared]
    public sealed class IntroduceContractVersionCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "MC0032.IntroduceNewVersion";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            DiagnosticIds.ContractRoutingChanged,
            DiagnosticIds.ContractMemberRemoved,
            DiagnosticIds.ContractMemberTypeChanged,
            DiagnosticIds.ContractMemberRequirednessChanged,
            DiagnosticIds.ContractEnumValuesChanged);

        // A new version is a design decision per contract, not a batch edit.
        public override FixAllProvider? GetFixAllProvider() => null;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var document = context.Document;
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>(IsContract);
                if (declaration is null ||
                    model.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol contract ||
                    contract.DeclaringSyntaxReferences.Count(r => !r.SyntaxTree.FilePath.EndsWith(".g.cs", System.StringComparison.OrdinalIgnoreCase)) != 1)
                {
                    continue; // a contract split over several declarations is copied by hand
                }

                var newName = FreeName(model.Compilation, contract);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Introduce '" + newName + "' with this shape instead (then restore '" + contract.Name + "' as shipped)",
                        cancellationToken => Task.FromResult(document.WithSyntaxRoot(AddVersion(root, declaration, contract, newName))),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static bool IsContract(TypeDeclarationSyntax declaration) =>
            declaration.AttributeLists.SelectMany(list => list.Attributes).Any(attribute => KindAttributeName(attribute) is not null);

        private static string? KindAttributeName(AttributeSyntax attribute)
        {
            var name = attribute.Name switch
            {
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            };
            return name is "Event" or "EventAttribute" or "Command" or "CommandAttribute" ? name : null;
        }

        /// <summary><c>NameV2</c>, or the next number whose name and default <c>ce_type</c> are free.</summary>
        private static string FreeName(Compilation compilation, INamedTypeSymbol contract)
        {
            var stem = contract.Name;
            var existing = new System.Collections.Generic.HashSet<string>(
                (contract.ContainingType?.GetTypeMembers().Select(t => t.Name) ?? contract.ContainingNamespace.GetTypeMembers().Select(t => t.Name)),
                System.StringComparer.Ordinal);
            for (var version = 2; ; version++)
            {
                var candidate = stem + "V" + version.ToString(CultureInfo.InvariantCulture);
                if (!existing.Contains(candidate) && !compilation.ContainsSymbolsWithName(candidate, SymbolFilter.Type))
                {
                    return candidate;
                }
            }
        }

        private static SyntaxNode AddVersion(SyntaxNode root, TypeDeclarationSyntax declaration, INamedTypeSymbol contract, string newName)
        {
            var (_, topic, _) = ContractShape.GetKindAndTopic(contract);
            var messageType = MessageNaming.GetMessageType(contract);
            var copy = declaration
                .WithIdentifier(Identifier(newName).WithTriviaFrom(declaration.Identifier))
                .WithAttributeLists(List(declaration.AttributeLists.Select(list => list.WithAttributes(SeparatedList(list.Attributes.Select(attribute =>
                    KindAttributeName(attribute) is null ? attribute : VersionedAttribute(attribute, topic, messageType, newName, contract)))))));

            // Constructors carry the type's name.
            copy = copy.ReplaceNodes(
                copy.Members.OfType<ConstructorDeclarationSyntax>().Where(c => c.Identifier.ValueText == contract.Name),
                (_, constructor) => constructor.WithIdentifier(Identifier(newName).WithTriviaFrom(constructor.Identifier)));

            var separator = FixSyntax.EndOfLine(root);
            copy = copy.WithLeadingTrivia(copy.GetLeadingTrivia().Insert(0, separator));
            return root.InsertNodesAfter(declaration, new[] { copy });
        }

        /// <summary>
        /// The kind attribute of the new version: the shipped topic, written out when it was derived from the name (so
        /// both versions share the topic), and for an explicit <c>Type</c> the shipped value with the version appended.
        /// </summary>
        private static AttributeSyntax VersionedAttribute(AttributeSyntax attribute, string topic, string messageType, string newName, INamedTypeSymbol contract)
        {
            var version = newName.Substring(contract.Name.Length);
            var arguments = attribute.ArgumentList?.Arguments ?? default;
            var hasTopic = arguments.Any(a => a.NameEquals?.Name.Identifier.ValueText == KnownNames.TopicArgument);
            var newArguments = arguments.Select(argument => argument.NameEquals?.Name.Identifier.ValueText == KnownNames.TypeArgument
                ? argument.WithExpression(LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(messageType + version)))
                : argument).ToList();
            if (!hasTopic)
            {
                newArguments.Insert(0, AttributeArgument(NameEquals(IdentifierName(KnownNames.TopicArgument)), null, LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(topic))));
            }

            return attribute.WithArgumentList(AttributeArgumentList(SeparatedList(newArguments)));
        }
    }
}
