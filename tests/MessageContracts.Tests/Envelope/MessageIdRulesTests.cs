using System.Text;
using Xunit;

namespace MessageContracts.Tests.Envelope;

/// <summary>The one rule for message IDs, in the producer's form (text) and the consumer's (header bytes).</summary>
public sealed class MessageIdRulesTests
{
    [Theory]
    [InlineData("0190d6a0-1c2b-7def-8a01-23456789abcd")]
    [InlineData("order-1 placed")]
    [InlineData(" ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}")]
    [InlineData("x")]
    public void Printable_ascii_up_to_200_characters_is_a_valid_id(string id)
    {
        Assert.Null(MessageIdRules.FindProblem(id));
        Assert.Null(MessageIdRules.FindProblem(Encoding.UTF8.GetBytes(id)));
    }

    [Fact]
    public void The_limit_is_200_by_default_and_can_be_given()
    {
        Assert.Null(MessageIdRules.FindProblem(new string('a', 200)));
        Assert.Equal("it is 201 characters long, over the limit of 200", MessageIdRules.FindProblem(new string('a', 201)));
        Assert.Equal("it is 201 bytes long, over the limit of 200", MessageIdRules.FindProblem(Encoding.ASCII.GetBytes(new string('a', 201))));
        Assert.Equal("it is 11 bytes long, over the limit of 10", MessageIdRules.FindProblem("abcdefghijk"u8, maxLength: 10));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("a\tb", "character 1 is U+0009")]
    [InlineData("a\u007fb", "character 1 is U+007F")]
    [InlineData("\u00e9t\u00e9", "character 0 is U+00E9")]
    public void Empty_control_and_non_ascii_text_is_refused(string id, string problem)
    {
        Assert.StartsWith(problem, MessageIdRules.FindProblem(id));
    }

    [Fact]
    public void Header_bytes_are_checked_byte_by_byte()
    {
        Assert.Equal("it is empty", MessageIdRules.FindProblem(ReadOnlySpan<byte>.Empty));
        Assert.StartsWith("byte 1 is 0xC3", MessageIdRules.FindProblem("\u00e9"u8.ToArray().Prepend((byte)'a').ToArray()));
        Assert.StartsWith("byte 0 is 0x00", MessageIdRules.FindProblem(new byte[] { 0, 65 }));
        Assert.StartsWith("byte 2 is 0xFF", MessageIdRules.FindProblem(new byte[] { 65, 66, 255 }));
    }

    [Fact]
    public void The_exception_names_the_argument_and_shows_only_the_start_of_a_long_id()
    {
        var exception = Assert.Throws<ArgumentException>(() => MessageIdRules.ThrowIfInvalid(new string('z', 10_000) + "\n", "options"));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains("10001 characters long", exception.Message);
        Assert.True(exception.Message.Length < 400, exception.Message);
    }
}
