using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace MessageContracts.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs one analyzer over test sources compiled against the .NET 8 reference assemblies and the MessageContracts
/// runtime, without touching the network: no NuGet package is resolved at test time.
/// </summary>
/// <remarks>
/// The source generator is not part of these tests, so a contract the tests treat as valid gets the partial
/// declaration the generator would add from <see cref="GeneratedContract"/>. That keeps every test compilation free
/// of compiler errors unless a test expects one, so a typo in a snippet fails the test instead of passing silently.
/// </remarks>
internal sealed class MessageContractsAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>What every snippet may use without writing it: the usings a .NET project has implicitly, plus MessageContracts.</summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using MessageContracts;
        """;

    // A framework identifier without a reference assembly package: ReferenceAssemblies then resolves nothing,
    // so it never asks a NuGet feed. The framework comes from Basic.Reference.Assemblies.Net80 instead.
    private static readonly ReferenceAssemblies NoPackages = new("net8.0");

    private static readonly MetadataReference Runtime =
        MetadataReference.CreateFromFile(typeof(EventAttribute).Assembly.Location);

    public MessageContractsAnalyzerTest(string source, params GeneratedContract[] contracts)
    {
        ReferenceAssemblies = NoPackages;
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        TestState.AdditionalReferences.Add(Runtime);
        TestState.Sources.Add(source);
        TestState.Sources.Add(("GlobalUsings.cs", GlobalUsings));
        if (contracts.Length > 0)
        {
            TestState.Sources.Add(("MessageContracts.g.cs", GeneratedContract.Render(contracts)));
        }
    }

    /// <summary>Analyzes <paramref name="source"/> and checks that exactly <paramref name="expected"/> are reported.</summary>
    public static Task VerifyAsync(string source, GeneratedContract[] contracts, params DiagnosticResult[] expected)
    {
        var test = new MessageContractsAnalyzerTest<TAnalyzer>(source, contracts);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <inheritdoc cref="VerifyAsync(string, GeneratedContract[], DiagnosticResult[])"/>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
        => VerifyAsync(source, [], expected);

    /// <summary>An expected diagnostic of the analyzer under test; its message is checked once arguments are given.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor)
        => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(descriptor);

    /// <summary>
    /// An expected diagnostic whose message is not checked: for the contract rules whose wording comes from the
    /// shared rules in src/Shared, checked word for word in a few tests only.
    /// </summary>
    public static DiagnosticResult DiagnosticWithAnyMessage(DiagnosticDescriptor descriptor)
        => new(descriptor.Id, descriptor.DefaultSeverity);
}
