using MessageContracts.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace MessageContracts.Analyzers.Tests;

/// <summary>
/// Code that does not compile is the normal state of a file being typed. The analyzers must neither throw (an
/// exception becomes AD0001, which fails these tests) nor add their own diagnostics on top of the compiler's errors.
/// </summary>
public sealed class RobustnessTests
{
    private const string BrokenSource = """
        [Event]
        public sealed partial record OrderPlaced({|#0:Missing|} Payload, Guid OrderId);

        [Command]
        public sealed partial record {|#8:GrantPoints|}(string CustomerId, int Points);

        [Idempotent]
        public sealed class MissingHandler : IMessageHandler<{|#1:Missing|}>
        {
            public Task HandleAsync({|#2:Missing|} message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        [Idempotent]
        public sealed class {|#6:ArrayHandler|} : {|#7:IMessageHandler<{|#3:Missing|}[]>|}
        {
        }

        [Idempotent]
        public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>
        {
            public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        [{|#4:Event|}]
        public interface {|#5:INotAContract|} { }
        """;

    [Fact]
    public Task CommandHandlerCountAnalyzer_ignores_error_types() => VerifyAsync<CommandHandlerCountAnalyzer>();

    [Fact]
    public Task HandlerIdempotencyAnalyzer_ignores_error_types() => VerifyAsync<HandlerIdempotencyAnalyzer>();

    [Fact]
    public Task HandlerMessageTypeAnalyzer_ignores_error_types() => VerifyAsync<HandlerMessageTypeAnalyzer>();

    [Fact]
    public Task ContractShapeAnalyzer_ignores_error_types() => VerifyAsync<ContractShapeAnalyzer>();

    [Fact]
    public Task MutableContractAnalyzer_ignores_error_types() => VerifyAsync<MutableContractAnalyzer>();

    [Fact]
    public Task DroppedPublishTaskAnalyzer_ignores_error_types() => VerifyAsync<DroppedPublishTaskAnalyzer>();

    [Fact]
    public Task DualWriteAnalyzer_ignores_error_types() => VerifyAsync<DualWriteAnalyzer>();

    [Fact]
    public Task TopicKindConflictAnalyzer_ignores_error_types() => VerifyAsync<TopicKindConflictAnalyzer>();

    [Fact]
    public Task ContractNamingAnalyzer_ignores_error_types() => VerifyAsync<ContractNamingAnalyzer>();

    /// <summary>GrantPoints is handled and has no key: the one thing there is to say about this source.</summary>
    [Fact]
    public Task PartitionKeySuggestionAnalyzer_ignores_error_types() => VerifyAsync<PartitionKeySuggestionAnalyzer>(
        new DiagnosticResult(DiagnosticDescriptors.PartitionKeyMissing).WithLocation(8).WithArguments("GrantPoints", "handled"));

    [Fact]
    public Task New_analyzers_do_nothing_without_the_runtime() => Task.WhenAll(
        VerifyWithoutRuntimeAsync<MutableContractAnalyzer>(),
        VerifyWithoutRuntimeAsync<DroppedPublishTaskAnalyzer>(),
        VerifyWithoutRuntimeAsync<DualWriteAnalyzer>(),
        VerifyWithoutRuntimeAsync<TopicKindConflictAnalyzer>(),
        VerifyWithoutRuntimeAsync<ContractNamingAnalyzer>(),
        VerifyWithoutRuntimeAsync<PartitionKeySuggestionAnalyzer>());

    [Fact]
    public Task CommandHandlerCountAnalyzer_does_nothing_without_the_runtime() => VerifyWithoutRuntimeAsync<CommandHandlerCountAnalyzer>();

    [Fact]
    public Task HandlerIdempotencyAnalyzer_does_nothing_without_the_runtime() => VerifyWithoutRuntimeAsync<HandlerIdempotencyAnalyzer>();

    [Fact]
    public Task HandlerMessageTypeAnalyzer_does_nothing_without_the_runtime() => VerifyWithoutRuntimeAsync<HandlerMessageTypeAnalyzer>();

    [Fact]
    public Task ContractShapeAnalyzer_does_nothing_without_the_runtime() => VerifyWithoutRuntimeAsync<ContractShapeAnalyzer>();

    /// <summary>
    /// A project without the MessageContracts runtime, which happens to declare a look-alike handler interface: the
    /// marker types are not all there, so the analyzers register nothing.
    /// </summary>
    private static Task VerifyWithoutRuntimeAsync<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        const string source = """
            namespace MessageContracts
            {
                public interface IMessageHandler<T> { }
            }

            public sealed record Foo(object X);

            public sealed class FooHandler : IMessageHandler<Foo> { }

            public sealed class OtherFooHandler : IMessageHandler<Foo> { }
            """;

        var test = new MessageContractsAnalyzerTest<TAnalyzer>(source);
        test.TestState.AdditionalReferences.Clear();
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        return test.RunAsync();
    }

    private static Task VerifyAsync<TAnalyzer>(params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new MessageContractsAnalyzerTest<TAnalyzer>(BrokenSource, [Infrastructure.GeneratedContract.Command("GrantPoints")]);
        test.ExpectedDiagnostics.AddRange(
        [
            DiagnosticResult.CompilerError("CS0246").WithLocation(0).WithArguments("Missing"),
            DiagnosticResult.CompilerError("CS0246").WithLocation(1).WithArguments("Missing"),
            DiagnosticResult.CompilerError("CS0246").WithLocation(2).WithArguments("Missing"),
            DiagnosticResult.CompilerError("CS0246").WithLocation(3).WithArguments("Missing"),
            DiagnosticResult.CompilerError("CS0592").WithLocation(4).WithArguments("Event", "class, struct"),
            DiagnosticResult.CompilerError("CS0311").WithLocation(6),
            DiagnosticResult.CompilerError("CS0535").WithLocation(7),
        ]);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
