using System.IO.Compression;
using Xunit;

namespace MessageContracts.PackagingTests;

/// <summary>
/// The experience of a user who adds the package: pack the product into a local feed, create a fresh
/// project outside the repository that references only the packages, build it, run it.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageExperienceTests(PackedFeed packed)
{
    private static readonly TimeSpan CliTimeout = PackedFeed.CliTimeout;

    [Fact]
    public async Task A_fresh_project_using_only_the_packages_gets_the_analyzers_and_handles_a_message()
    {
        var work = packed.Work;
        var version = packed.Version;
        var feed = packed.Feed;

        AssertPackageLayout(Path.Combine(feed, $"MessageContracts.{version}.nupkg"));
        Assert.True(File.Exists(Path.Combine(feed, $"MessageContracts.Testing.{version}.nupkg")));

        var app = Directory.CreateDirectory(Path.Combine(work.FullName, "UserApp")).FullName;
        var templates = Path.Combine(AppContext.BaseDirectory, "UserProject");
        File.WriteAllText(Path.Combine(app, "UserApp.csproj"), File.ReadAllText(Path.Combine(templates, "UserApp.csproj.txt")).Replace("$VERSION$", version));
        File.WriteAllText(Path.Combine(app, "NuGet.config"), File.ReadAllText(Path.Combine(templates, "NuGet.config.txt")).Replace("$FEED$", feed));
        File.WriteAllText(Path.Combine(app, "Program.cs"), File.ReadAllText(Path.Combine(templates, "Program.cs.txt")));

        var build = (await DotnetCli.RunAsync(app, CliTimeout, "build", "-c", "Release"))
            .EnsureSuccess("dotnet build of the user's project");
        Assert.Matches(@"Program\.cs\(\d+,\d+\): warning MC0001", build.Output);
        Assert.Matches(@"Program\.cs\(\d+,\d+\): warning MC0002", build.Output);
        Assert.Contains("AuditGrantPointsHandler", build.Output);

        var run = (await DotnetCli.RunAsync(app, CliTimeout, "run", "-c", "Release", "--no-build"))
            .EnsureSuccess("dotnet run of the user's project");
        Assert.Matches(@"SENT [0-9a-f-]{36}", run.Output);
        Assert.Matches(@"HANDLED [0-9a-f-]{36} customer-1 10", run.Output);
        Assert.True(File.Exists(Path.Combine(app, "bin", "Release", "net10.0", "UserApp.asyncapi.json")), "the build wrote no AsyncAPI document");
    }

    private static void AssertPackageLayout(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(entry => entry.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net8.0/MessageContracts.dll", entries);
        Assert.Contains("lib/net10.0/MessageContracts.dll", entries);
        Assert.Contains("lib/net10.0/MessageContracts.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/MessageContracts.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/MessageContracts.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/MessageContracts.CodeFixes.dll", entries);
        Assert.Contains("tasks/netstandard2.0/MessageContracts.Build.dll", entries);
        Assert.Contains("buildTransitive/MessageContracts.props", entries);
        Assert.Contains("buildTransitive/MessageContracts.targets", entries);
        Assert.Contains("buildTransitive/MessageContracts.ILLink.Descriptors.xml", entries);
        Assert.Contains("build/MessageContracts.props", entries);
        Assert.Contains("build/MessageContracts.targets", entries);
    }
}
