using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0019: one method (lambdas and local functions in it included) both writes to a database and publishes or
    /// sends directly: a dual write, which a crash between the two leaves half done. Reported once per method, at its
    /// first publish or send, as a suggestion to use a transactional outbox. Publishing an at-most-once contract is not
    /// counted: its loss is accepted, and the outbox is not for it (MC0029).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DualWriteAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.DualWrite);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            DatabaseWrites? databaseWrites = DatabaseWrites.TryCreate(context.Compilation);
            if (databaseWrites is null || (known.EventPublisher is null && known.CommandSender is null))
            {
                return;
            }

            context.RegisterOperationBlockStartAction(blockContext =>
            {
                if (blockContext.OwningSymbol is not IMethodSymbol method)
                {
                    return;
                }

                var calls = new MethodCalls();
                blockContext.RegisterOperationAction(
                    operationContext =>
                    {
                        var invocation = (IInvocationOperation)operationContext.Operation;
                        if (databaseWrites.IsWrite(invocation))
                        {
                            calls.SetFirstWrite(invocation);
                        }
                        else if (ProducerCalls.GetMessageType(invocation.TargetMethod, known) is { } message
                            && !AtMostOnceContracts.AcceptsLoss(message))
                        {
                            // An at-most-once message may be lost anyway, and the outbox is no fix for it (MC0029).
                            calls.SetFirstProduce(invocation);
                        }
                    },
                    OperationKind.Invocation);

                blockContext.RegisterOperationBlockEndAction(endContext =>
                {
                    if (calls.FirstWrite is { } write && calls.FirstProduce is { } produce)
                    {
                        endContext.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.DualWrite,
                            produce.Syntax.GetLocation(),
                            method.Name,
                            write.TargetMethod.ContainingType.Name + "." + write.TargetMethod.Name,
                            produce.TargetMethod.ContainingType.Name + "." + produce.TargetMethod.Name));
                    }
                });
            });
        }

        /// <summary>The first database write and the first producer call of one method, by position in the source.</summary>
        private sealed class MethodCalls
        {
            private IInvocationOperation? firstWrite;
            private IInvocationOperation? firstProduce;

            public IInvocationOperation? FirstWrite => Volatile.Read(ref firstWrite);

            public IInvocationOperation? FirstProduce => Volatile.Read(ref firstProduce);

            public void SetFirstWrite(IInvocationOperation invocation) => SetFirst(ref firstWrite, invocation);

            public void SetFirstProduce(IInvocationOperation invocation) => SetFirst(ref firstProduce, invocation);

            // Operation actions of one block may run concurrently; keep the earliest in the source so the report is deterministic.
            private static void SetFirst(ref IInvocationOperation? slot, IInvocationOperation invocation)
            {
                while (true)
                {
                    IInvocationOperation? current = Volatile.Read(ref slot);
                    if (current is not null && current.Syntax.SpanStart <= invocation.Syntax.SpanStart)
                    {
                        return;
                    }

                    if (ReferenceEquals(Interlocked.CompareExchange(ref slot, invocation, current), current))
                    {
                        return;
                    }
                }
            }
        }
    }
}
