using System.Text.RegularExpressions;
using Xunit;

namespace MessageContracts.PackagingTests;

/// <summary>
/// A user's worker published as a NativeAOT executable, with nothing in its project about Confluent.Kafka: the
/// package's build targets root what the trimmer cannot see (Confluent.Kafka finds its librdkafka binding by
/// reflection), the toolkit's assemblies and the code the generator wrote into the user's assembly give no trim or AOT
/// warning, and the executable handles a message on the embedded Kafka.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class NativeAotPublishTests(PackedFeed packed)
{
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <PublishAot>true</PublishAot>
            <InvariantGlobalization>true</InvariantGlobalization>
            <!-- Every trim and AOT warning on its own line with its origin, not one IL2104 per assembly. -->
            <TrimmerSingleWarn>false</TrimmerSingleWarn>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="MessageContracts" Version="$VERSION$" />
            <PackageReference Include="MessageContracts.Testing" Version="$VERSION$" />
            <PackageReference Include="Microsoft.Extensions.Hosting" Version="8.0.1" />
          </ItemGroup>
        </Project>
        """;

    private const string Program = """
        using MessageContracts;
        using MessageContracts.Testing;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Microsoft.Extensions.Logging;

        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("meter-read");
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<Handled>();
        builder.Services.AddMessageContracts(options => options.UseEmbeddedKafka(kafka));
        using var host = builder.Build();
        await host.StartAsync();
        var sent = await host.Services.GetRequiredService<IEventPublisher<MeterRead>>().PublishAsync(new MeterRead("meter-7", 42.5m));
        var handled = host.Services.GetRequiredService<Handled>();
        var done = await Task.WhenAny(handled.First.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        await host.StopAsync();
        Console.WriteLine(done == handled.First.Task ? $"HANDLED {handled.First.Task.Result} (sent {sent.MessageId})" : "NOT HANDLED");
        return done == handled.First.Task ? 0 : 1;

        [Event]
        public sealed partial record MeterRead([property: PartitionKey] string MeterId, decimal Kwh);

        public sealed class Handled
        {
            public TaskCompletionSource<string> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        [Idempotent]
        public sealed class RecordReading(Handled handled) : IMessageHandler<MeterRead>
        {
            public Task HandleAsync(MeterRead message, MessageContext context, CancellationToken cancellationToken)
            {
                handled.First.TrySetResult($"{context.MessageId} {message.MeterId} {message.Kwh}");
                return Task.CompletedTask;
            }
        }
        """;

    [Fact]
    public async Task A_native_worker_publishes_without_our_warnings_and_handles_a_message()
    {
        var folder = packed.NewProjectFolder("NativeApp");
        File.WriteAllText(Path.Combine(folder, "NativeApp.csproj"), Project.Replace("$VERSION$", packed.Version, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
        var output = Path.Combine(folder, "native");

        var publish = (await DotnetCli.RunAsync(folder, PackedFeed.CliTimeout, "publish", "-c", "Release", "-r", "linux-x64", "-o", output))
            .EnsureSuccess("dotnet publish -p:PublishAot=true of the user's worker");

        // Confluent.Kafka's own warnings (its reflection over the binding, which the package's descriptor answers) are
        // expected; any other trim or AOT warning comes from the toolkit or from the code its generator wrote.
        var warnings = TrimOrAotWarning().Matches(publish.Output).Select(match => match.Value.Trim()).Distinct().ToList();
        Assert.Contains(warnings, IsConfluentKafkaWarning); // the filter sees real warnings, so the next check can fail
        Assert.DoesNotContain(warnings, warning => !IsConfluentKafkaWarning(warning));

        var executable = Path.Combine(output, "NativeApp");
        Assert.True(File.Exists(executable), "no native executable was published");
        Assert.False(File.Exists(Path.Combine(output, "NativeApp.dll")), "the publish was not native");
        var run = await DotnetCli.RunProgramAsync(executable, folder, PackedFeed.CliTimeout);
        Assert.True(run.ExitCode == 0, $"the native worker exited with {run.ExitCode}:\n{run.Output}");
        Assert.Matches(@"HANDLED [0-9a-f-]{36} meter-7 42\.5", run.Output);
    }

    // The member a warning is about follows its code ("... warning IL2075: Confluent.Kafka.Impl.Librdkafka.SetDelegates(Type): ..."),
    // or, in a per-assembly summary, the assembly ("warning IL2104: Assembly 'Confluent.Kafka' produced trim warnings").
    private static bool IsConfluentKafkaWarning(string warning) =>
        TrimOrAotWarning().Match(warning).Groups["member"].Value.StartsWith("Confluent.Kafka.", StringComparison.Ordinal)
        || warning.Contains("Assembly 'Confluent.Kafka' produced", StringComparison.Ordinal);

    [GeneratedRegex(@"^.*warning IL\d{4}: (?<member>\S+).*$", RegexOptions.Multiline)]
    private static partial Regex TrimOrAotWarning();
}
