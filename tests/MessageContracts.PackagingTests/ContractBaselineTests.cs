using Xunit;

namespace MessageContracts.PackagingTests;

/// <summary>
/// The contract baseline from a fresh project that references only the package: the build writes the AsyncAPI
/// document, <c>dotnet build -p:UpdateMessageContractsBaseline=true</c> writes the baseline, a breaking change shows
/// in <c>dotnet build</c>'s output (and fails a TreatWarningsAsErrors build, which can still update the baseline),
/// accepting it makes the build clean, and a compatible change is an Info only.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ContractBaselineTests(PackedFeed packed)
{
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="MessageContracts" Version="$VERSION$" />
          </ItemGroup>
        </Project>
        """;

    private const string Shipped = """
        using MessageContracts;

        namespace Orders;

        [Event]
        public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, string CustomerId, decimal Total);
        """;

    [Fact]
    public async Task Baseline_created_broken_accepted_and_extended_from_the_command_line()
    {
        var folder = packed.NewProjectFolder("Orders");
        File.WriteAllText(Path.Combine(folder, "Orders.csproj"), Project.Replace("$VERSION$", packed.Version, StringComparison.Ordinal));
        var contracts = Path.Combine(folder, "Contracts.cs");
        var baseline = Path.Combine(folder, "MessageContracts.Shipped.json");
        File.WriteAllText(contracts, Shipped);

        // A first build: the AsyncAPI document and the schema, no baseline yet (MC0030 is an Info, so the output is clean).
        var first = await BuildAsync(folder);
        Assert.DoesNotMatch(@"warning MC00", first.Output);
        Assert.Contains("\"asyncapi\": \"3.0.0\"", File.ReadAllText(Path.Combine(folder, "bin", "Debug", "net10.0", "Orders.asyncapi.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "bin", "Debug", "net10.0", "Orders.schemas", "OrderPlaced.schema.json")));
        Assert.False(File.Exists(baseline));

        // Create the baseline.
        var created = await BuildAsync(folder, "-p:UpdateMessageContractsBaseline=true");
        Assert.Contains("MessageContracts: wrote the baseline of 1 contract(s)", created.Output, StringComparison.Ordinal);
        Assert.Contains("{ \"name\": \"total\", \"type\": \"number\", \"format\": \"decimal\", \"nullable\": false, \"required\": true }", File.ReadAllText(baseline), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"warning MC00", (await BuildAsync(folder)).Output);

        // Change a member's type: the warning is in dotnet build's output, and fails a build that treats warnings as errors.
        File.WriteAllText(contracts, Shipped.Replace("decimal Total", "string? Total", StringComparison.Ordinal));
        var broken = await BuildAsync(folder);
        Assert.Matches(@"Contracts\.cs\(\d+,\d+\): warning MC0034: Contract 'Orders\.OrderPlaced': the member 'total' changed from number \(decimal\) to string", broken.Output);
        // (--no-incremental: a property alone does not make MSBuild compile again.)
        var strict = await DotnetCli.RunAsync(folder, PackedFeed.CliTimeout, "build", "--no-incremental", "-p:TreatWarningsAsErrors=true");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Matches(@"error MC0034", strict.Output);

        // Accept the change (a TreatWarningsAsErrors build can do it): the baseline records it and the build is clean.
        var accepted = await BuildAsync(folder, "-p:UpdateMessageContractsBaseline=true", "-p:TreatWarningsAsErrors=true");
        Assert.Contains("MessageContracts: wrote the baseline", accepted.Output, StringComparison.Ordinal);
        Assert.Contains("{ \"name\": \"total\", \"type\": \"string\", \"nullable\": true, \"required\": false }", File.ReadAllText(baseline), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"warning MC00", (await BuildAsync(folder, "-p:TreatWarningsAsErrors=true")).Output);

        // Add an optional member: an Info only (in the SARIF log, not as a warning).
        File.WriteAllText(contracts, Shipped.Replace("decimal Total", "string? Total, string? Note = null", StringComparison.Ordinal));
        var log = Path.Combine(folder, "diagnostics.sarif");
        var extended = await BuildAsync(folder, "-p:TreatWarningsAsErrors=true", "-p:ErrorLog=" + log);
        Assert.DoesNotMatch(@"warning MC00", extended.Output);
        var sarif = File.ReadAllText(log);
        Assert.Contains("\"MC0037\"", sarif, StringComparison.Ordinal);
        Assert.Contains("the new optional member 'note'", sarif, StringComparison.Ordinal);
        Assert.DoesNotContain("\"MC0034\"", sarif, StringComparison.Ordinal);
    }

    private static async Task<DotnetCli.Result> BuildAsync(string folder, params string[] properties) =>
        (await DotnetCli.RunAsync(folder, PackedFeed.CliTimeout, ["build", .. properties])).EnsureSuccess("dotnet build " + string.Join(' ', properties));
}
