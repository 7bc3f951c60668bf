namespace MessageContracts;

/// <summary>
/// The one rule for what a message ID (the <c>ce_id</c> header) may be, shared by the producer (an ID a caller gives in
/// <c>PublishOptions.MessageId</c>) and the consumer (an ID that arrives on a record): 1 to
/// <see cref="DefaultMaxLength"/> bytes of printable ASCII (<c>0x20</c> to <c>0x7E</c>).
/// </summary>
/// <remarks>
/// Why so narrow: the ID is a deduplication key stored in a database index (PostgreSQL refuses index rows over about
/// 8 KB, and every byte is paid for in every row) and printed in logs; printable ASCII has one byte per character in
/// every encoding, so "length" means the same thing to a producer counting characters and a consumer counting bytes.
/// The IDs this toolkit creates (36-character UUIDs) are well inside it.
/// </remarks>
internal static class MessageIdRules
{
    /// <summary>The longest ID accepted by default, in bytes (= characters, since only ASCII is accepted).</summary>
    public const int DefaultMaxLength = 200;

    /// <summary>Whether <paramref name="character"/> may appear in a message ID: printable ASCII, space included.</summary>
    public static bool IsAllowed(char character) => character is >= ' ' and <= '~';

    /// <summary>Whether <paramref name="utf8Byte"/> may appear in a message ID's UTF-8 bytes.</summary>
    public static bool IsAllowed(byte utf8Byte) => utf8Byte is >= 0x20 and <= 0x7E;

    /// <summary>What is wrong with <paramref name="messageId"/>, or <see langword="null"/> when it is a valid ID.</summary>
    /// <param name="messageId">The ID as text.</param>
    /// <param name="maxLength">The longest ID accepted, in characters.</param>
    public static string? FindProblem(ReadOnlySpan<char> messageId, int maxLength = DefaultMaxLength)
    {
        if (messageId.IsEmpty)
        {
            return "it is empty";
        }

        if (messageId.Length > maxLength)
        {
            return $"it is {messageId.Length} characters long, over the limit of {maxLength}";
        }

        for (var i = 0; i < messageId.Length; i++)
        {
            if (!IsAllowed(messageId[i]))
            {
                return $"character {i} is U+{(int)messageId[i]:X4}, and only printable ASCII (U+0020 to U+007E) is allowed";
            }
        }

        return null;
    }

    /// <summary>What is wrong with the UTF-8 bytes of a message ID, or <see langword="null"/> when they are a valid ID.</summary>
    /// <param name="utf8MessageId">The ID as it travels in the <c>ce_id</c> header.</param>
    /// <param name="maxLength">The longest ID accepted, in bytes.</param>
    public static string? FindProblem(ReadOnlySpan<byte> utf8MessageId, int maxLength = DefaultMaxLength)
    {
        if (utf8MessageId.IsEmpty)
        {
            return "it is empty";
        }

        if (utf8MessageId.Length > maxLength)
        {
            return $"it is {utf8MessageId.Length} bytes long, over the limit of {maxLength}";
        }

        for (var i = 0; i < utf8MessageId.Length; i++)
        {
            if (!IsAllowed(utf8MessageId[i]))
            {
                return $"byte {i} is 0x{utf8MessageId[i]:X2}, and only printable ASCII (0x20 to 0x7E) is allowed";
            }
        }

        return null;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> that says what to change when <paramref name="messageId"/> is not a valid ID.</summary>
    /// <param name="messageId">The ID a caller gave.</param>
    /// <param name="parameterName">The argument it came in.</param>
    public static void ThrowIfInvalid(string messageId, string parameterName)
    {
        if (FindProblem(messageId) is { } problem)
        {
            throw new ArgumentException(
                $"'{Shorten(messageId)}' cannot be a message ID: {problem}. Give 1 to {DefaultMaxLength} printable ASCII characters, e.g. the MessageId of a PublishException or PublishResult.",
                parameterName);
        }
    }

    // A 10,000-character ID would make the exception message as long: show its start, and no control characters.
    private static string Shorten(string messageId)
    {
        var shown = messageId.Length > 40 ? messageId[..40] + "..." : messageId;
        return string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }
}
