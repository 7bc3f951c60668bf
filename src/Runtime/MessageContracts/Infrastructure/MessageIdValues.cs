using System.ComponentModel;
using System.Globalization;

namespace MessageContracts.Infrastructure;

/// <summary>
/// Turns the value of a contract's <c>[MessageId]</c> member into the text its message ID is derived from, refusing
/// values that would give every message the same ID. Called by the generated <c>GetMessageIdValue</c> members.
/// </summary>
/// <remarks>Not for users: mark a member <c>[MessageId]</c> instead.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MessageIdValues
{
    /// <summary>A string value, as it is.</summary>
    /// <param name="value">The member's value.</param>
    /// <param name="member">The member's name, for the error.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The value is null or empty.</exception>
    public static string FromString(string? value, string member) =>
        string.IsNullOrEmpty(value) ? throw Missing(member, value is null ? "null" : "empty") : value;

    /// <summary>A <see cref="Guid"/> value, in its lowercase <c>D</c> format (<c>8-4-4-4-12</c>).</summary>
    /// <param name="value">The member's value.</param>
    /// <param name="member">The member's name, for the error.</param>
    /// <returns>The value as text.</returns>
    /// <exception cref="ArgumentException">The value is null or <see cref="Guid.Empty"/>.</exception>
    public static string FromGuid(Guid? value, string member) => value switch
    {
        null => throw Missing(member, "null"),
        { } guid when guid == Guid.Empty => throw Missing(member, "Guid.Empty"),
        { } guid => guid.ToString("D"),
    };

    /// <summary>A signed (or small unsigned) integer, in invariant decimal digits with a leading '-' when negative.</summary>
    /// <param name="value">The member's value.</param>
    /// <param name="member">The member's name, for the error.</param>
    /// <returns>The value as text.</returns>
    /// <exception cref="ArgumentException">The value is null.</exception>
    public static string FromInt64(long? value, string member) =>
        value is { } number ? number.ToString(CultureInfo.InvariantCulture) : throw Missing(member, "null");

    /// <summary>A <see cref="ulong"/>, in invariant decimal digits.</summary>
    /// <param name="value">The member's value.</param>
    /// <param name="member">The member's name, for the error.</param>
    /// <returns>The value as text.</returns>
    /// <exception cref="ArgumentException">The value is null.</exception>
    public static string FromUInt64(ulong? value, string member) =>
        value is { } number ? number.ToString(CultureInfo.InvariantCulture) : throw Missing(member, "null");

    private static ArgumentException Missing(string member, string what) => new(
        $"The [MessageId] member '{member}' is {what}: the message ID is derived from it, and every message with this value would get the same ID, so consumers would drop all but the first. Give it the business identifier of the message.",
        "message");
}
