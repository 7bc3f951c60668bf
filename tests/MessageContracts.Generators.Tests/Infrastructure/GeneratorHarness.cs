using System.Collections.Immutable;
using System.Reflection;
using MessageContracts.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Generators.Tests.Infrastructure;

/// <summary>Runs <see cref="MessageContractsGenerator"/> in memory over C# sources and compiles the result.</summary>
internal static class GeneratorHarness
{
    /// <summary>C# latest with XML documentation diagnostics on, so doc-comment mistakes in generated code show up.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, string assemblyName = "TestAssembly", IEnumerable<MetadataReference>? extraReferences = null) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References.AddRange(extraReferences ?? []),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                deterministic: true));

    public static GeneratorDriver CreateDriver(bool trackSteps = true, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider? options = null) =>
        CSharpGeneratorDriver.Create(
            [new MessageContractsGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            optionsProvider: options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator and returns its result and the compilation with the generated sources added.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    public static GeneratorRun Run(Compilation compilation, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider? options = null)
    {
        var driver = CreateDriver(options: options).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult();
        return new GeneratorRun(driver, result, output, driverDiagnostics);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The running framework's assemblies plus the runtime library and what its public surface uses.
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "netstandard.dll" or "mscorlib.dll" or "Microsoft.Win32.Primitives.dll"))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var assembly in new[] { typeof(GeneratedMessageModule).Assembly, typeof(IServiceCollection).Assembly, typeof(Confluent.Kafka.Message<,>).Assembly })
        {
            paths.Add(assembly.Location);
        }

        return [.. paths.Order(StringComparer.Ordinal).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }
}

/// <summary>One generator run: the driver (for incremental re-runs), its result and the updated compilation.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> DriverDiagnostics)
{
    public GeneratorRunResult Single => Result.Results.Single();

    public IReadOnlyList<string> HintNames => [.. Single.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal)];

    public string Source(string hintName) => Single.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    /// <summary>
    /// Errors and warnings of the compilation including the generated code, as readable lines: as the generator
    /// emits it, and again with nullable warnings turned on in the generated files (they ship with warnings off, for
    /// build speed), so a nullability mistake in the generated code still fails a test.
    /// </summary>
    public IReadOnlyList<string> CompilationProblems =>
        [.. Problems(Output), .. Problems(WithNullableWarnings(Output)).Select(problem => "(nullable warnings on) " + problem)];

    private static IEnumerable<string> Problems(Compilation compilation) =>
        compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => d.Id != "CS1591" || IsGenerated(d.Location.SourceTree)) // test sources are undocumented
            .Select(d => $"{d.Id} {d.Location.SourceTree?.FilePath}{d.Location.GetLineSpan().StartLinePosition}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");

    private static Compilation WithNullableWarnings(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees.Where(IsGenerated).ToList())
        {
            var text = tree.GetText().ToString();
            var enabled = text.Replace("#nullable disable warnings", "#nullable enable warnings", StringComparison.Ordinal);
            Assert.NotEqual(text, enabled);
            compilation = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(enabled)));
        }

        return compilation;
    }

    private static bool IsGenerated(SyntaxTree? tree) => tree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true;

    /// <summary>Asserts the generator neither threw nor reported anything, and everything compiles without a warning.</summary>
    public GeneratorRun AssertCleanCompile()
    {
        Assert.Null(Single.Exception);
        Assert.Empty(DriverDiagnostics);
        var problems = CompilationProblems;
        if (problems.Count > 0)
        {
            var generated = string.Join("\n\n", Single.GeneratedSources.Select(s => "// ---- " + s.HintName + "\n" + s.SourceText));
            Assert.Fail("The compilation has problems:\n" + string.Join("\n", problems) + "\n\nGenerated:\n" + generated);
        }

        return this;
    }
}
