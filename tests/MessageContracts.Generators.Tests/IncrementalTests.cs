using System.Collections;
using System.Reflection;
using MessageContracts.Generators.Tests.Infrastructure;
using MessageContracts.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MessageContracts.Generators.Tests;

/// <summary>Every tracked step caches across runs, and no model holds a symbol, syntax node, location or compilation.</summary>
public sealed class IncrementalTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using MessageContracts;

        namespace Shop;

        public enum Channel { Web, Store }

        public sealed record Address(string Street, string? City);

        [Event]
        public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, string CustomerId, Channel Channel, List<Address> Addresses);

        [Command(Topic = "loyalty.grant-points")]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points);

        [Event]
        public sealed record Invalid(object Value);

        public sealed class Handler : IMessageHandler<OrderPlaced>, IMessageHandler<GrantPoints>
        {
            public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        // Sends, for the contract model's send operations (documents on, as the package's build props set them).
        public sealed class Checkout(IEventPublisher<OrderPlaced> orders, IOutbox outbox)
        {
            public async Task PlaceAsync(OrderPlaced order, System.Data.Common.DbTransaction transaction)
            {
                await orders.PublishAsync(order);
                await outbox.EnqueueAsync(new GrantPoints(order.CustomerId, 1), transaction);
            }
        }
        """;

    private static readonly string[] TrackedNames =
    [
        .. typeof(MessageContractsGenerator).Assembly
            .GetType("MessageContracts.Generators.TrackingNames")!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (string)field.GetRawConstantValue()!),
    ];

    [Fact]
    public void Second_run_caches_every_step()
    {
        var compilation = GeneratorHarness.CreateCompilation([Source]);
        var driver = GeneratorHarness.CreateDriver(options: GlobalOptionsProvider.DocumentsOn).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        driver = driver.RunGenerators(compilation.Clone());
        var second = driver.GetRunResult().Results.Single();

        AssertAllStepsTracked(first);
        AssertCachedOrUnchanged(second);
        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), second.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void Unrelated_edit_caches_every_step()
    {
        var compilation = GeneratorHarness.CreateCompilation([Source]);
        var driver = GeneratorHarness.CreateDriver(options: GlobalOptionsProvider.DocumentsOn).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            """
            namespace Other;

            public sealed class Unrelated : System.IDisposable
            {
                public void Dispose() { }
            }

            public sealed class Plain { }
            """,
            GeneratorHarness.ParseOptions,
            path: "Unrelated.cs"));
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();

        AssertCachedOrUnchanged(second);
        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), second.GeneratedSources.Select(s => s.SourceText.ToString()));
        Assert.Contains(first.GeneratedSources, s => s.HintName == MessageContracts.Generators.Documents.DocumentsPipeline.HintName);
    }

    [Fact]
    public void Editing_a_contract_reruns_the_contract_model_with_the_new_member()
    {
        var compilation = GeneratorHarness.CreateCompilation([Source, "namespace Extra { [MessageContracts.Event] public partial record Extra1(int N); }"]);
        var driver = GeneratorHarness.CreateDriver(options: GlobalOptionsProvider.DocumentsOn).RunGenerators(compilation);

        var oldTree = compilation.SyntaxTrees.Last();
        var newTree = CSharpSyntaxTree.ParseText("namespace Extra { [MessageContracts.Event] public partial record Extra1(int N, int M); }", GeneratorHarness.ParseOptions, path: oldTree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree));
        var result = driver.GetRunResult().Results.Single();

        var wires = result.TrackedSteps[TrackingNames.WireContracts].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.Equal(1, wires.Count(r => r == IncrementalStepRunReason.Modified));
        var model = result.GeneratedSources.Single(s => s.HintName == MessageContracts.Generators.Documents.DocumentsPipeline.HintName).SourceText.ToString();
        Assert.Contains("{\\\"name\\\":\\\"m\\\",\\\"type\\\":\\\"integer\\\"", model, StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_a_method_body_next_to_the_contracts_caches_every_step()
    {
        // The edit is in the file that declares the contracts and the handler, so the pipeline looks at them again;
        // equal models keep every step Cached or Unchanged and the output identical.
        var compilation = GeneratorHarness.CreateCompilation([Source]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var oldTree = compilation.SyntaxTrees.Single();
        var editedSource = Source.Replace(
            "public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;",
            "public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) { _ = message.CustomerId.Length; return Task.CompletedTask; }",
            StringComparison.Ordinal);
        Assert.NotEqual(Source, editedSource);
        var newTree = CSharpSyntaxTree.ParseText(editedSource, GeneratorHarness.ParseOptions, path: oldTree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree));
        var second = driver.GetRunResult().Results.Single();

        AssertCachedOrUnchanged(second);
        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), second.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void Editing_a_contract_regenerates_only_that_contract()
    {
        var compilation = GeneratorHarness.CreateCompilation([Source, "namespace Extra { [MessageContracts.Event] public partial record Extra1(int N); }"]);
        var driver = GeneratorHarness.CreateDriver(options: GlobalOptionsProvider.DocumentsOn).RunGenerators(compilation);

        var oldTree = compilation.SyntaxTrees.Last();
        var newTree = CSharpSyntaxTree.ParseText("namespace Extra { [MessageContracts.Event] public partial record Extra1(int N, int M); }", GeneratorHarness.ParseOptions, path: oldTree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree));
        var result = driver.GetRunResult().Results.Single();

        var reasons = result.TrackedSteps[TrackingNames.EventContracts].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.True(reasons.Count(r => r == IncrementalStepRunReason.Modified) == 1 && reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged) == reasons.Count - 1, string.Join(", ", reasons));
        var regenerated = result.GeneratedSources.Single(s => s.HintName == "Extra.Extra1.Contract.g.cs").SourceText.ToString();
        Assert.Contains("Names = new(requiredMembers: 0x3UL, \"n\", \"m\");", regenerated);
        Assert.Contains("writer.WriteNumber(Names[1], message.M);", regenerated);
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_locations_or_compilations()
    {
        var compilation = GeneratorHarness.CreateCompilation([Source]);
        var result = GeneratorHarness.CreateDriver(options: GlobalOptionsProvider.DocumentsOn).RunGenerators(compilation).GetRunResult().Results.Single();

        AssertAllStepsTracked(result);
        foreach (var name in TrackedNames)
        {
            foreach (var step in result.TrackedSteps[name])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    AssertNoBannedTypes(value, name, []);
                }
            }
        }
    }

    private static void AssertAllStepsTracked(GeneratorRunResult result)
    {
        foreach (var name in TrackedNames)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"Step '{name}' did not run.");
        }
    }

    private static void AssertCachedOrUnchanged(GeneratorRunResult result)
    {
        Assert.Null(result.Exception);
        foreach (var name in TrackedNames)
        {
            Assert.True(result.TrackedSteps.TryGetValue(name, out var steps), $"Step '{name}' did not run.");
            foreach (var step in steps)
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step '{name}' output was {reason}.");
                }
            }
        }

        foreach (var (value, reason) in result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs))
        {
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step was {reason}.");
        }
    }

    private static void AssertNoBannedTypes(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or SyntaxTree or Location or Compilation or SemanticModel, $"{path} holds a {value.GetType().Name}.");
        if (value is IEnumerable sequence)
        {
            var i = 0;
            foreach (var item in sequence)
            {
                AssertNoBannedTypes(item, $"{path}[{i++}]", seen);
            }

            return;
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoBannedTypes(field.GetValue(value), $"{path}.{field.Name}", seen);
        }
    }
}
