namespace MessageContracts;

/// <summary>
/// Sends one kind of command to the one service that handles it. Resolve it from the service container; it
/// accepts <c>[Command]</c> records only (an <c>[Event]</c> does not satisfy the type constraint).
/// </summary>
/// <typeparam name="TCommand">A <c>[Command]</c> record.</typeparam>
public interface ICommandSender<TCommand>
    where TCommand : ICommandContract<TCommand>
{
    /// <summary>
    /// Sends <paramref name="message"/> with a new unique message ID and completes when Kafka has
    /// acknowledged it. When delivery fails, the contract's failure policy applies (see
    /// <see cref="MessageContractsOptions.PublishFailurePolicy"/>): by default (<see cref="PublishFailurePolicy.Retry"/>)
    /// it throws <see cref="PublishException"/>.
    /// </summary>
    /// <param name="message">The command.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the record may still be delivered.</param>
    /// <returns>Where the command was written and the ID it carries.</returns>
    Task<PublishResult> SendAsync(TCommand message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="SendAsync(TCommand, CancellationToken)"/>, with the failure policy of this one call:
    /// it overrides the contract's and the global policy.
    /// </summary>
    /// <param name="message">The command.</param>
    /// <param name="policy">What to do when Kafka does not acknowledge the command.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the record may still be delivered.</param>
    /// <returns>
    /// Where the command was written and the ID it carries; under <see cref="PublishFailurePolicy.Ignore"/> or
    /// <see cref="PublishFailurePolicy.LogFailure"/>, a result whose <see cref="PublishResult.Outcome"/> says it was not delivered.
    /// </returns>
    Task<PublishResult> SendAsync(TCommand message, PublishFailurePolicy policy, CancellationToken cancellationToken = default);
}
