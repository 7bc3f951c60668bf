using System.ComponentModel;

namespace MessageContracts.Infrastructure;

/// <summary>
/// The generated modules of every loaded assembly. The generator registers each assembly's module from a
/// module initializer, so no assembly scanning or reflection is needed at startup.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedMessageModules
{
    private static readonly object Gate = new();
    private static GeneratedMessageModule[] modules = [];

    /// <summary>Adds a module. Registering the same module type twice keeps the first.</summary>
    public static void Register(GeneratedMessageModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        lock (Gate)
        {
            foreach (var existing in modules)
            {
                if (existing.GetType() == module.GetType())
                {
                    return;
                }
            }

            // Copy-on-write: readers take the array without locking.
            modules = [.. modules, module];
        }
    }

    /// <summary>The modules registered so far, in registration order.</summary>
    public static IReadOnlyList<GeneratedMessageModule> All => Volatile.Read(ref modules);
}
