using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// The shared start of every MessageContracts analyzer: skip generated code, run concurrently, resolve the
    /// marker types once per compilation, and register nothing when MessageContracts is not referenced.
    /// </summary>
    public abstract class MessageContractsAnalyzer : DiagnosticAnalyzer
    {
        public sealed override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(compilationContext =>
            {
                KnownTypes? known = KnownTypes.TryCreate(compilationContext.Compilation);
                if (known is not null)
                {
                    OnCompilationStart(compilationContext, known);
                }
            });
        }

        /// <summary>Registers the analyzer's actions for a compilation that references MessageContracts.</summary>
        private protected abstract void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known);
    }
}
