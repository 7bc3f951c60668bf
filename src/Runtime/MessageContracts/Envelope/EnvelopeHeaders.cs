using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// The CloudEvents binary-mode headers of one outgoing record, in a fixed order: ce_specversion, ce_id, ce_type,
/// ce_source, ce_time, content-type, then traceparent and tracestate when there is a span. One object per record; the
/// constant values are shared arrays, so a transport can recognise them (<see cref="Constants"/>).
/// </summary>
internal sealed class EnvelopeHeaders : TransportHeaders
{
    internal static readonly byte[] SpecVersionValue = System.Text.Encoding.UTF8.GetBytes(MessageHeaders.SpecVersionValue);
    internal static readonly byte[] JsonContentTypeValue = System.Text.Encoding.UTF8.GetBytes(MessageHeaders.JsonContentType);

    public EnvelopeHeaders(EnvelopeConstants constants, byte[] id, byte[] time, byte[]? traceParent, byte[]? traceState)
    {
        Constants = constants;
        Id = id;
        Time = time;
        TraceParent = traceParent;
        TraceState = traceParent is null ? null : traceState;
    }

    public EnvelopeConstants Constants { get; }

    public byte[] Id { get; }

    public byte[] Time { get; }

    public byte[]? TraceParent { get; }

    public byte[]? TraceState { get; }

    public override int Count => TraceParent is null ? 6 : TraceState is null ? 7 : 8;

    public override string KeyAt(int index) => index switch
    {
        0 => MessageHeaders.SpecVersion,
        1 => MessageHeaders.Id,
        2 => MessageHeaders.Type,
        3 => MessageHeaders.Source,
        4 => MessageHeaders.Time,
        5 => MessageHeaders.ContentType,
        6 when TraceParent is not null => MessageHeaders.TraceParent,
        7 when TraceState is not null => MessageHeaders.TraceState,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override byte[]? ValueAt(int index) => index switch
    {
        0 => SpecVersionValue,
        1 => Id,
        2 => Constants.Type,
        3 => Constants.Source,
        4 => Time,
        5 => JsonContentTypeValue,
        6 when TraceParent is not null => TraceParent,
        7 when TraceState is not null => TraceState,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
