using System.ComponentModel;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace MessageContracts.Infrastructure;

/// <summary>
/// The JSON member names of one generated contract or message part (or the names of an enum), in member order, for
/// matching property names while reading: exact UTF-8 comparison first, then ignoring case like
/// <c>JsonSerializerDefaults.Web</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedJsonNames
{
    private readonly string[] names;
    private readonly byte[][] utf8Names;
    private readonly JsonEncodedText[] encodedNames;
    private readonly ulong requiredMembers;

    /// <summary>Creates the table of an object whose payload must contain some members (<see cref="ThrowIfMissing"/>).</summary>
    /// <param name="requiredMembers">The required members among the first 64, as bits by index (bit 0 is the first name).</param>
    /// <param name="names">The JSON names; a name's index is the member's index in the generated reader.</param>
    public GeneratedJsonNames(ulong requiredMembers, params string[] names)
        : this(names)
    {
        this.requiredMembers = requiredMembers;
    }

    /// <summary>Creates the table; a name's index is the member's index in the generated reader.</summary>
    public GeneratedJsonNames(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        this.names = names;
        utf8Names = new byte[names.Length][];
        encodedNames = new JsonEncodedText[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            utf8Names[i] = Encoding.UTF8.GetBytes(names[i]);
            encodedNames[i] = JsonEncodedText.Encode(utf8Names[i]);
        }
    }

    /// <summary>
    /// A member's name escaped for writing once, here, with the default encoder (as <see cref="Utf8JsonWriter"/> escapes
    /// a name given as text on every call): the generated writers pass it to <c>WritePropertyName</c>.
    /// </summary>
    /// <param name="member">The member's index.</param>
    public JsonEncodedText this[int member] => encodedNames[member];

    /// <summary>
    /// Moves to the next member of the object being read and onto its value, skipping members whose name matches
    /// none of the names. Returns <see langword="false"/> at the end of the object.
    /// </summary>
    /// <param name="reader">The reader, on the object's <c>{</c> or on the previous member's last token.</param>
    /// <param name="member">The index of the matched name.</param>
    public bool TryReadMember(ref Utf8JsonReader reader, out int member)
    {
        while (true)
        {
            GeneratedJson.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                member = -1;
                return false;
            }

            member = Match(ref reader);
            GeneratedJson.Next(ref reader);
            if (member >= 0)
            {
                return true;
            }

            // Unknown members are skipped, so a consumer can read messages from a newer producer.
            reader.Skip();
        }
    }

    /// <summary>
    /// <see cref="TryReadMember(ref Utf8JsonReader, out int)"/>, also setting the matched member's bit in
    /// <paramref name="seen"/> (for the first 64 members): what <see cref="ThrowIfMissing"/> and the generated reader's
    /// "only when present" assignments look at.
    /// </summary>
    public bool TryReadMember(ref Utf8JsonReader reader, ref ulong seen, out int member)
    {
        if (!TryReadMember(ref reader, out member))
        {
            return false;
        }

        if (member < 64)
        {
            seen |= 1UL << member;
        }

        return true;
    }

    /// <summary>
    /// Throws when a required member is not in <paramref name="seen"/>: the payload lacks a member that has no default
    /// value, and the message names the first such member as <c><paramref name="owner"/>.name</c>.
    /// </summary>
    /// <param name="seen">The members read, as set by <see cref="TryReadMember(ref Utf8JsonReader, ref ulong, out int)"/>.</param>
    /// <param name="owner">The contract or message part, as named in error messages.</param>
    public void ThrowIfMissing(ulong seen, string owner)
    {
        var missing = requiredMembers & ~seen;
        if (missing != 0)
        {
            GeneratedJson.ThrowIfMissing(false, owner + "." + names[BitOperations.TrailingZeroCount(missing)]);
        }
    }

    /// <summary>The index of the name the current property name or string equals, compared exactly and then ignoring case; -1 if none.</summary>
    public int Match(ref Utf8JsonReader reader)
    {
        var index = MatchExact(ref reader);
        if (index >= 0 || names.Length == 0)
        {
            return index;
        }

        var text = reader.GetString();
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(text, names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the name the current property name or string equals exactly (after unescaping); -1 if none.</summary>
    public int MatchExact(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
