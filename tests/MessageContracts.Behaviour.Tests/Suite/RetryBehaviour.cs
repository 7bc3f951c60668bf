using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>Retries: a handler that fails twice and then succeeds is retried until it does, and has its effect once.</summary>
public abstract class RetryBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output)
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<RetryProbe>();

    [Fact]
    public async Task A_handler_failing_twice_then_succeeding_has_its_effect_once()
    {
        // Three attempts allowed (BehaviourHost's default), no pause between them.
        var worker = await StartAsync("bookings", [typeof(RetryHandler)], options => options.Retry.MaxAttempts = 3);
        var client = await StartAsync("frontdesk", []);
        var sender = client.Sender<RetryProbe>();

        var flaky = (await sender.SendAsync(new RetryProbe("room-1", Failures: 2))).MessageId;
        var fine = (await sender.SendAsync(new RetryProbe("room-2", Failures: 0))).MessageId;

        await worker.Log.WaitForEffectsAsync([flaky, fine], Patience);
        await Transport.WaitUntilSettledAsync(Topic, worker.Service, Patience);

        Assert.Equal(3, worker.Log.AttemptsFor(flaky));
        Assert.Equal(1, worker.Log.EffectsFor(flaky));
        Assert.Equal(1, worker.Log.AttemptsFor(fine));
        Assert.Equal(1, worker.Log.EffectsFor(fine));
        Assert.Empty(await Transport.ReadDeadLettersAsync(Topic, worker.Service, atLeast: 0, Patience));
    }
}
