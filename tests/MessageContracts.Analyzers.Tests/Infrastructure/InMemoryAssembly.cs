using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MessageContracts.Analyzers.Tests.Infrastructure;

/// <summary>
/// Compiles a small project in memory and returns it as a metadata reference: how a test stands for a project
/// reference whose assembly carries what the generator wrote into it (such as <c>[assembly: HandlesMessage]</c>).
/// </summary>
internal static class InMemoryAssembly
{
    private static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(EventAttribute).Assembly.Location);

    public static MetadataReference Compile(string name, string source, params MetadataReference[] references)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            [.. Basic.Reference.Assemblies.Net80.References.All, Runtime, .. references],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
