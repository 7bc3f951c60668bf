using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers.Tests;

/// <summary>
/// Every diagnostic has a docs page, a release-tracking line and a help link to its page, and every descriptor is
/// reported by an analyzer: a new diagnostic cannot ship half-documented.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void Ids_are_unique_and_follow_the_MC_numbering()
    {
        string[] ids = Descriptors().Select(descriptor => descriptor.Id).ToArray();

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^MC[0-9]{4}$", id));

        string[] constants = typeof(DiagnosticIds)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (string)field.GetValue(null)!)
            .ToArray();
        Assert.Subset(constants.ToHashSet(StringComparer.Ordinal), ids.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void The_fixed_IDs_of_the_public_API_keep_their_meaning_and_severity()
    {
        Assert.Equal("MC0001", DiagnosticDescriptors.CommandHasMultipleHandlers.Id);
        Assert.Equal(DiagnosticSeverity.Warning, DiagnosticDescriptors.CommandHasMultipleHandlers.DefaultSeverity);
        Assert.Equal("MC0002", DiagnosticDescriptors.HandlerNotIdempotent.Id);
        Assert.Equal(DiagnosticSeverity.Warning, DiagnosticDescriptors.HandlerNotIdempotent.DefaultSeverity);
    }

    [Fact]
    public void Every_descriptor_is_reported_by_an_analyzer_and_every_analyzer_descriptor_is_in_the_catalog()
    {
        HashSet<string> supported = Analyzers()
            .SelectMany(analyzer => analyzer.SupportedDiagnostics)
            .Select(descriptor => descriptor.Id)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(
            Descriptors().Select(descriptor => descriptor.Id).Order(StringComparer.Ordinal),
            supported.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_link_points_at_the_docs_page(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);

        Assert.Equal(
            $"https://github.com/messagecontracts/messagecontracts/blob/main/docs/diagnostics/{id}.md",
            descriptor.HelpLinkUri);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Docs_page_exists_and_says_how_to_configure_and_suppress(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string path = Path.Combine(RepositoryRoot, "docs", "diagnostics", id + ".md");

        Assert.True(File.Exists(path), $"{id} has no docs page at docs/diagnostics/{id}.md.");
        string page = File.ReadAllText(path);
        Assert.StartsWith($"# {id}: {descriptor.Title}", page, StringComparison.Ordinal);
        Assert.Contains($"| Default severity | {descriptor.DefaultSeverity} |", page, StringComparison.Ordinal);
        Assert.Contains($"| Category | `{descriptor.Category}` |", page, StringComparison.Ordinal);
        Assert.Contains($"dotnet_diagnostic.{id}.severity", page, StringComparison.Ordinal);
        Assert.Contains($"#pragma warning disable {id}", page, StringComparison.Ordinal);
        Assert.Contains("## Why it matters", page, StringComparison.Ordinal);
        Assert.Contains("Flagged:", page, StringComparison.Ordinal);
        Assert.Contains("Fixed:", page, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Release_tracking_has_a_line_with_the_category_and_severity(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string releases =
            File.ReadAllText(Path.Combine(RepositoryRoot, "src", "Analyzers", "AnalyzerReleases.Shipped.md")) + "\n" +
            File.ReadAllText(Path.Combine(RepositoryRoot, "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));

        string line = $@"^{id}\s*\|\s*{Regex.Escape(descriptor.Category)}\s*\|\s*{descriptor.DefaultSeverity}\s*\|";
        Assert.Matches(new Regex(line, RegexOptions.Multiline), releases);
    }

    [Fact]
    public void Every_docs_page_belongs_to_a_diagnostic()
    {
        HashSet<string> ids = Descriptors().Select(descriptor => descriptor.Id).ToHashSet(StringComparer.Ordinal);
        string[] pages = Directory.GetFiles(Path.Combine(RepositoryRoot, "docs", "diagnostics"), "MC*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .ToArray()!;

        Assert.All(pages, page => Assert.Contains(page, ids));
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors()
        => typeof(DiagnosticDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!);

    private static DiagnosticDescriptor Descriptor(string id)
        => Descriptors().Single(descriptor => descriptor.Id == id);

    private static IEnumerable<DiagnosticAnalyzer> Analyzers()
        => typeof(DiagnosticDescriptors).Assembly
            .GetTypes()
            .Where(type => type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!);

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Build.props"))
                && Directory.Exists(Path.Combine(directory.FullName, "src", "Analyzers")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with Directory.Build.props and src/Analyzers) was not found above " + AppContext.BaseDirectory);
    }
}
