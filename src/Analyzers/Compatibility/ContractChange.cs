namespace MessageContracts.Analyzers.Compatibility
{
    /// <summary>What changed between a contract's baseline and its current wire form. Each kind is one diagnostic.</summary>
    internal enum ChangeKind
    {
        /// <summary>The contract's topic, <c>ce_type</c>, kind or partition key (MC0032).</summary>
        Routing,

        /// <summary>A member is gone from the wire, or renamed (MC0033).</summary>
        MemberRemoved,

        /// <summary>A member's JSON type, format or nullability (MC0034).</summary>
        Type,

        /// <summary>A member became required, a required member was added, or a required member became optional (MC0035).</summary>
        Requiredness,

        /// <summary>An enum gained or lost names (MC0036).</summary>
        EnumValues,

        /// <summary>A new member, or a change that touches no reader (the C# name): never breaking on its own.</summary>
        Other,
    }

    /// <summary>
    /// One difference, and in which direction it breaks readers: <see cref="BreaksBackward"/> when a consumer on the
    /// new version cannot read messages written with the baseline; <see cref="BreaksForward"/> when a consumer still
    /// on the baseline cannot read messages written with the new version.
    /// </summary>
    internal sealed class ContractChange
    {
        public ContractChange(ChangeKind kind, string path, string description, bool breaksBackward, bool breaksForward)
        {
            Kind = kind;
            Path = path;
            Description = description;
            BreaksBackward = breaksBackward;
            BreaksForward = breaksForward;
        }

        public ChangeKind Kind { get; }

        /// <summary>The member's path on the wire (<c>shipTo.city</c>, <c>lines[]</c>), or empty for the contract itself.</summary>
        public string Path { get; }

        /// <summary>A sentence fragment: what changed, from what to what.</summary>
        public string Description { get; }

        public bool BreaksBackward { get; }

        public bool BreaksForward { get; }

        /// <summary>
        /// Whether the change breaks readers in <paramref name="mode"/>. Routing changes break in every mode. A removed (or
        /// renamed) member breaks in every mode but <c>none</c>: Schema Registry's BACKWARD allows it, because a new reader
        /// skips it in old messages, but the consumers still on the shipped version then lose the value (a required one
        /// dead-letters every message, an optional one silently takes its default), which is the incident the baseline is for.
        /// </summary>
        public bool IsBreaking(CompatibilityModes mode) => mode switch
        {
            not CompatibilityModes.None when Kind == ChangeKind.MemberRemoved => true,
            CompatibilityModes.Backward => BreaksBackward,
            CompatibilityModes.Forward => BreaksForward,
            CompatibilityModes.Full => BreaksBackward || BreaksForward,
            _ => Kind == ChangeKind.Routing,
        };

        /// <summary>The first segment of <see cref="Path"/>: the contract's own member the change is under.</summary>
        public string TopMember
        {
            get
            {
                var end = Path.IndexOfAny(new[] { '.', '[' });
                return end < 0 ? Path : Path.Substring(0, end);
            }
        }
    }

    /// <summary>The compatibility modes, with the values of the runtime's <c>CompatibilityMode</c>.</summary>
    internal enum CompatibilityModes
    {
        Backward = 0,
        Forward = 1,
        Full = 2,
        None = 3,
    }
}
