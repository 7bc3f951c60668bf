using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MessageContracts.Generators.Model;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MessageContracts.Generators.Parsing
{
    /// <summary>
    /// Finds message handlers: concrete, non-generic classes, reachable from the assembly's generated module,
    /// that implement <c>IMessageHandler&lt;T&gt;</c> (directly or through a base class).
    /// </summary>
    internal static class HandlerParser
    {
        /// <summary>The cheap syntax filter: a class (or record class) with a base list.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) =>
            node is ClassDeclarationSyntax { BaseList: not null } ||
            (node is RecordDeclarationSyntax { BaseList: not null } record && !record.ClassOrStructKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StructKeyword));

        public static HandlerSpec? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol type ||
                type.TypeKind != TypeKind.Class ||
                type.IsAbstract ||
                type.IsStatic ||
                type.IsFileLocal ||
                !IsReachable(type))
            {
                return null;
            }

            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsGenericType)
                {
                    return null;
                }
            }

            var assembly = context.SemanticModel.Compilation.Assembly;
            var messages = new List<HandledMessageSpec>();
            foreach (var @interface in type.AllInterfaces)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsMessageHandlerInterface(@interface) ||
                    @interface.TypeArguments[0] is not INamedTypeSymbol message ||
                    message.TypeKind == TypeKind.Error ||
                    message.IsGenericType ||
                    !IsReachable(message))
                {
                    continue;
                }

                var isFromSource = SymbolEqualityComparer.Default.Equals(message.ContainingAssembly, assembly);
                if (!isFromSource && !ImplementsMessageContract(message))
                {
                    continue;
                }

                var (kind, topic, _) = ContractShape.GetKindAndTopic(message);
                if (kind == ContractKind.None)
                {
                    continue;
                }

                messages.Add(new HandledMessageSpec(
                    message.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    isFromSource,
                    MessageNaming.GetMessageType(message),
                    topic,
                    kind,
                    ContractDeliveries.EffectiveOf(message)));
            }

            if (messages.Count == 0)
            {
                return null;
            }

            return new HandlerSpec(
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                messages
                    .OrderBy(m => m.MessageType, StringComparer.Ordinal)
                    .ThenBy(m => m.FullyQualifiedName, StringComparer.Ordinal)
                    .ToEquatableArray());
        }

        private static bool IsMessageHandlerInterface(INamedTypeSymbol type) =>
            type.TypeArguments.Length == 1 &&
            type.OriginalDefinition.MetadataName == "IMessageHandler`1" &&
            type.OriginalDefinition.ContainingNamespace is { Name: "MessageContracts", ContainingNamespace.IsGlobalNamespace: true };

        private static bool ImplementsMessageContract(INamedTypeSymbol message)
        {
            foreach (var @interface in message.AllInterfaces)
            {
                if (@interface.OriginalDefinition.MetadataName == "IMessageContract`1" &&
                    @interface.OriginalDefinition.ContainingNamespace is { Name: "MessageContracts", ContainingNamespace.IsGlobalNamespace: true } &&
                    SymbolEqualityComparer.Default.Equals(@interface.TypeArguments[0], message))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether generated code at namespace level in the same assembly can name the type.</summary>
        private static bool IsReachable(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsFileLocal)
                {
                    return false;
                }

                switch (current.DeclaredAccessibility)
                {
                    case Accessibility.Public:
                    case Accessibility.Internal:
                    case Accessibility.ProtectedOrInternal:
                        break;
                    default:
                        return false;
                }
            }

            return true;
        }
    }
}
