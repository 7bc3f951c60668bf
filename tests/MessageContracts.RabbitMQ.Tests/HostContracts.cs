using System.Collections.Concurrent;

namespace MessageContracts.RabbitMQ.Tests;

// Contracts and handlers for the tests that run whole hosts (AddMessageContracts + UseRabbitMq). Every host of this
// assembly handles all of them; each test class has its own virtual host, so their queues never meet.

/// <summary>An event every consuming service gets its own copy of.</summary>
[Event(Topic = "hosts.crate-loaded")]
public sealed partial record CrateLoaded(string CrateId);

/// <summary>A command: one queue, handled once across the services that own it.</summary>
[Command(Topic = "hosts.seal-crate")]
public sealed partial record SealCrate(string CrateId);

/// <summary>A command nobody handles: no queue exists for it, so sending it is an error.</summary>
[Command(Topic = "hosts.unowned-order")]
public sealed partial record UnownedOrder(string OrderId);

/// <summary>An event whose handler fails <see cref="FailTimes"/> times, then succeeds.</summary>
[Event(Topic = "hosts.flaky-scan")]
public sealed partial record FlakyScan(string ScanId, int FailTimes);

/// <summary>An event whose handler always fails: it ends in the dead-letter queue.</summary>
[Event(Topic = "hosts.poison-pill")]
public sealed partial record PoisonPill(string PillId);

/// <summary>One handler run, as <see cref="HostLog"/> records it.</summary>
public sealed record HandlerRun(string Service, string MessageType, string MessageId, string Subject, int Attempt, bool Succeeded);

/// <summary>
/// What the handlers of one host did, shared by its handlers (a singleton per host), and a way to wait on it: the wait's
/// bound only stops a broken build, the tests wait on what was observed.
/// </summary>
public sealed class HostLog(string service)
{
    private readonly ConcurrentQueue<HandlerRun> runs = new();
    private readonly List<(Func<IReadOnlyList<HandlerRun>, bool> Condition, TaskCompletionSource Done)> waiters = [];

    public string Service { get; } = service;

    public IReadOnlyList<HandlerRun> Runs => [.. runs];

    public IReadOnlyList<HandlerRun> Succeeded(string subject) => [.. runs.Where(run => run.Subject == subject && run.Succeeded)];

    public void Add(MessageContext context, string subject, bool succeeded)
    {
        runs.Enqueue(new HandlerRun(Service, context.MessageType, context.MessageId, subject, context.Attempt, succeeded));
        lock (waiters)
        {
            var seen = Runs;
            foreach (var waiter in waiters.Where(waiter => waiter.Condition(seen)).ToList())
            {
                waiter.Done.TrySetResult();
                waiters.Remove(waiter);
            }
        }
    }

    public async Task WaitUntilAsync(Func<IReadOnlyList<HandlerRun>, bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiters)
        {
            if (condition(Runs))
            {
                return;
            }

            waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Service} waited for {what}; runs: {string.Join(", ", Runs.Select(run => $"{run.Subject}#{run.Attempt}:{run.Succeeded}"))}");
        }
    }
}

public sealed class CrateLoadedHandler(HostLog log) : IMessageHandler<CrateLoaded>
{
    public Task HandleAsync(CrateLoaded message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Add(context, message.CrateId, succeeded: true);
        return Task.CompletedTask;
    }
}

public sealed class SealCrateHandler(HostLog log) : IMessageHandler<SealCrate>
{
    public Task HandleAsync(SealCrate message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Add(context, message.CrateId, succeeded: true);
        return Task.CompletedTask;
    }
}

public sealed class FlakyScanHandler(HostLog log) : IMessageHandler<FlakyScan>
{
    public Task HandleAsync(FlakyScan message, MessageContext context, CancellationToken cancellationToken)
    {
        var failedBefore = log.Runs.Count(run => run.Subject == message.ScanId && !run.Succeeded);
        var fails = failedBefore < message.FailTimes;
        log.Add(context, message.ScanId, succeeded: !fails);
        return fails ? throw new InvalidOperationException($"scan {message.ScanId} fails ({failedBefore + 1} of {message.FailTimes})") : Task.CompletedTask;
    }
}

public sealed class PoisonPillHandler(HostLog log) : IMessageHandler<PoisonPill>
{
    public Task HandleAsync(PoisonPill message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Add(context, message.PillId, succeeded: false);
        throw new InvalidOperationException($"pill {message.PillId} cannot be handled");
    }
}

/// <summary>An event whose handling order the order tests observe: <see cref="Step"/> counts up per belt.</summary>
[Event(Topic = "hosts.belt-moved")]
public sealed partial record BeltMoved(string BeltId, int Step);

/// <summary>
/// Records the steps of each belt in the order handlers ran them, across every host of the process (the order tests run
/// two instances of one service), and yields before returning so that handlers running at once interleave.
/// </summary>
public sealed class BeltMovedHandler(HostLog log) : IMessageHandler<BeltMoved>
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<int>> Steps = new();

    public static IReadOnlyList<int> StepsOf(string beltId) => Steps.TryGetValue(beltId, out var steps) ? [.. steps] : [];

    public async Task HandleAsync(BeltMoved message, MessageContext context, CancellationToken cancellationToken)
    {
        Steps.GetOrAdd(message.BeltId, _ => new ConcurrentQueue<int>()).Enqueue(message.Step);
        await Task.Yield();
        log.Add(context, message.BeltId, succeeded: true);
    }
}
