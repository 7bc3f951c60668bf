using System.Text;

namespace MessageContracts;

/// <summary>
/// A producer's constant envelope values, encoded once: its contract's <c>ce_type</c> and its service's
/// <c>ce_source</c>. Shared by every record it sends, so a transport may cache its own header objects for them here
/// (<see cref="TransportCache"/>) instead of building them per record.
/// </summary>
internal sealed class EnvelopeConstants(string messageType, string source)
{
    public string MessageType { get; } = messageType;

    public byte[] Type { get; } = Encoding.UTF8.GetBytes(messageType);

    public byte[] Source { get; } = Encoding.UTF8.GetBytes(source);

    /// <summary>The built-in transport's header objects for these values, set on first use (a benign race: same content).</summary>
    public object? TransportCache { get; set; }
}
