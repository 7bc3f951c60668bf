using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0028 (a suggestion): the <c>HandleAsync</c> of an at-most-once contract (lambdas and local functions in it
    /// included) writes to a database, by the same calls MC0019 recognises (<see cref="DatabaseWrites"/>). Such a handler
    /// does not need <c>[Idempotent]</c> (MC0002 leaves it alone: nothing is delivered twice), but some of its messages
    /// never arrive. Reported once per method, at its first write.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AtMostOnceHandlerAnalyzer : MessageContractsAnalyzer
    {
        private const string HandleMethod = "HandleAsync";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.AtMostOnceHandlerWritesToDatabase);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            DatabaseWrites? databaseWrites = DatabaseWrites.TryCreate(context.Compilation);
            if (databaseWrites is null)
            {
                return;
            }

            context.RegisterOperationBlockStartAction(blockContext =>
            {
                if (blockContext.OwningSymbol is not IMethodSymbol method
                    || !method.Name.EndsWith(HandleMethod, System.StringComparison.Ordinal)
                    || HandledAtMostOnceContract(method, known) is not { } contract)
                {
                    return;
                }

                var firstWrite = new FirstWrite();
                blockContext.RegisterOperationAction(
                    operationContext =>
                    {
                        var invocation = (IInvocationOperation)operationContext.Operation;
                        if (databaseWrites.IsWrite(invocation))
                        {
                            firstWrite.Offer(invocation);
                        }
                    },
                    OperationKind.Invocation);

                blockContext.RegisterOperationBlockEndAction(endContext =>
                {
                    if (firstWrite.Value is { } write)
                    {
                        endContext.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.AtMostOnceHandlerWritesToDatabase,
                            write.Syntax.GetLocation(),
                            method.ContainingType.Name,
                            contract.Name,
                            write.TargetMethod.ContainingType.Name + "." + write.TargetMethod.Name));
                    }
                });
            });
        }

        /// <summary>The at-most-once contract whose <c>IMessageHandler&lt;T&gt;.HandleAsync</c> <paramref name="method"/> implements, or <see langword="null"/>.</summary>
        private static ITypeSymbol? HandledAtMostOnceContract(IMethodSymbol method, KnownTypes known)
        {
            INamedTypeSymbol type = method.ContainingType;
            foreach (ITypeSymbol message in Handlers.GetHandledMessageTypes(type, known.MessageHandler))
            {
                if (!AtMostOnceContracts.AcceptsLoss(message))
                {
                    continue;
                }

                INamedTypeSymbol handler = known.MessageHandler.Construct(message);
                foreach (ISymbol member in handler.GetMembers(HandleMethod))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                    {
                        return message;
                    }
                }
            }

            return null;
        }

        /// <summary>The earliest database write of one method, by position in the source (operation actions may run concurrently).</summary>
        private sealed class FirstWrite
        {
            private IInvocationOperation? value;

            public IInvocationOperation? Value => Volatile.Read(ref value);

            public void Offer(IInvocationOperation invocation)
            {
                while (true)
                {
                    IInvocationOperation? current = Volatile.Read(ref value);
                    if (current is not null && current.Syntax.SpanStart <= invocation.Syntax.SpanStart)
                    {
                        return;
                    }

                    if (ReferenceEquals(Interlocked.CompareExchange(ref value, invocation, current), current))
                    {
                        return;
                    }
                }
            }
        }
    }
}
