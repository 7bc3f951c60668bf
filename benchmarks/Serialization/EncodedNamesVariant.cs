using System.Text.Json;

namespace MessageContracts.Benchmarks.Serialization;

/// <summary>
/// Diagnostics, not contenders: hand-written copies of the generated writer of <see cref="SmallOrderPlaced"/> as the
/// generator emitted it before issue 7 (names as UTF-8 literals, which <c>WritePropertyName</c> checks for characters to
/// escape on every write), with only the names pre-encoded as <see cref="JsonEncodedText"/>, and with pre-encoded
/// names and one call per member (what the generator emits now, and what System.Text.Json's source generator does).
/// </summary>
internal static class EncodedNamesVariant
{
    private static readonly JsonEncodedText OrderId = JsonEncodedText.Encode("orderId"u8);
    private static readonly JsonEncodedText CustomerId = JsonEncodedText.Encode("customerId"u8);
    private static readonly JsonEncodedText Total = JsonEncodedText.Encode("total"u8);
    private static readonly JsonEncodedText PlacedAt = JsonEncodedText.Encode("placedAt"u8);
    private static readonly JsonEncodedText ItemCount = JsonEncodedText.Encode("itemCount"u8);

    public static void WriteSmall(Utf8JsonWriter writer, SmallOrderPlaced message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        writer.WriteStartObject();
        writer.WritePropertyName(OrderId);
        writer.WriteStringValue(message.OrderId);
        writer.WritePropertyName(CustomerId);
        writer.WriteStringValue(message.CustomerId);
        writer.WritePropertyName(Total);
        writer.WriteNumberValue(message.Total);
        writer.WritePropertyName(PlacedAt);
        writer.WriteStringValue(message.PlacedAt);
        writer.WritePropertyName(ItemCount);
        writer.WriteNumberValue(message.ItemCount);
        writer.WriteEndObject();
    }

    /// <summary>What the generator emitted before issue 7: each name as a UTF-8 literal, checked for escaping on every write.</summary>
    public static void WriteSmallAsBefore(Utf8JsonWriter writer, SmallOrderPlaced message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        writer.WriteStartObject();
        writer.WritePropertyName("orderId"u8);
        writer.WriteStringValue(message.OrderId);
        writer.WritePropertyName("customerId"u8);
        writer.WriteStringValue(message.CustomerId);
        writer.WritePropertyName("total"u8);
        writer.WriteNumberValue(message.Total);
        writer.WritePropertyName("placedAt"u8);
        writer.WriteStringValue(message.PlacedAt);
        writer.WritePropertyName("itemCount"u8);
        writer.WriteNumberValue(message.ItemCount);
        writer.WriteEndObject();
    }

    /// <summary>The same with a combined name-and-value call per member, as System.Text.Json's source generator emits.</summary>
    public static void WriteSmallCombined(Utf8JsonWriter writer, SmallOrderPlaced message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        writer.WriteStartObject();
        writer.WriteString(OrderId, message.OrderId);
        writer.WriteString(CustomerId, message.CustomerId);
        writer.WriteNumber(Total, message.Total);
        writer.WriteString(PlacedAt, message.PlacedAt);
        writer.WriteNumber(ItemCount, message.ItemCount);
        writer.WriteEndObject();
    }
}
