using System.Collections.Generic;

namespace MessageContracts.Shared.Wire
{
    /// <summary>
    /// What one assembly puts on the wire, as the generator saw it: its contracts' wire forms and the messages it
    /// sends and receives. The generator writes it into the assembly (<see cref="WireJson"/>); the analyzers compare
    /// it with the committed baseline; the build task turns it into the baseline file, the AsyncAPI document and the
    /// JSON Schemas.
    /// </summary>
    internal sealed class WireDocument
    {
        public string Assembly { get; set; } = string.Empty;

        /// <summary>Ordinal by <see cref="WireContract.CeType"/>.</summary>
        public List<WireContract> Contracts { get; } = new();

        /// <summary>Messages this assembly publishes, sends or enqueues in an outbox, ordinal by <c>ce_type</c>.</summary>
        public List<WireMessageRef> Sends { get; } = new();

        /// <summary>Messages this assembly's handlers consume, ordinal by <c>ce_type</c>.</summary>
        public List<WireMessageRef> Receives { get; } = new();
    }

    /// <summary>One contract's wire form: everything another service relies on.</summary>
    internal sealed class WireContract
    {
        /// <summary>The <c>ce_type</c>: the contract's identity on the wire.</summary>
        public string CeType { get; set; } = string.Empty;

        /// <summary><c>event</c> or <c>command</c>.</summary>
        public string Kind { get; set; } = string.Empty;

        public string Topic { get; set; } = string.Empty;

        /// <summary>The wire name of the <c>[PartitionKey]</c> member, or <see langword="null"/> for records without a key.</summary>
        public string? PartitionKey { get; set; }

        /// <summary>The C# type (for people, and to follow a contract whose <c>ce_type</c> changed).</summary>
        public string ClrType { get; set; } = string.Empty;

        /// <summary><c>at-most-once</c> for an event that accepts loss; <see langword="null"/> (left out of the JSON) for every other contract.</summary>
        public string? Delivery { get; set; }

        /// <summary>Ordinal by wire name.</summary>
        public List<WireMember> Members { get; } = new();
    }

    /// <summary>One JSON member of a contract or message part.</summary>
    internal sealed class WireMember
    {
        public string Name { get; set; } = string.Empty;

        public WireType Type { get; set; } = new();

        /// <summary>A reader rejects a message without it (see docs/contract-evolution.md, "Required").</summary>
        public bool Required { get; set; }
    }

    /// <summary>A JSON value's shape.</summary>
    internal sealed class WireType
    {
        /// <summary><c>boolean</c>, <c>integer</c>, <c>number</c>, <c>string</c>, <c>array</c> or <c>object</c>.</summary>
        public string Type { get; set; } = string.Empty;

        /// <summary>The finer format: <c>int32</c>, <c>decimal</c>, <c>uuid</c>, <c>date-time</c>, ...; <see langword="null"/> for none.</summary>
        public string? Format { get; set; }

        /// <summary>JSON <c>null</c> is a valid value.</summary>
        public bool Nullable { get; set; }

        /// <summary>For an enum (a string): its names, ordinal.</summary>
        public List<string>? Enum { get; set; }

        /// <summary>For an array: the element type.</summary>
        public WireType? Items { get; set; }

        /// <summary>For a dictionary (an object with free keys): the value type.</summary>
        public WireType? Values { get; set; }

        /// <summary>For a message part (an object with fixed members): its members, ordinal by name.</summary>
        public List<WireMember>? Members { get; set; }
    }

    /// <summary>A message an assembly sends or receives, which may be declared in another assembly.</summary>
    internal sealed class WireMessageRef
    {
        public string CeType { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;

        public string Topic { get; set; } = string.Empty;

        public string ClrType { get; set; } = string.Empty;
    }
}
