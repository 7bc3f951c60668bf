using System.Globalization;
using System.IO.Compression;
using Xunit;

namespace MessageContracts.PackagingTests;

/// <summary>
/// The experience of a user who adds the package: pack the product into a local feed, create a fresh
/// project outside the repository that references only the packages, build it, run it.
/// </summary>
public sealed class PackageExperienceTests
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task A_fresh_project_using_only_the_packages_gets_the_analyzers_and_handles_a_message()
    {
        var repository = FindRepositoryRoot();
        var work = Directory.CreateTempSubdirectory("mc-packaging-");
        try
        {
            // A version no earlier run used, so NuGet's global cache cannot serve a stale package.
            var version = "0.1.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
            var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;

            foreach (var project in new[] { "src/Runtime/MessageContracts/MessageContracts.csproj", "src/Runtime/MessageContracts.Testing/MessageContracts.Testing.csproj" })
            {
                (await DotnetCli.RunAsync(repository, CliTimeout, "pack", project, "-c", "Release", "-o", feed, $"-p:Version={version}"))
                    .EnsureSuccess($"dotnet pack {project}");
            }

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
        }
        finally
        {
            work.Delete(recursive: true);
        }
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
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MessageContracts.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"MessageContracts.sln not found above {AppContext.BaseDirectory}.");
    }
}
