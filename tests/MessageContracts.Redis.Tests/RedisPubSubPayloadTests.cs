using System.Text;
using MessageContracts.Transports;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>The pub/sub payload: the stream entry's fields as one JSON object, read back exactly, and refused or marked unreadable when it cannot be.</summary>
public sealed class RedisPubSubPayloadTests
{
    private static OutboundMessage Message(byte[] body, byte[]? key)
    {
        var headers = new TransportHeaderList();
        headers.Add(MessageHeaders.Id, "m-1"u8.ToArray());
        headers.Add(MessageHeaders.Type, "PriceTicked"u8.ToArray());
        headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"u8.ToArray());
        headers.Add("note", Encoding.UTF8.GetBytes("ünïcode \"quoted\""));
        return new OutboundMessage("prices", MessageKind.Event, "m-1", "PriceTicked", key, body, headers, Delivery.AtMostOnce);
    }

    [Fact]
    public void Headers_key_and_body_come_back_as_sent()
    {
        var body = """{"symbol":"ACME","price":12.5,"tags":["a",{"b":null}]}"""u8.ToArray();

        var record = RedisPubSubPayload.Decode("prices", RedisPubSubPayload.Encode(Message(body, "ACME"u8.ToArray())));

        Assert.Equal("prices", record.Source);
        Assert.Equal(body, record.Value);
        Assert.Equal("ACME"u8.ToArray(), record.Key);
        var headers = record.Headers!;
        Assert.Equal(
            [MessageHeaders.Id, MessageHeaders.Type, "traceparent", "note"],
            Enumerable.Range(0, headers.Count).Select(headers.KeyAt));
        Assert.Equal("ünïcode \"quoted\"", Encoding.UTF8.GetString(headers.ValueAt(3)!));
    }

    [Fact]
    public void A_message_without_key_has_none()
    {
        var record = RedisPubSubPayload.Decode("prices", RedisPubSubPayload.Encode(Message("{}"u8.ToArray(), key: null)));

        Assert.Null(record.Key);
        Assert.Equal("{}"u8.ToArray(), record.Value);
    }

    [Fact]
    public void A_body_that_is_not_JSON_is_refused_before_anything_is_sent()
    {
        Assert.Throws<ArgumentException>(() => RedisPubSubPayload.Encode(Message("not json"u8.ToArray(), key: null)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"ce_id":1,"data":{}}""")]
    [InlineData("""{"ce_id":"x","data":{""")]
    public void An_unreadable_payload_keeps_its_bytes_and_has_no_headers(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);

        var record = RedisPubSubPayload.Decode("prices", bytes);

        Assert.Null(record.Headers);
        Assert.Equal(bytes, record.Value);
    }
}
