using System.Globalization;
using Xunit;

namespace MessageContracts.PackagingTests;

/// <summary>
/// The product packed once per test run into a local feed: MessageContracts, MessageContracts.Testing and the
/// RabbitMQ and Redis transports, with a
/// version no earlier run used, so NuGet's global cache cannot serve a stale package.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(8);

    public DirectoryInfo Work { get; } = Directory.CreateTempSubdirectory("mc-packaging-");

    public string Version { get; } = "0.1.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public string Feed => Path.Combine(Work.FullName, "feed");

    public string Repository { get; } = FindRepositoryRoot();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (var project in new[]
        {
            "src/Runtime/MessageContracts/MessageContracts.csproj",
            "src/Runtime/MessageContracts.Testing/MessageContracts.Testing.csproj",
            "src/Runtime/MessageContracts.RabbitMQ/MessageContracts.RabbitMQ.csproj",
            "src/Runtime/MessageContracts.Redis/MessageContracts.Redis.csproj",
        })
        {
            (await DotnetCli.RunAsync(Repository, CliTimeout, "pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}"))
                .EnsureSuccess($"dotnet pack {project}");
        }
    }

    public Task DisposeAsync()
    {
        Work.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A new folder for a user's project, with a NuGet.config that points at the feed (and nuget.org for the rest).</summary>
    public string NewProjectFolder(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Work.FullName, name)).FullName;
        var templates = Path.Combine(AppContext.BaseDirectory, "UserProject");
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), File.ReadAllText(Path.Combine(templates, "NuGet.config.txt")).Replace("$FEED$", Feed, StringComparison.Ordinal));
        return folder;
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

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
