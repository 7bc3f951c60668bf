using System.Collections.Concurrent;
using System.Diagnostics;
using Faults.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>What <see cref="FaultProbeHandler"/> does with a <see cref="FaultProbe"/>, by its <see cref="FaultProbe.Behavior"/>.</summary>
public static class FaultProbeBehaviors
{
    /// <summary>Has its effect at once.</summary>
    public const string Ok = "ok";

    /// <summary>Fails on attempts 1 and 2, has its effect on attempt 3.</summary>
    public const string FailTwice = "fail-twice";

    /// <summary>Fails on every attempt: never has an effect.</summary>
    public const string FailAlways = "fail-always";

    /// <summary>Takes <see cref="FaultProbeHandler.SlowHandlerTime"/> (work, not waiting) before its effect.</summary>
    public const string Slow = "slow";

    /// <summary>On its first attempt (of any instance), waits until the test opens the host's <see cref="FaultGate"/>; later attempts have their effect at once.</summary>
    public const string Hold = "hold";
}

/// <summary>
/// Where <see cref="FaultProbeBehaviors.Hold"/> handlers wait: the test sees each one arrive (<see cref="Arrived"/>) and
/// lets it go on (<see cref="Open"/>). Share one between hosts to hold a whole group.
/// </summary>
public sealed class FaultGate
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> arrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> openings = new(StringComparer.Ordinal);

    /// <summary>Completes when a handler of <paramref name="messageId"/> is waiting at the gate.</summary>
    public Task Arrived(string messageId) => Get(arrivals, messageId).Task;

    /// <summary>Lets the handler of <paramref name="messageId"/> go on (now, or at once when it arrives later).</summary>
    public void Open(string messageId) => Get(openings, messageId).TrySetResult();

    internal async Task WaitAsync(string messageId, CancellationToken cancellationToken)
    {
        Get(arrivals, messageId).TrySetResult();
        await Get(openings, messageId).Task.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> sources, string messageId) =>
        sources.GetOrAdd(messageId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>
/// The fault tests' handler: counts every attempt and records every effect in the host's <see cref="FaultEffects"/>,
/// so a test can say, per message ID, how often it had its effect.
/// </summary>
/// <remarks>
/// The generator registers every handler of this assembly in every host the tests build, including hosts that know
/// nothing of the fault tests; so the handler takes the service provider and resolves its sink only when a
/// <see cref="FaultProbe"/> arrives, which only happens in the fault tests.
/// </remarks>
[Idempotent]
public sealed class FaultProbeHandler(IServiceProvider services) : IMessageHandler<FaultProbe>
{
    public static readonly TimeSpan SlowHandlerTime = TimeSpan.FromMilliseconds(40);

    public async Task HandleAsync(FaultProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        var effects = services.GetRequiredService<FaultEffects>();
        var instance = services.GetRequiredService<FaultInstance>();
        var attempt = effects.RecordAttempt(context.MessageId);
        switch (message.Behavior)
        {
            case FaultProbeBehaviors.FailTwice when attempt < 3:
                throw new InvalidOperationException($"Transient failure of {context.MessageId} on attempt {attempt}.");
            case FaultProbeBehaviors.FailAlways:
                throw new InvalidOperationException($"{context.MessageId} can never be handled.");
            case FaultProbeBehaviors.Slow:
                await Task.Delay(SlowHandlerTime, cancellationToken);
                break;
            case FaultProbeBehaviors.Hold when attempt == 1:
                await services.GetRequiredService<FaultGate>().WaitAsync(context.MessageId, cancellationToken);
                break;
        }

        var activity = Activity.Current;
        effects.Record(new Effect(
            context.MessageId,
            message.Key,
            message.Sequence,
            instance.Name,
            context.Partition,
            context.Offset,
            activity?.TraceId,
            activity?.ParentSpanId,
            activity?.SpanId));
    }
}

/// <summary>Names the host a handler runs in, so effects say which instance had them.</summary>
public sealed record FaultInstance(string Name);
