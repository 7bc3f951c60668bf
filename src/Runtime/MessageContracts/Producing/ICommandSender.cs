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
    /// acknowledged it (or throws <see cref="PublishException"/> when delivery failed).
    /// </summary>
    /// <param name="message">The command.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the record may still be delivered.</param>
    /// <returns>Where the command was written and the ID it carries.</returns>
    Task<PublishResult> SendAsync(TCommand message, CancellationToken cancellationToken = default);
}
