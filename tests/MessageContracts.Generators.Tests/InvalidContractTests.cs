using MessageContracts.Generators.Tests.Infrastructure;

namespace MessageContracts.Generators.Tests;

/// <summary>The generator skips invalid contracts (the analyzers report them) without failing or breaking the rest.</summary>
public sealed class InvalidContractTests
{
    private const string Valid = """
        namespace Shop
        {
            [MessageContracts.Event]
            public sealed partial record StillGenerated(string Id);
        }
        """;

    [Theory]
    [InlineData("[Event] public sealed record NotPartial(string Id);")]
    [InlineData("[Event] public sealed partial record Generic<T>(T Value);")]
    [InlineData("[Event] public sealed partial record HasObject(object Value);")]
    [InlineData("[Event] public sealed partial record HasDictionary(Dictionary<int, int> Value);")]
    [InlineData("[Event] public sealed partial record HasStream(Stream Value);")]
    [InlineData("[Event] public sealed partial record HasDynamic(dynamic Value);")]
    [InlineData("[Event] public sealed partial record HasMatrix(int[,] Value);")]
    [InlineData("[Event] public sealed partial record HasListOfObjects(List<object> Value);")]
    [InlineData("[Event] public sealed partial record HasInterface(IDisposable Value);")]
    [InlineData("public sealed record Node(string Name, Node? Next); [Event] public sealed partial record HasRecursivePart(Node Head);")]
    [InlineData("public abstract record Shape(int Sides); [Event] public sealed partial record HasAbstractPart(Shape Shape);")]
    [InlineData("[Event] public sealed partial record NestedContract(Other Value); [Event] public sealed partial record Other(int N);")]
    [InlineData("[Event] public sealed partial class NotARecord { public string Id { get; init; } = \"\"; }")]
    [InlineData("[Event] public sealed partial record struct Ok(int N); [Event, Command] public sealed partial record Both(string Id);")]
    [InlineData("public class NotPartialOuter { [Event] public sealed partial record Inner(string Id); }")]
    [InlineData("[Event(Topic = \"bad topic!\")] public sealed partial record BadTopic(string Id);")]
    [InlineData("[Event(Type = \"\")] public sealed partial record EmptyType(string Id);")]
    [InlineData("[Command(Type = \"  \")] public sealed partial record BlankType(string Id);")]
    [InlineData("[Event] public sealed partial record HasGuidKeys(Dictionary<Guid, int> Value);")]
    [InlineData("[Event] public sealed partial record HasDictionaryOfObjects(IReadOnlyDictionary<string, object> Value);")]
    [InlineData("[Event] public sealed partial record HasImmutableDictionary(System.Collections.Immutable.ImmutableDictionary<string, int> Value);")]
    [InlineData("[Event] public sealed partial record HasImmutableArrayOfStreams(System.Collections.Immutable.ImmutableArray<Stream> Value);")]
    [InlineData("[Event] public abstract partial record AbstractContract(string Id);")]
    [InlineData("[Event] public sealed partial record NoConstructor { public NoConstructor(int a) { } public NoConstructor(string b) { } public int A { get; init; } }")]
    [InlineData("[Event] public sealed partial record ParameterWithoutProperty { public ParameterWithoutProperty(int other) { } public int Value { get; init; } }")]
    [InlineData("[Event] public sealed partial record SameJsonName { public int Value { get; init; } public int VALUE { get; init; } }")]
    public void Invalid_contract_is_skipped_and_the_rest_still_generates(string declaration)
    {
        var run = GeneratorHarness.Run(
            Valid,
            "using System; using System.IO; using System.Collections.Generic; using MessageContracts;\nnamespace Bad;\n" + declaration);

        Assert.Null(run.Single.Exception);
        Assert.Empty(run.DriverDiagnostics);
        Assert.Contains("Shop.StillGenerated.Contract.g.cs", run.HintNames);
        Assert.DoesNotContain(run.HintNames, name => name.StartsWith("Bad.", StringComparison.Ordinal) && name is not ("Bad.Ok.Contract.g.cs" or "Bad.Other.Contract.g.cs"));

        // Nothing the generator emitted has a problem; the user's own code may (e.g. a non-partial nested record).
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Handler_of_an_invalid_contract_is_left_out_of_the_module()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using MessageContracts;

            namespace Shop;

            [Event] public sealed record NotPartial(string Id);
            [Event] public sealed partial record Fine(string Id);

            public sealed class Handler : IMessageHandler<NotPartial>, IMessageHandler<Fine>
            {
                public Task HandleAsync(NotPartial message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Fine message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);

        Assert.Null(run.Single.Exception);
        var module = run.Source("MessageContracts.Module.g.cs");
        Assert.DoesNotContain("NotPartial", module);
        Assert.Contains("case \"Fine\":", module);

        // The user's code fails the IMessageHandler<T> constraint for NotPartial; the generated files are clean.
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Broken_user_code_does_not_crash_the_generator()
    {
        var run = GeneratorHarness.Run("""
            using MessageContracts;

            namespace Shop;

            [Event] public sealed partial record Half(UnknownType Value, string
            [Command] public partial record
            public sealed class H : IMessageHandler<Missing> { }
            """);

        Assert.Null(run.Single.Exception);
        Assert.Empty(run.DriverDiagnostics);
        Assert.Empty(run.HintNames);
    }
}
