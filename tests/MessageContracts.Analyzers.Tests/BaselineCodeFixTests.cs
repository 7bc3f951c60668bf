using MessageContracts.Analyzers.Tests.Infrastructure;
using MessageContracts.CodeFixes;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers.Tests;

/// <summary>
/// The compatibility code fixes, applied in a workspace: writing the baseline (MC0030, MC0038), accepting a change
/// in it (MC0031 to MC0037, one at a time and fix all), and introducing a new contract version (MC0032 to MC0036).
/// After an accepting fix the analyzer has nothing left to say.
/// </summary>
public sealed class BaselineCodeFixTests
{
    private const string Shipped = BaselineCompatibilityAnalyzerTests.Shipped;

    private static readonly string Baseline = GeneratorOutput.Baseline(Shipped);

    [Fact]
    public async Task MC0030_creates_the_baseline_the_build_would_write_beside_the_project_file()
    {
        var workspace = CompatibilityWorkspace.Create(Shipped, baseline: null);
        var diagnostic = Assert.Single(await workspace.DiagnosticsAsync());
        Assert.Equal(DiagnosticIds.BaselineMissing, diagnostic.Id);

        var (solution, title) = await workspace.ApplyAsync(new WriteBaselineCodeFix(), diagnostic);

        Assert.Equal("Create MessageContracts.Shipped.json from the current contracts", title);
        var added = solution.GetProject(workspace.ProjectId)!.AdditionalDocuments.Single();
        Assert.Equal(CompatibilityWorkspace.ProjectDirectory + "/" + WireJson.BaselineFileName, added.FilePath);
        Assert.Equal(Baseline, workspace.BaselineIn(solution));
        Assert.Empty(await CompatibilityWorkspace.DiagnosticsAsync(solution.GetProject(workspace.ProjectId)!));
    }

    [Fact]
    public async Task MC0038_writes_an_unreadable_baseline_again()
    {
        var workspace = CompatibilityWorkspace.Create(Shipped, "<<<<<<< HEAD\n{ }");
        var diagnostic = Assert.Single(await workspace.DiagnosticsAsync());
        Assert.Equal(DiagnosticIds.BaselineInvalid, diagnostic.Id);

        var (solution, _) = await workspace.ApplyAsync(new WriteBaselineCodeFix(), diagnostic);

        Assert.Equal(Baseline, workspace.BaselineIn(solution));
        Assert.Empty(await CompatibilityWorkspace.DiagnosticsAsync(solution.GetProject(workspace.ProjectId)!));
    }

    [Fact]
    public async Task Accepting_a_breaking_change_records_the_contracts_current_form_and_only_it()
    {
        var changed = Shipped
            .Replace("int Points);", "short Points);", StringComparison.Ordinal)
            .Replace("    decimal Total,", "    double Total,", StringComparison.Ordinal); // OrderPlaced changes too, compatibly
        var workspace = CompatibilityWorkspace.Create(changed, Baseline);
        var diagnostics = await workspace.DiagnosticsAsync();
        Assert.Equal([DiagnosticIds.BaselineOutdated, DiagnosticIds.ContractMemberTypeChanged], diagnostics.Select(d => d.Id));
        var narrowed = diagnostics.Single(d => d.Id == DiagnosticIds.ContractMemberTypeChanged);

        var (solution, title) = await workspace.ApplyAsync(new AcceptContractChangeCodeFix(), narrowed);

        Assert.Equal("Accept this change in MessageContracts.Shipped.json", title);
        var accepted = WireJson.Read(workspace.BaselineIn(solution)!);
        var current = WireJson.Read(GeneratorOutput.Baseline(changed));
        Assert.Equal(Json(current.Contracts.Single(c => c.CeType == "GrantPoints")), Json(accepted.Contracts.Single(c => c.CeType == "GrantPoints")));
        Assert.Equal(Json(WireJson.Read(Baseline).Contracts.Single(c => c.CeType == "OrderPlaced")), Json(accepted.Contracts.Single(c => c.CeType == "OrderPlaced")));
        Assert.Equal([DiagnosticIds.BaselineOutdated], (await CompatibilityWorkspace.DiagnosticsAsync(solution.GetProject(workspace.ProjectId)!)).Select(d => d.Id));
    }

    [Fact]
    public async Task Fix_all_accepts_every_changed_contract_in_one_edit()
    {
        var changed = Shipped
            .Replace("int Points);", "int Points, string? Reason = null);", StringComparison.Ordinal)
            .Replace("public enum Channel { Web, Store }", "public enum Channel { Web }", StringComparison.Ordinal);
        var workspace = CompatibilityWorkspace.Create(changed, Baseline);
        var diagnostics = await workspace.DiagnosticsAsync();
        Assert.Equal([DiagnosticIds.ContractEnumValuesChanged, DiagnosticIds.BaselineOutdated], diagnostics.Select(d => d.Id));

        var solution = await workspace.FixAllAsync(new AcceptContractChangeCodeFix(), diagnostics);

        Assert.Equal(GeneratorOutput.Baseline(changed), workspace.BaselineIn(solution));
        Assert.Empty(await CompatibilityWorkspace.DiagnosticsAsync(solution.GetProject(workspace.ProjectId)!));
    }

    [Fact]
    public async Task Accepting_a_removal_drops_the_contract_from_the_baseline()
    {
        var source = Shipped[..Shipped.IndexOf("[Command", StringComparison.Ordinal)];
        var workspace = CompatibilityWorkspace.Create(source, Baseline);
        var diagnostic = Assert.Single(await workspace.DiagnosticsAsync());
        Assert.Equal(DiagnosticIds.ContractRemoved, diagnostic.Id);

        var (solution, title) = await workspace.ApplyAsync(new AcceptContractChangeCodeFix(), diagnostic);

        Assert.Equal("Accept the removal: remove the contract from MessageContracts.Shipped.json", title);
        Assert.Equal(GeneratorOutput.Baseline(source), workspace.BaselineIn(solution));
        Assert.Empty(await CompatibilityWorkspace.DiagnosticsAsync(solution.GetProject(workspace.ProjectId)!));
    }

    [Fact]
    public async Task Introducing_a_new_version_copies_the_contract_under_a_new_name_on_the_same_topic()
    {
        var changed = Shipped
            .Replace("[Event]\npublic sealed partial record OrderPlaced(", "[Event(Type = \"Shop.OrderPlaced\")]\npublic sealed partial record OrderPlaced(", StringComparison.Ordinal)
            .Replace("    decimal Total,", "    string? Total,", StringComparison.Ordinal);
        var workspace = CompatibilityWorkspace.Create(changed, GeneratorOutput.Baseline(changed.Replace("    string? Total,", "    decimal Total,", StringComparison.Ordinal)));
        var diagnostic = Assert.Single(await workspace.DiagnosticsAsync());
        Assert.Equal(DiagnosticIds.ContractMemberTypeChanged, diagnostic.Id);

        var (solution, title) = await workspace.ApplyAsync(new IntroduceContractVersionCodeFix(), diagnostic);

        Assert.Equal("Introduce 'OrderPlacedV2' with this shape instead (then restore 'OrderPlaced' as shipped)", title);
        var text = (await solution.GetProject(workspace.ProjectId)!.Documents.Single(d => d.Name == "Test0.cs").GetTextAsync()).ToString();
        Assert.Contains(
            "\n\n[Event(Topic = \"order-placed\", Type = \"Shop.OrderPlacedV2\")]\npublic sealed partial record OrderPlacedV2(\n    [property: PartitionKey] Guid OrderId,\n    string CustomerId,\n    string? Total,",
            text,
            StringComparison.Ordinal);
        Assert.Contains("[Event(Type = \"Shop.OrderPlaced\")]\npublic sealed partial record OrderPlaced(", text, StringComparison.Ordinal);

        // The copy is a valid contract of its own: the generator implements it and nothing collides.
        var generated = GeneratorOutput.Generate(text);
        Assert.Contains(generated, s => s.HintName == "Shop.OrderPlacedV2.Contract.g.cs");
    }

    [Fact]
    public async Task A_second_version_takes_the_next_free_number_and_a_default_topic_is_written_out()
    {
        var changed = Shipped.Replace("    decimal Total,", "    string? Total,", StringComparison.Ordinal)
            + "\n\n[Event(Topic = \"order-placed\")]\npublic sealed partial record OrderPlacedV2([property: PartitionKey] Guid OrderId);\n";
        var workspace = CompatibilityWorkspace.Create(changed, Baseline);
        var diagnostic = (await workspace.DiagnosticsAsync()).Single(d => d.Id == DiagnosticIds.ContractMemberTypeChanged);

        var (solution, title) = await workspace.ApplyAsync(new IntroduceContractVersionCodeFix(), diagnostic);

        Assert.StartsWith("Introduce 'OrderPlacedV3'", title, StringComparison.Ordinal);
        var text = (await solution.GetProject(workspace.ProjectId)!.Documents.Single(d => d.Name == "Test0.cs").GetTextAsync()).ToString();
        Assert.Contains("[Event(Topic = \"order-placed\")]\npublic sealed partial record OrderPlacedV3(", text, StringComparison.Ordinal);
    }

    private static string Json(WireContract contract) => JsonText.WriteCompact(WireJson.ToJson(contract));
}
