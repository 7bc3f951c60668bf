using System;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace MessageContracts.Build
{
    /// <summary>
    /// Reads the contract model the source generator wrote into an assembly (<c>[assembly: MessageContractsModel("...")]</c>)
    /// from its metadata, without loading the assembly: the build may target another framework than MSBuild runs on.
    /// </summary>
    internal static class AssemblyModelReader
    {
        private const string AttributeNamespace = "MessageContracts.Infrastructure";
        private const string AttributeName = "MessageContractsModelAttribute";

        /// <summary>The model JSON, or <see langword="null"/> when the assembly carries none.</summary>
        public static string? Read(string assemblyPath)
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return null;
            }

            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = metadata.GetCustomAttribute(handle);
                if (!IsModelAttribute(metadata, attribute))
                {
                    continue;
                }

                return ReadSingleStringArgument(metadata.GetBlobReader(attribute.Value));
            }

            return null;
        }

        private static bool IsModelAttribute(MetadataReader metadata, CustomAttribute attribute)
        {
            EntityHandle type;
            if (attribute.Constructor.Kind == HandleKind.MemberReference)
            {
                type = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            }
            else if (attribute.Constructor.Kind == HandleKind.MethodDefinition)
            {
                type = metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
            }
            else
            {
                return false;
            }

            if (type.Kind == HandleKind.TypeReference)
            {
                var reference = metadata.GetTypeReference((TypeReferenceHandle)type);
                return metadata.StringComparer.Equals(reference.Name, AttributeName) && metadata.StringComparer.Equals(reference.Namespace, AttributeNamespace);
            }

            if (type.Kind == HandleKind.TypeDefinition)
            {
                var definition = metadata.GetTypeDefinition((TypeDefinitionHandle)type);
                return metadata.StringComparer.Equals(definition.Name, AttributeName) && metadata.StringComparer.Equals(definition.Namespace, AttributeNamespace);
            }

            return false;
        }

        /// <summary>ECMA-335 II.23.3: the prolog 0x0001, then the one fixed argument as a SerString (packed length, UTF-8).</summary>
        private static string? ReadSingleStringArgument(BlobReader blob)
        {
            if (blob.Length < 2 || blob.ReadUInt16() != 1)
            {
                return null;
            }

            if (blob.RemainingBytes > 0 && blob.ReadByte() == 0xFF)
            {
                return null;
            }

            blob.Offset -= 1;
            var length = blob.ReadCompressedInteger();
            var bytes = blob.ReadBytes(length);
            return Encoding.UTF8.GetString(bytes);
        }
    }
}
