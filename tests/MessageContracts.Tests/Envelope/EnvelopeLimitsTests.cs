using System.Text;
using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Tests.Envelope;

/// <summary>The consumer's header limits: each refusal names the limit and the option that sets it.</summary>
public sealed class EnvelopeLimitsTests
{
    private static readonly EnvelopeLimits Defaults = EnvelopeLimits.Default;

    [Fact]
    public void The_defaults_are_a_200_byte_id_16_kib_per_header_and_64_kib_in_all()
    {
        Assert.Equal(new EnvelopeLimits(200, 16 * 1024, 64 * 1024), Defaults);
    }

    [Fact]
    public void An_id_of_exactly_the_limit_is_accepted_and_one_byte_more_is_refused_naming_the_option()
    {
        Assert.True(KafkaEnvelope.TryRead(Envelope(new string('a', 200)), Defaults, out var envelope, out var reason), reason);
        Assert.Equal(200, envelope.MessageId.Length);

        Assert.False(KafkaEnvelope.TryRead(Envelope(new string('a', 201)), Defaults, out _, out reason));
        Assert.Equal("The record's ce_id is 201 bytes long; a message ID may have at most 200 bytes (MessageContractsOptions.MaxMessageIdBytes).", reason);
    }

    [Fact]
    public void A_10000_character_id_is_refused_by_default_and_accepted_when_the_limit_is_raised()
    {
        var hostile = new string('z', 10_000);

        Assert.False(KafkaEnvelope.TryRead(Envelope(hostile), Defaults, out _, out var reason));
        Assert.Contains("10,000 bytes", reason);

        Assert.True(KafkaEnvelope.TryRead(Envelope(hostile), Defaults with { MaxMessageIdBytes = 20_000 }, out var envelope, out reason), reason);
        Assert.Equal(hostile, envelope.MessageId);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x09, 0x62 }, "byte 1 is 0x09")]
    [InlineData(new byte[] { 0x61, 0x7F }, "byte 1 is 0x7F")]
    [InlineData(new byte[] { 0xC3, 0xA9 }, "byte 0 is 0xC3")]
    [InlineData(new byte[] { 0xFF, 0xFE }, "byte 0 is 0xFF")]
    public void An_id_that_is_not_printable_ascii_is_refused_with_the_byte_and_its_position(byte[] id, string expected)
    {
        Assert.False(KafkaEnvelope.TryRead(Envelope(id), Defaults, out _, out var reason));
        Assert.StartsWith("The record's ce_id is not a usable message ID: " + expected, reason);
        Assert.Contains("only printable ASCII (0x20 to 0x7E) is allowed", reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_or_blank_id_is_refused(string id)
    {
        Assert.False(KafkaEnvelope.TryRead(Envelope(id), Defaults, out _, out var reason));
        Assert.Equal("The record's ce_id is empty, so it cannot be deduplicated.", reason);
    }

    [Fact]
    public void Printable_ascii_with_spaces_and_punctuation_is_an_id()
    {
        const string id = "order 17/line~3: {a=b}";

        Assert.True(KafkaEnvelope.TryRead(Envelope(id), Defaults, out var envelope, out var reason), reason);
        Assert.Equal(id, envelope.MessageId);
    }

    [Fact]
    public void A_header_over_the_per_header_limit_is_refused_naming_it_and_the_option()
    {
        var headers = Envelope("m-1");
        headers.Add("x-baggage", new byte[16 * 1024]);

        Assert.False(KafkaEnvelope.TryRead(headers, Defaults, out _, out var reason));
        Assert.Equal("The record's header 'x-baggage' is 16,393 bytes (key and value); a header may have at most 16,384 bytes (MessageContractsOptions.MaxHeaderBytes).", reason);

        headers.Remove("x-baggage");
        headers.Add("x-baggage", new byte[16 * 1024 - "x-baggage".Length]);
        Assert.True(KafkaEnvelope.TryRead(headers, Defaults, out _, out reason), reason);
    }

    [Fact]
    public void A_huge_header_key_counts_and_is_shown_shortened_and_without_control_characters()
    {
        var headers = Envelope("m-1");
        headers.Add("\n" + new string('k', 20_000), []);

        Assert.False(KafkaEnvelope.TryRead(headers, Defaults, out _, out var reason));
        Assert.StartsWith("The record's header '?kkkk", reason);
        Assert.Contains("...' is 20,001 bytes", reason);
        Assert.True(reason!.Length < 300);
    }

    [Fact]
    public void Many_headers_each_within_the_limit_are_refused_together_over_the_total()
    {
        var headers = Envelope("m-1");
        for (var i = 0; i < 9; i++)
        {
            headers.Add($"x-{i}", new byte[8 * 1024]);
        }

        Assert.False(KafkaEnvelope.TryRead(headers, Defaults, out _, out var reason));
        Assert.Contains("headers are ", reason);
        Assert.Contains("a record's headers may have at most 65,536 bytes (MessageContractsOptions.MaxTotalHeaderBytes)", reason);
    }

    [Fact]
    public void Sizes_are_checked_before_anything_is_decoded()
    {
        // An oversized header wins over a missing ce_type: the record is refused for its size, which is the stronger reason.
        var headers = new Headers { { "ce_specversion", "1.0"u8.ToArray() }, { "x-big", new byte[20_000] } };

        Assert.False(KafkaEnvelope.TryRead(headers, Defaults, out _, out var reason));
        Assert.Contains("MaxHeaderBytes", reason);
    }

    private static Headers Envelope(string id) => Envelope(Encoding.UTF8.GetBytes(id));

    private static Headers Envelope(byte[] id) => new()
    {
        { MessageHeaders.SpecVersion, "1.0"u8.ToArray() },
        { MessageHeaders.Id, id },
        { MessageHeaders.Type, "OrderPlaced"u8.ToArray() },
        { MessageHeaders.ContentType, "application/json"u8.ToArray() },
    };
}
