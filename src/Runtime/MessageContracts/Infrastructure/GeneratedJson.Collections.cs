using System.Collections.Immutable;
using System.Text.Json;

namespace MessageContracts.Infrastructure;

// Collections are JSON arrays and dictionaries JSON objects (keys as they are). Readers take the element reader and
// the element's label; interfaces are read as List<T>, HashSet<T> and Dictionary<string, T>. Writers accept null and
// write JSON null for it (the generated code writes what the member holds, whatever its annotation says).
public static partial class GeneratedJson
{
    /// <summary>Reads a JSON array as a <c>T[]</c>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static T[] ReadArray<T>(ref Utf8JsonReader reader, string label, string itemLabel, GeneratedJsonReader<T> readItem) =>
        ReadList(ref reader, label, itemLabel, readItem).ToArray();

    /// <summary>Reads a JSON array as a <see cref="List{T}"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static List<T> ReadList<T>(ref Utf8JsonReader reader, string label, string itemLabel, GeneratedJsonReader<T> readItem)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        StartArray(ref reader, label);
        var list = new List<T>();
        while (NextItem(ref reader))
        {
            list.Add(readItem(ref reader, itemLabel));
        }

        return list;
    }

    /// <summary>Reads a JSON array as a <see cref="HashSet{T}"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static HashSet<T> ReadHashSet<T>(ref Utf8JsonReader reader, string label, string itemLabel, GeneratedJsonReader<T> readItem)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        StartArray(ref reader, label);
        var set = new HashSet<T>();
        while (NextItem(ref reader))
        {
            set.Add(readItem(ref reader, itemLabel));
        }

        return set;
    }

    /// <summary>Reads a JSON array as an <see cref="ImmutableArray{T}"/>; JSON <c>null</c> reads as <see langword="default"/>, the writer's form of it.</summary>
    public static ImmutableArray<T> ReadImmutableArray<T>(ref Utf8JsonReader reader, string label, string itemLabel, GeneratedJsonReader<T> readItem)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        StartArray(ref reader, label);
        var builder = ImmutableArray.CreateBuilder<T>();
        while (NextItem(ref reader))
        {
            builder.Add(readItem(ref reader, itemLabel));
        }

        return builder.ToImmutable();
    }

    /// <summary>Reads a JSON array as an <see cref="ImmutableList{T}"/>; JSON <c>null</c> throws, naming <paramref name="label"/>.</summary>
    public static ImmutableList<T> ReadImmutableList<T>(ref Utf8JsonReader reader, string label, string itemLabel, GeneratedJsonReader<T> readItem)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        StartArray(ref reader, label);
        var builder = ImmutableList.CreateBuilder<T>();
        while (NextItem(ref reader))
        {
            builder.Add(readItem(ref reader, itemLabel));
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// Reads a JSON object as a <see cref="Dictionary{TKey, TValue}"/> keyed by the property names as they are; a
    /// repeated key keeps the last value, like System.Text.Json. JSON <c>null</c> throws, naming <paramref name="label"/>.
    /// </summary>
    public static Dictionary<string, T> ReadDictionary<T>(ref Utf8JsonReader reader, string label, string itemLabel, GeneratedJsonReader<T> readItem)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        NotNull(ref reader, label);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Expected(label, "a JSON object", reader.TokenType);
        }

        var dictionary = new Dictionary<string, T>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return dictionary;
            }

            var key = reader.GetString()!;
            Next(ref reader);
            dictionary[key] = readItem(ref reader, itemLabel);
        }
    }

    /// <summary>Writes a sequence as a JSON array, or JSON <c>null</c> for <see langword="null"/>.</summary>
    public static void WriteArray<T>(Utf8JsonWriter writer, IEnumerable<T>? values, GeneratedJsonWriter<T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeItem);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        switch (values)
        {
            case T[] array:
                foreach (var item in array)
                {
                    writeItem(writer, item);
                }

                break;
            case List<T> list:
                foreach (var item in list)
                {
                    writeItem(writer, item);
                }

                break;
            case IReadOnlyList<T> readOnlyList:
                // By index: enumerating through the interface would allocate a boxed enumerator per write (members
                // typed IReadOnlyList<T> often hold a compiler-made or immutable list, not a List<T>).
                for (var i = 0; i < readOnlyList.Count; i++)
                {
                    writeItem(writer, readOnlyList[i]);
                }

                break;
            default:
                foreach (var item in values)
                {
                    writeItem(writer, item);
                }

                break;
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes an <see cref="ImmutableArray{T}"/> as a JSON array; a default one as JSON <c>null</c> (System.Text.Json would throw).</summary>
    public static void WriteImmutableArray<T>(Utf8JsonWriter writer, ImmutableArray<T> values, GeneratedJsonWriter<T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeItem);
        if (values.IsDefault)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var item in values)
        {
            writeItem(writer, item);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes string-keyed pairs as a JSON object with the keys as they are, or JSON <c>null</c> for <see langword="null"/>.</summary>
    public static void WriteDictionary<T>(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, T>>? values, GeneratedJsonWriter<T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeItem);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        if (values is Dictionary<string, T> dictionary)
        {
            foreach (var pair in dictionary)
            {
                writer.WritePropertyName(pair.Key);
                writeItem(writer, pair.Value);
            }
        }
        else
        {
            foreach (var pair in values)
            {
                writer.WritePropertyName(pair.Key);
                writeItem(writer, pair.Value);
            }
        }

        writer.WriteEndObject();
    }

    private static void StartArray(ref Utf8JsonReader reader, string label)
    {
        NotNull(ref reader, label);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Expected(label, "a JSON array", reader.TokenType);
        }
    }

    /// <summary>Moves to the next element; false at the end of the array.</summary>
    private static bool NextItem(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType != JsonTokenType.EndArray;
    }
}
