using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace MessageContracts.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs a code fix on test sources compiled like <see cref="MessageContractsAnalyzerTest{TAnalyzer}"/>'s (the .NET 8
/// reference assemblies and the runtime, no NuGet at test time). The framework applies the fix one diagnostic at a
/// time and through fix all (document, project, solution); <see cref="VerifyBatchAsync"/> also checks that one fix
/// all pass fixes everything.
/// </summary>
internal sealed class MessageContractsCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    private const string GlobalUsings = """
        global using System;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using MessageContracts;
        """;

    private static readonly ReferenceAssemblies NoPackages = new("net8.0");

    private static readonly MetadataReference Runtime =
        MetadataReference.CreateFromFile(typeof(EventAttribute).Assembly.Location);

    public MessageContractsCodeFixTest(string source, string fixedSource, params GeneratedContract[] contracts)
    {
        ReferenceAssemblies = NoPackages;
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        TestState.AdditionalReferences.Add(Runtime);
        TestState.Sources.Add(source);
        FixedState.Sources.Add(fixedSource);
        foreach (ProjectState state in new[] { TestState, FixedState })
        {
            state.Sources.Add(("GlobalUsings.cs", GlobalUsings));
            if (contracts.Length > 0)
            {
                state.Sources.Add(("MessageContracts.g.cs", GeneratedContract.Render(contracts)));
            }
        }
    }

    /// <summary>Checks the one-at-a-time fixes and fix all.</summary>
    public static Task VerifyAsync(string source, string fixedSource, GeneratedContract[] contracts, params DiagnosticResult[] expected)
    {
        var test = new MessageContractsCodeFixTest<TAnalyzer, TCodeFix>(source, fixedSource, contracts);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Checks that a single fix all pass (the batch fix) turns <paramref name="source"/> into <paramref name="fixedSource"/>.</summary>
    public static Task VerifyBatchAsync(string source, string fixedSource, GeneratedContract[] contracts, params DiagnosticResult[] expected)
    {
        var test = new MessageContractsCodeFixTest<TAnalyzer, TCodeFix>(source, fixedSource, contracts)
        {
            NumberOfFixAllIterations = 1,
            NumberOfFixAllInDocumentIterations = 1,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllInProjectCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor)
        => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(descriptor);
}
