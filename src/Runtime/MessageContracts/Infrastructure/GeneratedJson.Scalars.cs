using System.Globalization;
using System.Text.Json;

namespace MessageContracts.Infrastructure;

// Scalars: one reader that rejects null, one that accepts it, and the two matching writers per value-type kind.
// The formats are System.Text.Json's (web defaults): ISO 8601 dates, "yyyy-MM-dd", the "c" time span format,
// a one-character string for a char.
public static partial class GeneratedJson
{
    /// <summary>Reads a <c>bool</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static bool ReadBoolean(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetBoolean();
    }

    /// <summary>Reads a <c>bool</c> or JSON <c>null</c>.</summary>
    public static bool? ReadNullableBoolean(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetBoolean();

    /// <summary>Writes a <c>bool</c>.</summary>
    public static void WriteBoolean(Utf8JsonWriter writer, bool value) => writer.WriteBooleanValue(value);

    /// <summary>Writes a <c>bool</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableBoolean(Utf8JsonWriter writer, bool? value)
    {
        if (value is { } notNull)
        {
            WriteBoolean(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>byte</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static byte ReadByte(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetByte();
    }

    /// <summary>Reads a <c>byte</c> or JSON <c>null</c>.</summary>
    public static byte? ReadNullableByte(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetByte();

    /// <summary>Writes a <c>byte</c>.</summary>
    public static void WriteByte(Utf8JsonWriter writer, byte value) => writer.WriteNumberValue((int)value);

    /// <summary>Writes a <c>byte</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableByte(Utf8JsonWriter writer, byte? value)
    {
        if (value is { } notNull)
        {
            WriteByte(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>sbyte</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static sbyte ReadSByte(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetSByte();
    }

    /// <summary>Reads a <c>sbyte</c> or JSON <c>null</c>.</summary>
    public static sbyte? ReadNullableSByte(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetSByte();

    /// <summary>Writes a <c>sbyte</c>.</summary>
    public static void WriteSByte(Utf8JsonWriter writer, sbyte value) => writer.WriteNumberValue((int)value);

    /// <summary>Writes a <c>sbyte</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableSByte(Utf8JsonWriter writer, sbyte? value)
    {
        if (value is { } notNull)
        {
            WriteSByte(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>short</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static short ReadInt16(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetInt16();
    }

    /// <summary>Reads a <c>short</c> or JSON <c>null</c>.</summary>
    public static short? ReadNullableInt16(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetInt16();

    /// <summary>Writes a <c>short</c>.</summary>
    public static void WriteInt16(Utf8JsonWriter writer, short value) => writer.WriteNumberValue((int)value);

    /// <summary>Writes a <c>short</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableInt16(Utf8JsonWriter writer, short? value)
    {
        if (value is { } notNull)
        {
            WriteInt16(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>ushort</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static ushort ReadUInt16(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetUInt16();
    }

    /// <summary>Reads a <c>ushort</c> or JSON <c>null</c>.</summary>
    public static ushort? ReadNullableUInt16(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetUInt16();

    /// <summary>Writes a <c>ushort</c>.</summary>
    public static void WriteUInt16(Utf8JsonWriter writer, ushort value) => writer.WriteNumberValue((int)value);

    /// <summary>Writes a <c>ushort</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableUInt16(Utf8JsonWriter writer, ushort? value)
    {
        if (value is { } notNull)
        {
            WriteUInt16(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>int</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static int ReadInt32(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetInt32();
    }

    /// <summary>Reads a <c>int</c> or JSON <c>null</c>.</summary>
    public static int? ReadNullableInt32(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32();

    /// <summary>Writes a <c>int</c>.</summary>
    public static void WriteInt32(Utf8JsonWriter writer, int value) => writer.WriteNumberValue(value);

    /// <summary>Writes a <c>int</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableInt32(Utf8JsonWriter writer, int? value)
    {
        if (value is { } notNull)
        {
            WriteInt32(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>uint</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static uint ReadUInt32(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetUInt32();
    }

    /// <summary>Reads a <c>uint</c> or JSON <c>null</c>.</summary>
    public static uint? ReadNullableUInt32(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetUInt32();

    /// <summary>Writes a <c>uint</c>.</summary>
    public static void WriteUInt32(Utf8JsonWriter writer, uint value) => writer.WriteNumberValue(value);

    /// <summary>Writes a <c>uint</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableUInt32(Utf8JsonWriter writer, uint? value)
    {
        if (value is { } notNull)
        {
            WriteUInt32(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>long</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static long ReadInt64(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetInt64();
    }

    /// <summary>Reads a <c>long</c> or JSON <c>null</c>.</summary>
    public static long? ReadNullableInt64(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();

    /// <summary>Writes a <c>long</c>.</summary>
    public static void WriteInt64(Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);

    /// <summary>Writes a <c>long</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableInt64(Utf8JsonWriter writer, long? value)
    {
        if (value is { } notNull)
        {
            WriteInt64(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>ulong</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static ulong ReadUInt64(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetUInt64();
    }

    /// <summary>Reads a <c>ulong</c> or JSON <c>null</c>.</summary>
    public static ulong? ReadNullableUInt64(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetUInt64();

    /// <summary>Writes a <c>ulong</c>.</summary>
    public static void WriteUInt64(Utf8JsonWriter writer, ulong value) => writer.WriteNumberValue(value);

    /// <summary>Writes a <c>ulong</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableUInt64(Utf8JsonWriter writer, ulong? value)
    {
        if (value is { } notNull)
        {
            WriteUInt64(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>float</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static float ReadSingle(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetSingle();
    }

    /// <summary>Reads a <c>float</c> or JSON <c>null</c>.</summary>
    public static float? ReadNullableSingle(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetSingle();

    /// <summary>Writes a <c>float</c>.</summary>
    public static void WriteSingle(Utf8JsonWriter writer, float value) => writer.WriteNumberValue(value);

    /// <summary>Writes a <c>float</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableSingle(Utf8JsonWriter writer, float? value)
    {
        if (value is { } notNull)
        {
            WriteSingle(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>double</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static double ReadDouble(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetDouble();
    }

    /// <summary>Reads a <c>double</c> or JSON <c>null</c>.</summary>
    public static double? ReadNullableDouble(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble();

    /// <summary>Writes a <c>double</c>.</summary>
    public static void WriteDouble(Utf8JsonWriter writer, double value) => writer.WriteNumberValue(value);

    /// <summary>Writes a <c>double</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableDouble(Utf8JsonWriter writer, double? value)
    {
        if (value is { } notNull)
        {
            WriteDouble(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>decimal</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static decimal ReadDecimal(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetDecimal();
    }

    /// <summary>Reads a <c>decimal</c> or JSON <c>null</c>.</summary>
    public static decimal? ReadNullableDecimal(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetDecimal();

    /// <summary>Writes a <c>decimal</c>.</summary>
    public static void WriteDecimal(Utf8JsonWriter writer, decimal value) => writer.WriteNumberValue(value);

    /// <summary>Writes a <c>decimal</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableDecimal(Utf8JsonWriter writer, decimal? value)
    {
        if (value is { } notNull)
        {
            WriteDecimal(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <c>char</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static char ReadChar(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return GetChar(ref reader, label);
    }

    /// <summary>Reads a <c>char</c> or JSON <c>null</c>.</summary>
    public static char? ReadNullableChar(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : GetChar(ref reader, label);

    /// <summary>Writes a <c>char</c>.</summary>
    public static void WriteChar(Utf8JsonWriter writer, char value) => writer.WriteStringValue(value.ToString());

    /// <summary>Writes a <c>char</c> or JSON <c>null</c>.</summary>
    public static void WriteNullableChar(Utf8JsonWriter writer, char? value)
    {
        if (value is { } notNull)
        {
            WriteChar(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <see cref="Guid"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static Guid ReadGuid(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetGuid();
    }

    /// <summary>Reads a <see cref="Guid"/> or JSON <c>null</c>.</summary>
    public static Guid? ReadNullableGuid(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetGuid();

    /// <summary>Writes a <see cref="Guid"/>.</summary>
    public static void WriteGuid(Utf8JsonWriter writer, Guid value) => writer.WriteStringValue(value);

    /// <summary>Writes a <see cref="Guid"/> or JSON <c>null</c>.</summary>
    public static void WriteNullableGuid(Utf8JsonWriter writer, Guid? value)
    {
        if (value is { } notNull)
        {
            WriteGuid(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <see cref="DateTime"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static DateTime ReadDateTime(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetDateTime();
    }

    /// <summary>Reads a <see cref="DateTime"/> or JSON <c>null</c>.</summary>
    public static DateTime? ReadNullableDateTime(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTime();

    /// <summary>Writes a <see cref="DateTime"/>.</summary>
    public static void WriteDateTime(Utf8JsonWriter writer, DateTime value) => writer.WriteStringValue(value);

    /// <summary>Writes a <see cref="DateTime"/> or JSON <c>null</c>.</summary>
    public static void WriteNullableDateTime(Utf8JsonWriter writer, DateTime? value)
    {
        if (value is { } notNull)
        {
            WriteDateTime(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <see cref="DateTimeOffset"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static DateTimeOffset ReadDateTimeOffset(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetDateTimeOffset();
    }

    /// <summary>Reads a <see cref="DateTimeOffset"/> or JSON <c>null</c>.</summary>
    public static DateTimeOffset? ReadNullableDateTimeOffset(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();

    /// <summary>Writes a <see cref="DateTimeOffset"/>.</summary>
    public static void WriteDateTimeOffset(Utf8JsonWriter writer, DateTimeOffset value) => writer.WriteStringValue(value);

    /// <summary>Writes a <see cref="DateTimeOffset"/> or JSON <c>null</c>.</summary>
    public static void WriteNullableDateTimeOffset(Utf8JsonWriter writer, DateTimeOffset? value)
    {
        if (value is { } notNull)
        {
            WriteDateTimeOffset(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <see cref="DateOnly"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static DateOnly ReadDateOnly(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return DateOnly.ParseExact(reader.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a <see cref="DateOnly"/> or JSON <c>null</c>.</summary>
    public static DateOnly? ReadNullableDateOnly(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : DateOnly.ParseExact(reader.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Writes a <see cref="DateOnly"/>.</summary>
    public static void WriteDateOnly(Utf8JsonWriter writer, DateOnly value) => writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>Writes a <see cref="DateOnly"/> or JSON <c>null</c>.</summary>
    public static void WriteNullableDateOnly(Utf8JsonWriter writer, DateOnly? value)
    {
        if (value is { } notNull)
        {
            WriteDateOnly(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <see cref="TimeOnly"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static TimeOnly ReadTimeOnly(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return TimeOnly.FromTimeSpan(TimeSpan.ParseExact(reader.GetString()!, "c", CultureInfo.InvariantCulture));
    }

    /// <summary>Reads a <see cref="TimeOnly"/> or JSON <c>null</c>.</summary>
    public static TimeOnly? ReadNullableTimeOnly(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : TimeOnly.FromTimeSpan(TimeSpan.ParseExact(reader.GetString()!, "c", CultureInfo.InvariantCulture));

    /// <summary>Writes a <see cref="TimeOnly"/>.</summary>
    public static void WriteTimeOnly(Utf8JsonWriter writer, TimeOnly value) => writer.WriteStringValue(value.ToTimeSpan().ToString("c", CultureInfo.InvariantCulture));

    /// <summary>Writes a <see cref="TimeOnly"/> or JSON <c>null</c>.</summary>
    public static void WriteNullableTimeOnly(Utf8JsonWriter writer, TimeOnly? value)
    {
        if (value is { } notNull)
        {
            WriteTimeOnly(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a <see cref="TimeSpan"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static TimeSpan ReadTimeSpan(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return TimeSpan.ParseExact(reader.GetString()!, "c", CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a <see cref="TimeSpan"/> or JSON <c>null</c>.</summary>
    public static TimeSpan? ReadNullableTimeSpan(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : TimeSpan.ParseExact(reader.GetString()!, "c", CultureInfo.InvariantCulture);

    /// <summary>Writes a <see cref="TimeSpan"/>.</summary>
    public static void WriteTimeSpan(Utf8JsonWriter writer, TimeSpan value) => writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));

    /// <summary>Writes a <see cref="TimeSpan"/> or JSON <c>null</c>.</summary>
    public static void WriteNullableTimeSpan(Utf8JsonWriter writer, TimeSpan? value)
    {
        if (value is { } notNull)
        {
            WriteTimeSpan(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
