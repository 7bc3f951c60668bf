using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace MessageContracts.Analyzers.Tests.Infrastructure;

/// <summary>
/// A project in a workspace, as the IDE holds it, for the compatibility code fixes: the source, what the real generator
/// writes for it, the baseline as an additional document beside the project file, and the MSBuild properties as a
/// global config. The fixes edit the baseline (or add it), which the analyzer test framework does not check, so these
/// tests apply a fix themselves and read the result.
/// </summary>
internal sealed class CompatibilityWorkspace
{
    public const string ProjectDirectory = "/src/Shop";

    private static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(EventAttribute).Assembly.Location);

    private CompatibilityWorkspace(Solution solution, ProjectId project)
    {
        Solution = solution;
        ProjectId = project;
    }

    public Solution Solution { get; }

    public ProjectId ProjectId { get; }

    public Project Project => Solution.GetProject(ProjectId)!;

    public static CompatibilityWorkspace Create(string source, string? baseline, params (string Name, string Value)[] properties)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Create(),
            "Shop",
            "Shop",
            LanguageNames.CSharp,
            filePath: ProjectDirectory + "/Shop.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: parse,
            metadataReferences: [.. Basic.Reference.Assemblies.Net80.References.All, Runtime]));
        solution = AddSource(solution, projectId, "Test0.cs", source);
        solution = AddSource(solution, projectId, "GlobalUsings.cs", GeneratorOutput.GlobalUsings);
        foreach (var (hintName, text) in GeneratorOutput.Generate(source))
        {
            solution = AddSource(solution, projectId, hintName, text);
        }

        if (baseline is not null)
        {
            solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId), "MessageContracts.Shipped.json", SourceText.From(baseline), filePath: ProjectDirectory + "/MessageContracts.Shipped.json");
        }

        var config = "is_global = true\n" + string.Concat(properties.Select(p => "build_property." + p.Name + " = " + p.Value + "\n"));
        solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".globalconfig", SourceText.From(config), filePath: "/.globalconfig");
        return new CompatibilityWorkspace(solution, projectId);
    }

    private static Solution AddSource(Solution solution, ProjectId project, string name, string text) =>
        solution.AddDocument(DocumentId.CreateNewId(project), name, SourceText.From(text), filePath: ProjectDirectory + "/" + name);

    /// <summary>The compatibility diagnostics of <paramref name="project"/>, in source order.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = await compilation
            .WithAnalyzers([new BaselineCompatibilityAnalyzer()], project.AnalyzerOptions)
            .GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    public Task<ImmutableArray<Diagnostic>> DiagnosticsAsync() => DiagnosticsAsync(Project);

    /// <summary>Applies the one action <paramref name="fix"/> offers for <paramref name="diagnostic"/>.</summary>
    public async Task<(Solution Solution, string Title)> ApplyAsync(CodeFixProvider fix, Diagnostic diagnostic)
    {
        Assert.Contains(diagnostic.Id, fix.FixableDiagnosticIds);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(DocumentOf(diagnostic), diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await fix.RegisterCodeFixesAsync(context);
        var single = Assert.Single(actions);
        var operations = await single.GetOperationsAsync(CancellationToken.None);
        return (operations.OfType<ApplyChangesOperation>().Single().ChangedSolution, single.Title);
    }

    /// <summary>Applies <paramref name="fix"/>'s fix all to every diagnostic of the project.</summary>
    public async Task<Solution> FixAllAsync(CodeFixProvider fix, ImmutableArray<Diagnostic> diagnostics)
    {
        var provider = fix.GetFixAllProvider()!;
        var first = diagnostics[0];
        var fixAllContext = new FixAllContext(
            DocumentOf(first) as Document ?? Project.Documents.First(),
            fix,
            FixAllScope.Project,
            actions(fix, first).Result,
            diagnostics.Select(d => d.Id).Distinct(),
            new DiagnosticProvider(diagnostics),
            CancellationToken.None);
        var action = (await provider.GetFixAsync(fixAllContext))!;
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        return operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;

        async Task<string?> actions(CodeFixProvider provider, Diagnostic diagnostic)
        {
            var registered = new List<CodeAction>();
            await provider.RegisterCodeFixesAsync(new CodeFixContext(DocumentOf(diagnostic), diagnostic, (a, _) => registered.Add(a), CancellationToken.None));
            return registered[0].EquivalenceKey;
        }
    }

    /// <summary>The project's baseline text after a fix, or <see langword="null"/>.</summary>
    public string? BaselineIn(Solution solution) =>
        solution.GetProject(ProjectId)!.AdditionalDocuments.SingleOrDefault(d => d.Name == "MessageContracts.Shipped.json")?.GetTextAsync().Result.ToString();

    private TextDocument DocumentOf(Diagnostic diagnostic)
    {
        if (diagnostic.Location.SourceTree is { } tree)
        {
            return Solution.GetDocument(tree)!;
        }

        var path = diagnostic.Location.GetLineSpan().Path;
        return Project.AdditionalDocuments.Single(d => d.FilePath == path);
    }

    private sealed class DiagnosticProvider(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult(diagnostics.Where(d => d.Location.SourceTree == document.GetSyntaxTreeAsync(cancellationToken).Result));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(diagnostics.Where(d => d.Location.SourceTree is null));
    }
}
