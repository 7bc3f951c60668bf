using System.ComponentModel;
using System.Text.Json;

namespace MessageContracts.Infrastructure;

/// <summary>
/// The fixed parts of the generated UTF-8 JSON serializers: reading each scalar kind with the toolkit's error
/// messages, collections and dictionaries, member-name matching, enum fallbacks, and turning any reading error into
/// one <see cref="MessageDeserializationException"/> that names the contract. Generated code calls these members so
/// that each contract carries only what is specific to it.
/// </summary>
/// <remarks>
/// Readers are called with the reader positioned on the value's first token; they leave it on the value's last
/// token. A <c>label</c> names the member in error messages (<c>Shop.OrderPlaced.customerId</c>, with <c>[]</c> for an
/// element and <c>{}</c> for a dictionary value). Errors thrown while reading carry only the detail; the
/// <see cref="Deserialize{T}"/> wrapper adds the contract's name. Everything here is reflection-free and trim-safe.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class GeneratedJson
{
    /// <summary>
    /// Reads one <typeparamref name="T"/> from a complete JSON document with <paramref name="read"/>. Malformed JSON,
    /// a value of the wrong kind or range, a missing required member and data after the closing <c>}</c> all throw
    /// <see cref="MessageDeserializationException"/> with a message of the form
    /// <c>Cannot deserialize '<paramref name="contractName"/>': ...</c>.
    /// </summary>
    /// <typeparam name="T">The contract type.</typeparam>
    /// <param name="utf8Json">The payload.</param>
    /// <param name="contractName">The contract's name for error messages, also passed to <paramref name="read"/> as its label.</param>
    /// <param name="read">The contract's generated object reader.</param>
    /// <exception cref="MessageDeserializationException">The payload is not a valid <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, string contractName, GeneratedJsonReader<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            var reader = new Utf8JsonReader(utf8Json, isFinalBlock: true, state: default);
            Next(ref reader);
            var result = read(ref reader, contractName);
            if (reader.Read())
            {
                throw new PayloadException("unexpected data after the JSON object.");
            }

            return result;
        }
        catch (PayloadException ex)
        {
            throw new MessageDeserializationException("Cannot deserialize '" + contractName + "': " + ex.Message);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new MessageDeserializationException("Cannot deserialize '" + contractName + "': " + ex.Message, ex);
        }
    }

    /// <summary>Moves to the next token; the end of the payload throws.</summary>
    public static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new PayloadException("the JSON payload ended early.");
        }
    }

    /// <summary>Whether the current token is JSON <c>null</c>.</summary>
    public static bool IsNull(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null;

    /// <summary>Throws when the current token is JSON <c>null</c>: <paramref name="label"/> cannot be null.</summary>
    public static void NotNull(ref Utf8JsonReader reader, string label)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw NullValue(label);
        }
    }

    /// <summary>Throws unless the current token starts an object: <paramref name="owner"/> (a contract or message part) is read from one.</summary>
    public static void StartObject(ref Utf8JsonReader reader, string owner)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Expected(owner, "a JSON object", reader.TokenType);
        }
    }

    /// <summary>
    /// Throws when the current token is JSON <c>null</c> (naming the member <paramref name="label"/>) or does not start
    /// an object (naming the message part <paramref name="owner"/>).
    /// </summary>
    public static void StartObject(ref Utf8JsonReader reader, string label, string owner)
    {
        NotNull(ref reader, label);
        StartObject(ref reader, owner);
    }

    /// <summary>Throws when a member that must be in the payload was not: <paramref name="label"/> is missing.</summary>
    public static void ThrowIfMissing(bool present, string label)
    {
        if (!present)
        {
            throw new PayloadException("the required member '" + label + "' is missing.");
        }
    }

    /// <summary>
    /// Starts reading an enum: throws for JSON <c>null</c> (naming <paramref name="label"/>) and for anything but a
    /// string or a number (naming <paramref name="enumName"/>); returns whether the value is a number.
    /// </summary>
    public static bool IsEnumNumber(ref Utf8JsonReader reader, string label, string enumName)
    {
        NotNull(ref reader, label);
        if (reader.TokenType == JsonTokenType.Number)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected(enumName, "a string or a number", reader.TokenType);
        }

        return false;
    }

    /// <summary>
    /// Reads an enum from a string: an exact member name from <paramref name="names"/> (whose indexes match
    /// <paramref name="values"/>), else any name, number or flag combination <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>
    /// accepts ignoring case, like <c>JsonStringEnumConverter</c>. Any other name throws, naming the member
    /// <paramref name="label"/> and the value: a reader built before a value was added to the enum does not guess
    /// what it means (docs/contracts.md, "Evolving a contract").
    /// </summary>
    public static T ReadEnumName<T>(ref Utf8JsonReader reader, GeneratedJsonNames names, T[] values, string enumName, string label)
        where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        var index = names.MatchExact(ref reader);
        if (index >= 0)
        {
            return values[index];
        }

        var text = reader.GetString();
        if (Enum.TryParse<T>(text, ignoreCase: true, out var parsed))
        {
            return parsed;
        }

        throw new PayloadException("the member '" + label + "' has the value '" + text + "', which is not a value of " + enumName + ".");
    }

    /// <summary>
    /// Writes an enum value without a name of its own (combined flags, or a value no member has) the way
    /// <c>JsonStringEnumConverter</c> does: <paramref name="text"/> (its <c>ToString()</c>) if that is a name
    /// list, else the number.
    /// </summary>
    public static void WriteEnumFallback(Utf8JsonWriter writer, string text, long number)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-'))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    /// <inheritdoc cref="WriteEnumFallback(Utf8JsonWriter, string, long)"/>
    public static void WriteEnumFallback(Utf8JsonWriter writer, string text, ulong number)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-'))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    /// <summary>Reads a <see cref="string"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static string ReadString(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetString()!;
    }

    /// <summary>Reads a <see cref="string"/> or JSON <c>null</c>.</summary>
    public static string? ReadStringOrNull(ref Utf8JsonReader reader, string label) => reader.GetString();

    /// <summary>Writes a <see cref="string"/>, or JSON <c>null</c> for <see langword="null"/>.</summary>
    public static void WriteString(Utf8JsonWriter writer, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    /// <summary>Reads a Base64 string as bytes; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static byte[] ReadBytes(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        return reader.GetBytesFromBase64();
    }

    /// <summary>Reads a Base64 string as bytes, or JSON <c>null</c>.</summary>
    public static byte[]? ReadBytesOrNull(ref Utf8JsonReader reader, string label) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();

    /// <summary>Writes bytes as a Base64 string, or JSON <c>null</c> for <see langword="null"/>.</summary>
    public static void WriteBytes(Utf8JsonWriter writer, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteBase64StringValue(value);
        }
    }

    /// <summary>Writes a value of a nullable value type with <paramref name="write"/>, or JSON <c>null</c>.</summary>
    public static void WriteNullable<T>(Utf8JsonWriter writer, T? value, GeneratedJsonWriter<T> write)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(write);
        if (value is { } notNull)
        {
            write(writer, notNull);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static char GetChar(ref Utf8JsonReader reader, string label)
    {
        var text = reader.GetString()!;
        if (text.Length != 1)
        {
            throw new PayloadException("the member '" + label + "' must be a single character.");
        }

        return text[0];
    }

    private static PayloadException Expected(string what, string expected, JsonTokenType actual) =>
        new("expected " + expected + " for '" + what + "' but found " + actual.ToString() + ".");

    private static PayloadException NullValue(string label) =>
        new("the member '" + label + "' cannot be null.");

    /// <summary>A payload problem, without the contract's name: <see cref="Deserialize{T}"/> adds it.</summary>
    private sealed class PayloadException(string message) : Exception(message);
}
