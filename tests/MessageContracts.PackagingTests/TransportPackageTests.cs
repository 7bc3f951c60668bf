using Xunit;

namespace MessageContracts.PackagingTests;

/// <summary>
/// A user who adds a transport package (issues 14 and 15): a fresh project outside the repository that references only
/// MessageContracts, MessageContracts.RabbitMQ and MessageContracts.Redis from the packed feed, publishes an event and
/// handles it over the real broker scripts/brokers.sh starts. Without the broker's variable the test fails, never skips.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class TransportPackageTests(PackedFeed packed)
{
    [Theory]
    [InlineData("rabbitmq", "MESSAGECONTRACTS_RABBITMQ")]
    [InlineData("redis", "MESSAGECONTRACTS_REDIS")]
    public async Task A_fresh_project_using_the_transport_package_publishes_and_handles_over_the_real_broker(string transport, string variable)
    {
        var address = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run the tests through scripts/test.sh, which starts the brokers.");
        var app = packed.NewProjectFolder("UserTransportApp-" + transport);
        var templates = Path.Combine(AppContext.BaseDirectory, "UserProject");
        File.WriteAllText(Path.Combine(app, "UserTransportApp.csproj"), File.ReadAllText(Path.Combine(templates, "UserTransportApp.csproj.txt")).Replace("$VERSION$", packed.Version, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(app, "Program.cs"), File.ReadAllText(Path.Combine(templates, "TransportProgram.cs.txt")));

        (await DotnetCli.RunAsync(app, PackedFeed.CliTimeout, "build", "-c", "Release")).EnsureSuccess($"dotnet build of the user's {transport} project");
        var run = (await DotnetCli.RunAsync(app, PackedFeed.CliTimeout, "run", "-c", "Release", "--no-build", "--", transport, address))
            .EnsureSuccess($"dotnet run of the user's {transport} project");

        var sent = System.Text.RegularExpressions.Regex.Match(run.Output, @"SENT ([0-9a-f-]{36})");
        Assert.True(sent.Success, run.Output);
        Assert.Contains($"HANDLED {sent.Groups[1].Value}", run.Output);
    }
}
