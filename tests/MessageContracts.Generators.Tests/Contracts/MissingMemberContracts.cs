// Contracts for the reader's handling of missing members (MissingMemberTests), compiled by the real build.
namespace MessageContracts.Generators.Tests.Contracts;

/// <summary>
/// More members than the 64 bits the generated reader tracks presence in: members 0-63 are checked through the names
/// table, the rest through flags of their own.
/// </summary>
[Event]
public sealed partial record Wide(
    int M00,
    int M01,
    int M02,
    int M03,
    int M04,
    int M05,
    int M06,
    int M07,
    int M08,
    int M09,
    int M10,
    int M11,
    int M12,
    int M13,
    int M14,
    int M15,
    int M16,
    int M17,
    int M18,
    int M19,
    int M20,
    int M21,
    int M22,
    int M23,
    int M24,
    int M25,
    int M26,
    int M27,
    int M28,
    int M29,
    int M30,
    int M31,
    int M32,
    int M33,
    int M34,
    int M35,
    int M36,
    int M37,
    int M38,
    int M39,
    int M40,
    int M41,
    int M42,
    int M43,
    int M44,
    int M45,
    int M46,
    int M47,
    int M48,
    int M49,
    int M50,
    int M51,
    int M52,
    int M53,
    int M54,
    int M55,
    int M56,
    int M57,
    int M58,
    int M59,
    int M60,
    int M61,
    int M62,
    int M63,
    int M64,
    int M65,
    int M66,
    int M67,
    int M68,
    int M69)
{
    public string Tail { get; init; } = "tail";

    public int? Extra { get; set; }

    public required string Last { get; init; }
}

/// <summary>A struct part (not a record): its <c>init</c> member with an initializer is kept through <c>with</c>.</summary>
public struct Gauge
{
    public Gauge()
    {
    }

    public int Value { get; init; }

    public string Unit { get; init; } = "mm";
}

/// <summary>A class part (not a record, so no <c>with</c>) with a required member and an initialized <c>init</c> member.</summary>
public sealed class Stamp
{
    public required string By { get; init; }

    public string Ink { get; init; } = "blue";

    public int Copies { get; set; } = 1;
}

[Event]
public sealed partial record Measured(Gauge Gauge, Stamp Stamp, Gauge? Spare);
