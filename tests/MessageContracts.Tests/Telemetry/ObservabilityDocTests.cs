using System.Text.RegularExpressions;
using Xunit;

namespace MessageContracts.Tests.Telemetry;

/// <summary>docs/observability.md lists every instrument the runtime creates: a new one without a row fails here.</summary>
public sealed partial class ObservabilityDocTests
{
    [Fact]
    public void Every_instrument_in_the_source_has_a_row_in_observability_md()
    {
        var root = RepositoryRoot();
        var names = Directory.EnumerateFiles(Path.Combine(root, "src", "Runtime"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => InstrumentName().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var doc = File.ReadAllText(Path.Combine(root, "docs", "observability.md"));

        Assert.True(names.Count >= 16, $"only {names.Count} instruments found in the source: the pattern no longer matches how they are created");
        Assert.Empty(names.Where(name => !doc.Contains($"| `{name}` |", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    // The instrument's name is the first argument of Meter.Create*, on the same line or the next.
    [GeneratedRegex("""Create(?:Counter|Histogram|UpDownCounter|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<\w+>)?\(\s*"([^"]+)"\s*,""")]
    private static partial Regex InstrumentName();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MessageContracts.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("MessageContracts.sln not found above the test's directory.");
    }
}
