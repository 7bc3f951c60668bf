using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

// Usage: CompatAnalyzer <csc-args-file> <rounds> <label>=<MessageContracts.Analyzers.dll> [<label>=<dll> ...]
// The args file holds the csc command line of a GeneratorBuild `docs` build, one argument a line. The generator runs
// once (from the command line's /analyzer); then each round runs BaselineCompatibilityAnalyzer of every given build,
// in an order that alternates between rounds, each on a fresh compilation of the same syntax trees and freshly loaded
// (so nothing it keeps in statics, such as its parsed-document cache, carries over: a build's cold cost, JIT included),
// and prints the analyzer's execution time (Roslyn's telemetry: its callbacks only, summed over threads) and the
// process CPU time of the whole analysis (which includes binding the compilation, the same for every build).
var argsFile = args[0];
var rounds = int.Parse(args[1]);
var builds = args.Skip(2).Select(a => a.Split('=', 2)).Select(p => (Label: p[0], Path: Path.GetFullPath(p[1]))).ToList();

var lines = File.ReadAllLines(argsFile).Where(l => l.Length > 0).ToArray();
var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(argsFile))!;
var parsed = CSharpCommandLineParser.Default.Parse(lines, Directory.GetCurrentDirectory(), sdkDirectory: null);
var parseOptions = parsed.ParseOptions;
var trees = parsed.SourceFiles
    .Select(f => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(f.Path), Encoding.UTF8), parseOptions, f.Path))
    .ToImmutableArray();
var references = parsed.MetadataReferences
    .Select(r => (MetadataReference)MetadataReference.CreateFromFile(r.Reference.Trim('"')))
    .ToImmutableArray();
var additional = parsed.AdditionalFiles.Select(f => (AdditionalText)new FileText(f.Path)).ToImmutableArray();
var globalOptions = ImmutableDictionary<string, string>.Empty;
if (parsed.AnalyzerConfigPaths.Length > 0)
{
    var configs = parsed.AnalyzerConfigPaths.Select(p => AnalyzerConfig.Parse(File.ReadAllText(p), p)).ToList();
    globalOptions = AnalyzerConfigSet.Create(configs).GlobalConfigOptions.AnalyzerOptions;
}

var options = new AnalyzerOptions(additional, new GlobalOnlyOptionsProvider(globalOptions));
var generatorPath = parsed.AnalyzerReferences.Select(r => r.FilePath.Trim('"')).Single(p => p.EndsWith("/MessageContracts.Generators.dll", StringComparison.Ordinal));
var generatorReference = new AnalyzerFileReference(generatorPath, new ContextLoader());
var generators = generatorReference.GetGenerators(LanguageNames.CSharp);

CSharpCompilation Fresh() => CSharpCompilation.Create("Bench", trees, references, (CSharpCompilationOptions)parsed.CompilationOptions);

var driver = CSharpGeneratorDriver.Create(generators, parseOptions: (CSharpParseOptions)parseOptions, optionsProvider: options.AnalyzerConfigOptionsProvider, additionalTexts: additional);
driver = (CSharpGeneratorDriver)driver.RunGenerators(Fresh());
var generated = driver.GetRunResult().GeneratedTrees;
Console.WriteLine($"{trees.Length} sources, {generated.Length} generated, {references.Length} references, {additional.Length} additional files, generator {generatorPath}");
trees = trees.AddRange(generated);

var times = builds.ToDictionary(b => b.Label, _ => new List<(double Analyzer, double Cpu)>());
var outputs = new Dictionary<string, string>();
for (var round = 1; round <= rounds; round++)
{
    var order = round % 2 == 1 ? builds : Enumerable.Reverse(builds).ToList();
    foreach (var (label, path) in order)
    {
        var analyzer = Load(path);
        var compilation = Fresh();
        GC.Collect();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create(analyzer),
            new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
        times[label].Add((telemetry.ExecutionTime.TotalSeconds, cpu));
        var text = string.Join("\n", diagnostics.Select(Describe).OrderBy(d => d, StringComparer.Ordinal));
        outputs[label] = text;
        Console.WriteLine($"round {round}  {label,-8} analyzer {telemetry.ExecutionTime.TotalSeconds,7:F3} s  analysis cpu {cpu,7:F3} s  "
            + $"{diagnostics.Length} diagnostics ({Hash(text)}); symbol actions {telemetry.SymbolActionsCount}, compilation end {telemetry.CompilationEndActionsCount}");
    }
}

foreach (var (label, list) in times)
{
    Console.WriteLine($"{label,-8} median analyzer {Median(list.Select(t => t.Analyzer)):F3} s ({list.Min(t => t.Analyzer):F3}-{list.Max(t => t.Analyzer):F3}), "
        + $"analysis cpu {Median(list.Select(t => t.Cpu)):F3} s");
}

foreach (var (label, text) in outputs)
{
    Console.WriteLine($"{label}: {(text.Length == 0 ? "no diagnostics" : text.Length > 2000 ? text[..2000] + " ..." : text)}");
}

Console.WriteLine(outputs.Values.Distinct().Count() == 1 ? "diagnostics: identical across builds" : "diagnostics: DIFFER across builds");
return outputs.Values.Distinct().Count() == 1 ? 0 : 1;

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Describe(Diagnostic d) =>
    d.Id + " " + d.Location.GetLineSpan() + " " + d.GetMessage() + " " + string.Join(",", d.Properties.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value));

static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

static DiagnosticAnalyzer Load(string path)
{
    var context = new DirectoryContext(path);
    var assembly = context.LoadFromAssemblyPath(path);
    var type = assembly.GetType("MessageContracts.Analyzers.BaselineCompatibilityAnalyzer", throwOnError: true)!;
    return (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
}

/// <summary>Loads one build of an analyzer with its own dependencies; Roslyn itself comes from the host.</summary>
sealed class DirectoryContext(string mainPath) : AssemblyLoadContext(isCollectible: false)
{
    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || name.Name.StartsWith("System", StringComparison.Ordinal))
        {
            return null;
        }

        var candidate = Path.Combine(Path.GetDirectoryName(mainPath)!, name.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}

sealed class ContextLoader : IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath)
    {
    }

    public Assembly LoadFromPath(string fullPath) => new DirectoryContext(fullPath).LoadFromAssemblyPath(fullPath);
}

sealed class FileText(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default)
    {
        using var stream = File.OpenRead(Path);
        return SourceText.From(stream);
    }
}

sealed class GlobalOnlyOptionsProvider(ImmutableDictionary<string, string> global) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new DictionaryOptions(global);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => DictionaryOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => DictionaryOptions.Empty;
}

sealed class DictionaryOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
{
    public static DictionaryOptions Empty { get; } = new(ImmutableDictionary<string, string>.Empty);

    public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
}
