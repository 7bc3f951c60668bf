using System.Text.Json;

namespace MessageContracts.Benchmarks.Serialization;

/// <summary>
/// A diagnostic, not a contender: the generated writer of <see cref="SmallOrderPlaced"/> copied by hand with one change,
/// member names written as pre-encoded <see cref="JsonEncodedText"/> (as System.Text.Json's source generator does)
/// instead of <c>WritePropertyName("name"u8)</c>, which checks each name for characters to escape on every write.
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
