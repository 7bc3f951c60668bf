using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Generators.Tests.Infrastructure;

/// <summary>The MSBuild properties the package's build props make visible to the compiler, for tests that need them.</summary>
internal sealed class GlobalOptionsProvider(ImmutableDictionary<string, string> values) : AnalyzerConfigOptionsProvider
{
    /// <summary>Documents on, as the package's build props set them.</summary>
    public static GlobalOptionsProvider DocumentsOn { get; } = new(ImmutableDictionary<string, string>.Empty.Add("build_property.MessageContractsDocuments", "true"));

    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(values);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static Options Empty { get; } = new(ImmutableDictionary<string, string>.Empty);

        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
