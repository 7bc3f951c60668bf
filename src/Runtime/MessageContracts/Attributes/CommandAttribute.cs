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

    /// <summary>
    /// The message type name written to the <c>ce_type</c> header, which consumers use to tell messages apart.
    /// When not set, it is the type's simple name, with containing types joined by <c>.</c>
    /// (<c>GrantPoints</c>, or <c>Outer.GrantPoints</c> for a type nested in <c>Outer</c>). The namespace is deliberately
    /// left out, so moving the command to another namespace does not change the wire. Set it to keep the wire name when
    /// renaming the record. It must not be empty or white space (MC0015), and no two contracts may share one (MC0016).
    /// </summary>
    public string? Type { get; set; }

    /// <summary>
    /// Always <see cref="MessageContracts.Delivery.AtLeastOnce"/> for a command: a command must not vanish, so setting
    /// <see cref="MessageContracts.Delivery.AtMostOnce"/> is reported as an error (MC0027). The property exists so that the
    /// mistake is a diagnostic that explains itself rather than a compile error that does not.
    /// </summary>
    public Delivery Delivery { get; set; }
}
