using System.ComponentModel;
using System.Text.Json;

namespace MessageContracts.Infrastructure;

/// <summary>Reads one value of a generated serializer; the reader is on the value's first token (see <see cref="GeneratedJson"/>).</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="reader">The reader.</param>
/// <param name="label">The member's name for error messages.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate T GeneratedJsonReader<T>(ref Utf8JsonReader reader, string label);

/// <summary>Writes one value of a generated serializer.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="writer">The writer, after a property name or inside an array.</param>
/// <param name="value">The value.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void GeneratedJsonWriter<in T>(Utf8JsonWriter writer, T value);
