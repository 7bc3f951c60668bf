using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace MessageContracts.Analyzers.Tests.Infrastructure;

/// <summary>
/// A project as a build sees it for the compatibility rules: the test source, everything the real generator writes for
/// it (including the contract model), the committed baseline as an additional file, and the MSBuild properties in a
/// global config. The analyzer tests use it with <see cref="EmptyCodeFixProvider"/>; the code fixes are tested in a
/// workspace (<see cref="CompatibilityWorkspace"/>), since they edit the baseline file.
/// </summary>
internal sealed class CompatibilityTest<TCodeFix> : CSharpCodeFixTest<BaselineCompatibilityAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    public const string BaselinePath = "/0/MessageContracts.Shipped.json";

    private static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(EventAttribute).Assembly.Location);

    /// <param name="source">The project's source now.</param>
    /// <param name="baseline">The committed baseline, or <see langword="null"/> for a project without one.</param>
    /// <param name="properties">MSBuild properties (<c>MessageContractsCompatibility</c>, ...).</param>
    public CompatibilityTest(string source, string? baseline, params (string Name, string Value)[] properties)
    {
        ReferenceAssemblies = new ReferenceAssemblies("net8.0");
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        TestState.AdditionalReferences.Add(Runtime);
        TestState.Sources.Add(("/0/Test0.cs", source));
        TestState.Sources.Add(("/0/GlobalUsings.cs", GeneratorOutput.GlobalUsings));
        foreach (var (hintName, text) in GeneratorOutput.Generate(WithoutMarkup(source)))
        {
            TestState.Sources.Add(("/0/" + hintName, text));
        }

        if (baseline is not null)
        {
            TestState.AdditionalFiles.Add((BaselinePath, baseline));
        }

        var config = "is_global = true\n" + string.Concat(properties.Select(p => "build_property." + p.Name + " = " + p.Value + "\n"));
        TestState.AnalyzerConfigFiles.Add(("/.globalconfig", config));
    }

    /// <summary>The source without the test framework's location markup (<c>{|#0:...|}</c>), as the generator must see it.</summary>
    public static string WithoutMarkup(string source) =>
        System.Text.RegularExpressions.Regex.Replace(source, @"\{\|#\d+:|\|\}", string.Empty);

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new DiagnosticResult(descriptor);

    /// <summary>The baseline the build would write for <paramref name="source"/>.</summary>
    public static string Baseline(string source) => GeneratorOutput.Baseline(source);
}
