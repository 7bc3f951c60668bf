using Xunit;

namespace MessageContracts.Testing.Tests;

/// <summary>Counting the process's threads and sockets only means something when no other test runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessResourcesCollection
{
    public const string Name = "Process resources";
}

[Collection(ProcessResourcesCollection.Name)]
public sealed class LifecycleTests
{
    private const int Clusters = 50;

    // .NET may start or retire a few threads of its own meanwhile. Each mock cluster runs about four native
    // threads and, with three brokers, three listening sockets; with the native destroy skipped, 50 clusters
    // left about 200 threads and 150 sockets behind, far beyond these.
    private const int ThreadTolerance = 10;
    private const int SocketTolerance = 5;

    [Fact]
    public async Task Starting_and_disposing_many_clusters_returns_threads_and_sockets_to_the_baseline()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test reads /proc");

        // The first start loads librdkafka and runs its one-time global initialisation: not a leak.
        (await EmbeddedKafka.StartAsync()).Dispose();
        int threadsBefore = ProcessResources.ThreadCount();
        int socketsBefore = ProcessResources.SocketCount();

        int threadsWhileRunning = 0;
        for (int i = 0; i < Clusters; i++)
        {
            EmbeddedKafka kafka = await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = 3 });
            threadsWhileRunning = Math.Max(threadsWhileRunning, ProcessResources.ThreadCount());
            if (i % 2 == 0)
            {
                kafka.Dispose();
            }
            else
            {
                await kafka.DisposeAsync();
            }
        }

        // Proves the counter sees the clusters' threads at all, so the check below is not vacuous.
        Assert.True(threadsWhileRunning > threadsBefore, $"a running cluster added no thread ({threadsWhileRunning} vs {threadsBefore})");

        bool threadsBack = await Wait.UntilAsync(() => ProcessResources.ThreadCount() <= threadsBefore + ThreadTolerance, TimeSpan.FromSeconds(5));
        bool socketsBack = await Wait.UntilAsync(() => ProcessResources.SocketCount() <= socketsBefore + SocketTolerance, TimeSpan.FromSeconds(5));

        string counts = $"threads: {threadsBefore} before, {ProcessResources.ThreadCount()} after {Clusters} clusters; " +
            $"sockets: {socketsBefore} before, {ProcessResources.SocketCount()} after";
        Assert.True(threadsBack && socketsBack, counts);
    }

    [Fact]
    public async Task A_cluster_nobody_disposed_is_destroyed_by_its_finalizer()
    {
        (await EmbeddedKafka.StartAsync()).Dispose();
        int threadsBefore = ProcessResources.ThreadCount();

        await StartAndForgetAsync(10);
        bool threadsBack = await Wait.UntilAsync(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                return ProcessResources.ThreadCount() <= threadsBefore + ThreadTolerance;
            },
            TimeSpan.FromSeconds(10));

        Assert.True(threadsBack, $"threads: {threadsBefore} before, {ProcessResources.ThreadCount()} after 10 forgotten clusters");
    }

    [Fact]
    public async Task Dispose_can_be_called_more_than_once_and_later_calls_throw_ObjectDisposedException()
    {
        EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.Dispose();
        kafka.Dispose();
        await kafka.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => kafka.CreateTopic("after-dispose"));
        Assert.Throws<ObjectDisposedException>(() => kafka.SetBrokerDown(EmbeddedKafka.AllBrokers));
        Assert.Throws<ObjectDisposedException>(() => kafka.PushRequestErrors(KafkaApiKey.Produce, Confluent.Kafka.ErrorCode.RequestTimedOut));
    }

    // In its own method so that no local of the caller keeps the clusters reachable.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task StartAndForgetAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = 3 });
        }
    }
}
