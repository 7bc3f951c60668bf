using System.ComponentModel;

namespace MessageContracts.Infrastructure;

/// <summary>
/// Records in an assembly's metadata that one of its handlers handles a command. The source generator emits one per
/// handler and command; the MC0001 analyzer of a project that references several such assemblies reads them to find
/// a command handled in more than one place, which it cannot see from source alone.
/// </summary>
/// <remarks>Not for users: only the generator writes it. Nothing reads it at run time.</remarks>
/// <param name="messageType">The handled <c>[Command]</c> record.</param>
/// <param name="handlerType">The handler class.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class HandlesMessageAttribute(Type messageType, Type handlerType) : Attribute
{
    /// <summary>The handled <c>[Command]</c> record.</summary>
    public Type MessageType { get; } = messageType;

    /// <summary>The handler class.</summary>
    public Type HandlerType { get; } = handlerType;
}
