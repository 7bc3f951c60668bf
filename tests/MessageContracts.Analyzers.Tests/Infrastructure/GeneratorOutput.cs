using System.Collections.Immutable;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs the real source generator (documents on, as the package's build props set it) over test sources: what it
/// writes is what the compatibility analyzers read in a build, so their tests use it instead of a stand-in.
/// </summary>
internal static class GeneratorOutput
{
    public const string GlobalUsings = """
        global using System;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using MessageContracts;
        """;

    private static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(EventAttribute).Assembly.Location);

    /// <summary>The generated files (hint name, text) for <paramref name="source"/>.</summary>
    public static ImmutableArray<(string HintName, string Text)> Generate(string source)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "TestProject",
            [CSharpSyntaxTree.ParseText(source, parse, path: "Test0.cs"), CSharpSyntaxTree.ParseText(GlobalUsings, parse, path: "GlobalUsings.cs")],
            [.. Basic.Reference.Assemblies.Net80.References.All, Runtime],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(
            [new MessageContracts.Generators.MessageContractsGenerator().AsSourceGenerator()],
            parseOptions: parse,
            optionsProvider: new DocumentsOn());
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return [.. result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString()))];
    }

    /// <summary>The baseline the build would write for <paramref name="source"/>.</summary>
    public static string Baseline(string source)
    {
        var model = Generate(source).Single(s => s.HintName == "MessageContracts.Model.g.cs").Text;
        var attribute = CSharpSyntaxTree.ParseText(model).GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>().Single();
        return WireJson.WriteBaseline(WireJson.Read(attribute.Token.ValueText).Contracts);
    }

    private sealed class DocumentsOn : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(ImmutableDictionary<string, string>.Empty.Add("build_property.MessageContractsDocuments", "true"));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(ImmutableDictionary<string, string>.Empty);

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
