using System.Threading;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MessageContracts.Generators.Documents
{
    /// <summary>
    /// Finds what an assembly sends, for the AsyncAPI document's send operations: calls of
    /// <c>IEventPublisher&lt;T&gt;.PublishAsync</c>, <c>ICommandSender&lt;T&gt;.SendAsync</c> and
    /// <c>IOutbox.EnqueueAsync&lt;T&gt;</c> (through the interface or a class implementing it) whose message is a
    /// contract. The same calls the MC0018/MC0019 analyzers look at, found from syntax first so an edit elsewhere
    /// costs nothing.
    /// </summary>
    internal static class ProducerCallParser
    {
        /// <summary>The cheap syntax filter: a call of a method named PublishAsync, SendAsync or EnqueueAsync.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
        {
            if (node is not InvocationExpressionSyntax invocation)
            {
                return false;
            }

            var name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
                _ => null,
            };
            return name is "PublishAsync" or "SendAsync" or "EnqueueAsync";
        }

        public static MessageRefSpec? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            // The generator sees the compilation before its own output, where a contract declared here does not yet
            // implement IMessageContract<T>: EnqueueAsync<T>'s constraint then fails and the call binds only to a candidate.
            var info = context.SemanticModel.GetSymbolInfo(context.Node, cancellationToken);
            var method = info.Symbol as IMethodSymbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] as IMethodSymbol : null);
            if (method is null)
            {
                return null;
            }

            var message = method.Name == "EnqueueAsync" ? EnqueuedMessage(method, (InvocationExpressionSyntax)context.Node, context.SemanticModel, cancellationToken) : ProducedMessage(method);
            if (message is not INamedTypeSymbol contract || contract.TypeKind == TypeKind.Error)
            {
                return null;
            }

            var (kind, topic, _) = ContractShape.GetKindAndTopic(contract);
            if (kind == ContractKind.None)
            {
                return null;
            }

            return new MessageRefSpec(
                MessageNaming.GetMessageType(contract),
                kind == ContractKind.Command ? "command" : "event",
                topic,
                contract.ToDisplayString());
        }

        /// <summary>The <c>T</c> of <c>IEventPublisher&lt;T&gt;</c>/<c>ICommandSender&lt;T&gt;</c> the method belongs to.</summary>
        private static ITypeSymbol? ProducedMessage(IMethodSymbol method)
        {
            if (method.Parameters.Length == 0)
            {
                return null;
            }

            var argument = method.Parameters[0].Type;
            if (IsProducer(method.ContainingType, argument))
            {
                return argument;
            }

            foreach (var @interface in method.ContainingType.AllInterfaces)
            {
                if (IsProducer(@interface, argument))
                {
                    return argument;
                }
            }

            return null;
        }

        private static bool IsProducer(INamedTypeSymbol type, ITypeSymbol message) =>
            type.TypeArguments.Length == 1 &&
            type.OriginalDefinition.MetadataName is "IEventPublisher`1" or "ICommandSender`1" &&
            IsMessageContractsNamespace(type.OriginalDefinition.ContainingNamespace) &&
            SymbolEqualityComparer.Default.Equals(type.TypeArguments[0], message);

        /// <summary>The type argument of <c>IOutbox.EnqueueAsync&lt;T&gt;</c> (or an implementation of it).</summary>
        private static ITypeSymbol? EnqueuedMessage(IMethodSymbol method, InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            if (method.TypeArguments.Length != 1 || invocation.ArgumentList.Arguments.Count == 0)
            {
                return null;
            }

            var isOutbox = IsOutbox(method.ContainingType);
            foreach (var @interface in method.ContainingType.AllInterfaces)
            {
                isOutbox |= IsOutbox(@interface);
            }

            if (!isOutbox)
            {
                return null;
            }

            // Unbound (a failed constraint): the message is the first argument's type.
            return method.TypeArguments[0] is ITypeParameterSymbol
                ? model.GetTypeInfo(invocation.ArgumentList.Arguments[0].Expression, cancellationToken).Type
                : method.TypeArguments[0];
        }

        private static bool IsOutbox(INamedTypeSymbol type) =>
            type.MetadataName == "IOutbox" && IsMessageContractsNamespace(type.ContainingNamespace);

        private static bool IsMessageContractsNamespace(INamespaceSymbol? ns) =>
            ns is { Name: "MessageContracts", ContainingNamespace.IsGlobalNamespace: true };
    }
}
