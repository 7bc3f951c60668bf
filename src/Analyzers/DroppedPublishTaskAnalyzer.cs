using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0018: the task of <c>PublishAsync</c>/<c>SendAsync</c> is dropped. Dropped means the call is a statement of
    /// its own (not awaited) or is assigned to the discard <c>_</c>. An explicit discard is reported too: it still
    /// loses the outcome, and the way to say "failures do not matter" is <c>PublishFailurePolicy.Ignore</c>, which
    /// counts and logs them. A task that is awaited, stored, returned or passed on is not dropped.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DroppedPublishTaskAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.DroppedPublishTask);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            if (known.EventPublisher is null && known.CommandSender is null)
            {
                return;
            }

            context.RegisterOperationAction(operationContext => Analyze(operationContext, known), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, KnownTypes known)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (ProducerCalls.GetMessageType(invocation.TargetMethod, known) is null)
            {
                return;
            }

            string? how = HowDropped(invocation);
            if (how is null)
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DroppedPublishTask,
                invocation.Syntax.GetLocation(),
                invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name,
                how));
        }

        /// <summary>How the task is dropped, worded for the message, or <see langword="null"/> when it is used.</summary>
        private static string? HowDropped(IInvocationOperation invocation)
        {
            // publisher.PublishAsync(m).ConfigureAwait(false) on its own is just as dropped.
            IOperation task = invocation;
            while (task.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait
                && ReferenceEquals(configureAwait.Instance, task))
            {
                task = configureAwait;
            }

            switch (task.Parent)
            {
                case IExpressionStatementOperation:
                    return "not awaited";
                case ISimpleAssignmentOperation { Target: IDiscardOperation } assignment when assignment.Parent is IExpressionStatementOperation:
                    return "discarded with '_ ='";
                default:
                    return null;
            }
        }
    }
}
