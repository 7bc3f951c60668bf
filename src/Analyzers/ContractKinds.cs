using System;

namespace MessageContracts.Analyzers
{
    /// <summary>The contract attributes a type carries.</summary>
    [Flags]
    internal enum ContractKinds
    {
        None = 0,
        Event = 1,
        Command = 2,
    }
}
