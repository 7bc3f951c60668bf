using System.Globalization;

namespace MessageContracts;

/// <summary>
/// What a message ID (<c>ce_id</c>) may be: 1 to <see cref="MaxLength"/> bytes of printable ASCII (0x20 to 0x7E), not
/// all spaces. Every store keys on it (a PostgreSQL B-tree entry holds about 2,700 bytes), it is logged, and it travels in
/// headers; printable ASCII keeps it the same bytes in all of them. A UUID (36 characters) or a business key fits easily.
/// </summary>
/// <remarks>
/// The consumer checks every received <c>ce_id</c> against these rules (its length limit is
/// <see cref="MessageContractsOptions.MaxMessageIdBytes"/>), and dead-letters a record that breaks them with a reason
/// that says which rule and which option.
/// </remarks>
internal static class MessageIdRules
{
    /// <summary>The longest message ID, in bytes (= characters: it is ASCII), unless configured otherwise.</summary>
    public const int MaxLength = 200;

    /// <summary>Whether <paramref name="value"/> is a printable ASCII byte, 0x20 (space) to 0x7E (<c>~</c>).</summary>
    public static bool IsPrintableAscii(byte value) => value is >= 0x20 and <= 0x7E;

    /// <summary>
    /// Why the <c>ce_id</c> header's <paramref name="utf8"/> bytes are not a usable message ID, or null when they are.
    /// </summary>
    /// <param name="utf8">The header's value.</param>
    /// <param name="maxBytes">The longest ID accepted (<see cref="MessageContractsOptions.MaxMessageIdBytes"/>).</param>
    /// <returns>A reason for the dead-letter topic, or null.</returns>
    public static string? ProblemWith(ReadOnlySpan<byte> utf8, int maxBytes)
    {
        if (utf8.Length > maxBytes)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The record's ce_id is {utf8.Length:N0} bytes long; a message ID may have at most {maxBytes:N0} bytes (MessageContractsOptions.{nameof(MessageContractsOptions.MaxMessageIdBytes)}).");
        }

        var blank = true;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (!IsPrintableAscii(utf8[i]))
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"The record's ce_id has the byte 0x{utf8[i]:X2} at position {i}: a message ID must be printable ASCII (0x20 to 0x7E).");
            }

            blank &= utf8[i] == (byte)' ';
        }

        return blank ? "The record's ce_id is empty, so it cannot be deduplicated." : null;
    }
}
