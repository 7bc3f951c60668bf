namespace MessageContracts;

/// <summary>
/// Marks a <c>partial</c> record as a command: a request that exactly one handler carries out.
/// The analyzers report a command with more than one handler (MC0001).
/// </summary>
/// <remarks>
/// The source generator gives the record a reflection-free JSON serializer and makes it usable with
/// <see cref="ICommandSender{TCommand}"/> and <see cref="IMessageHandler{TMessage}"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class CommandAttribute : Attribute
{
    /// <summary>
    /// The Kafka topic the command is sent to. When not set, the topic is the type name in kebab case
    /// (<c>GrantPoints</c> becomes <c>grant-points</c>).
    /// </summary>
    public string? Topic { get; set; }
}
