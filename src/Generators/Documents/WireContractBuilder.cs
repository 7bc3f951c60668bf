using System;
using System.Collections.Generic;
using System.Linq;
using MessageContracts.Generators.Model;
using MessageContracts.Shared;
using MessageContracts.Shared.Wire;

namespace MessageContracts.Generators.Documents
{
    /// <summary>
    /// Turns a generated contract's model into its wire form. It reads the same <see cref="MemberSpec"/> the
    /// serializer is emitted from, so what the baseline calls required is exactly what the generated reader rejects
    /// when missing (<see cref="MemberSpec.ThrowIfMissing"/>), and what it calls nullable is what the reader accepts
    /// <c>null</c> for.
    /// </summary>
    internal static class WireContractBuilder
    {
        /// <summary>The wire form's word for <c>Delivery.AtMostOnce</c>.</summary>
        public const string AtMostOnce = "at-most-once";

        /// <summary>The contract's wire form as compact JSON (a string, so the pipeline step caches by value).</summary>
        public static string? ToJson(ContractSpec? spec) =>
            spec is null ? null : JsonText.WriteCompact(WireJson.ToJson(Build(spec)));

        public static WireContract Build(ContractSpec spec)
        {
            var parts = spec.Parts.Concat(spec.SharedParts).GroupBy(p => p.FullyQualifiedName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var enums = spec.Enums.Concat(spec.SharedEnums).GroupBy(e => e.FullyQualifiedName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var contract = new WireContract
            {
                CeType = spec.MessageType,
                Kind = spec.Kind == ContractKind.Command ? "command" : "event",
                Topic = spec.Topic,
                PartitionKey = spec.PartitionKey is { } key ? spec.Object.Members.FirstOrDefault(m => m.PropertyName == key.PropertyName)?.JsonName : null,
                ClrType = spec.DisplayName,
                Delivery = spec.Delivery == ContractDelivery.AtMostOnce ? AtMostOnce : null,
            };
            contract.Members.AddRange(Members(spec.Object, parts, enums));
            return contract;
        }

        private static IEnumerable<WireMember> Members(ObjectSpec obj, Dictionary<string, ObjectSpec> parts, Dictionary<string, EnumSpec> enums) =>
            obj.Members
                .OrderBy(m => m.JsonName, StringComparer.Ordinal)
                .Select(m => new WireMember { Name = m.JsonName, Type = Type(m.Type, parts, enums), Required = m.ThrowIfMissing });

        private static WireType Type(TypeSpec type, Dictionary<string, ObjectSpec> parts, Dictionary<string, EnumSpec> enums)
        {
            if (type.Kind == MemberTypeKind.Nullable && type.Element is not null)
            {
                var inner = Type(type.Element, parts, enums);
                inner.Nullable = true;
                return inner;
            }

            var wire = new WireType { Nullable = type.AllowsNull };
            switch (type.Kind)
            {
                case MemberTypeKind.Boolean: wire.Type = "boolean"; break;
                case MemberTypeKind.Byte: Integer(wire, "uint8"); break;
                case MemberTypeKind.SByte: Integer(wire, "int8"); break;
                case MemberTypeKind.Int16: Integer(wire, "int16"); break;
                case MemberTypeKind.UInt16: Integer(wire, "uint16"); break;
                case MemberTypeKind.Int32: Integer(wire, "int32"); break;
                case MemberTypeKind.UInt32: Integer(wire, "uint32"); break;
                case MemberTypeKind.Int64: Integer(wire, "int64"); break;
                case MemberTypeKind.UInt64: Integer(wire, "uint64"); break;
                case MemberTypeKind.Single: Number(wire, "float"); break;
                case MemberTypeKind.Double: Number(wire, "double"); break;
                case MemberTypeKind.Decimal: Number(wire, "decimal"); break;
                case MemberTypeKind.String: wire.Type = "string"; break;
                case MemberTypeKind.Char: Text(wire, "char"); break;
                case MemberTypeKind.Guid: Text(wire, "uuid"); break;
                case MemberTypeKind.DateTime:
                case MemberTypeKind.DateTimeOffset: Text(wire, "date-time"); break;
                case MemberTypeKind.DateOnly: Text(wire, "date"); break;
                case MemberTypeKind.TimeOnly: Text(wire, "time"); break;
                case MemberTypeKind.TimeSpan: Text(wire, "timespan"); break;
                case MemberTypeKind.ByteArray: Text(wire, "base64"); break;
                case MemberTypeKind.Enum:
                    wire.Type = "string";
                    wire.Enum = type.Reference is not null && enums.TryGetValue(type.Reference, out var values)
                        ? values.Members.OrderBy(v => v, StringComparer.Ordinal).ToList()
                        : new List<string>();
                    break;
                case MemberTypeKind.Dictionary:
                    wire.Type = "object";
                    wire.Values = Type(type.Element!, parts, enums);
                    break;
                case MemberTypeKind.Object:
                    wire.Type = "object";
                    wire.Members = type.Reference is not null && parts.TryGetValue(type.Reference, out var part)
                        ? Members(part, parts, enums).ToList()
                        : new List<WireMember>();
                    break;
                case MemberTypeKind.ImmutableArray:
                    // A default ImmutableArray<T> is written as null (docs/contracts.md), so null is on the wire.
                    wire.Type = "array";
                    wire.Nullable = true;
                    wire.Items = Type(type.Element!, parts, enums);
                    break;
                default: // arrays, lists, list interfaces, sets, immutable lists
                    wire.Type = "array";
                    wire.Items = Type(type.Element!, parts, enums);
                    break;
            }

            return wire;
        }

        private static void Integer(WireType wire, string format)
        {
            wire.Type = "integer";
            wire.Format = format;
        }

        private static void Number(WireType wire, string format)
        {
            wire.Type = "number";
            wire.Format = format;
        }

        private static void Text(WireType wire, string format)
        {
            wire.Type = "string";
            wire.Format = format;
        }
    }
}
