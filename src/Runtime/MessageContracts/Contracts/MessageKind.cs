namespace MessageContracts;

/// <summary>Whether a contract is an event (fan-out) or a command (exactly one handler).</summary>
public enum MessageKind
{
    /// <summary>A fact that happened; any number of consumer groups receive it.</summary>
    Event = 1,

    /// <summary>A request that exactly one handler carries out.</summary>
    Command = 2,
}
