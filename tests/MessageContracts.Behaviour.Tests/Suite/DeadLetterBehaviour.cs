using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>
/// Dead letters: a handler that always fails is retried until its attempts are spent, then its message goes to the
/// dead-letter destination, once, with the reason, the exception, the attempt count and the service; the messages
/// behind it are still handled.
/// </summary>
public abstract class DeadLetterBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output)
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<DeadLetterProbe>();

    [Fact]
    public async Task A_handler_that_always_fails_sends_its_message_to_the_dead_letters_with_the_reason()
    {
        var worker = await StartAsync("invoicing", [typeof(DeadLetterHandler)], options => options.Retry.MaxAttempts = 3);
        var client = await StartAsync("checkout", []);
        var sender = client.Sender<DeadLetterProbe>();

        var doomed = (await sender.SendAsync(new DeadLetterProbe("invoice-1", AlwaysFail: true))).MessageId;
        var fine = (await sender.SendAsync(new DeadLetterProbe("invoice-1", AlwaysFail: false))).MessageId;

        await worker.Log.WaitForEffectsAsync([fine], Patience);
        await Transport.WaitUntilSettledAsync(Topic, worker.Service, Patience);

        Assert.Equal(3, worker.Log.AttemptsFor(doomed));
        Assert.Equal(0, worker.Log.EffectsFor(doomed));
        Assert.Equal(1, worker.Log.EffectsFor(fine));

        var deadLetter = Assert.Single(await Transport.ReadDeadLettersAsync(Topic, worker.Service, atLeast: 1, Patience));
        Assert.Equal(doomed, deadLetter.MessageId);
        Assert.Equal("invoice-1", deadLetter.KeyText);
        Assert.Contains(DeadLetterHandler.Failure, deadLetter.Reason);
        Assert.Equal(typeof(InvalidOperationException).FullName, deadLetter.ExceptionType);
        Assert.Equal("3", deadLetter.Attempts);
        Assert.Equal(worker.Options.ConsumerGroup, deadLetter.ConsumerGroup);
        Assert.Equal(Topic, deadLetter.OriginalDestination);
        Assert.Equal(nameof(DeadLetterProbe), deadLetter.Header(MessageHeaders.Type));
        Assert.NotEmpty(deadLetter.Value);
    }
}
