using System.Runtime.CompilerServices;

// The tests use the internal request tracking to prove that injected faults were served.
[assembly: InternalsVisibleTo("MessageContracts.Testing.Tests")]
[assembly: InternalsVisibleTo("MessageContracts.Tests")]
