using System.Globalization;
using System.Text;

namespace MessageContracts;

/// <summary>
/// The consumer's limits on a record's headers (<see cref="MessageContractsOptions.MaxMessageIdBytes"/>,
/// <see cref="MessageContractsOptions.MaxHeaderBytes"/>, <see cref="MessageContractsOptions.MaxTotalHeaderBytes"/>),
/// read once from the options. A record beyond one is dead-lettered with a reason that names the limit and its option.
/// </summary>
internal readonly record struct EnvelopeLimits(int MaxMessageIdBytes, int MaxHeaderBytes, int MaxTotalHeaderBytes)
{
    /// <summary>The defaults of <see cref="MessageContractsOptions"/>.</summary>
    public static EnvelopeLimits Default { get; } = From(new MessageContractsOptions());

    public static EnvelopeLimits From(MessageContractsOptions options) =>
        new(options.MaxMessageIdBytes, options.MaxHeaderBytes, options.MaxTotalHeaderBytes);

    /// <summary>Why <paramref name="headers"/> are over a size limit, or null when they are within them.</summary>
    /// <remarks>A header's size is its key's UTF-8 bytes plus its value's bytes; the total is the sum over every header.</remarks>
    public string? SizeProblem(TransportHeaders headers)
    {
        long total = 0;
        for (var i = 0; i < headers.Count; i++)
        {
            var value = headers.ValueAt(i);
            var key = headers.KeyAt(i) ?? string.Empty;

            // A key of n chars has at most 3n UTF-8 bytes; it is counted exactly only when that could matter.
            var keyBytes = key.Length * 3L + (value?.Length ?? 0) <= MaxHeaderBytes ? key.Length : Encoding.UTF8.GetByteCount(key);
            var size = keyBytes + (long)(value?.Length ?? 0);
            if (size > MaxHeaderBytes)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"The record's header {Shorten(key)} is {size:N0} bytes (key and value); a header may have at most {MaxHeaderBytes:N0} bytes (MessageContractsOptions.{nameof(MessageContractsOptions.MaxHeaderBytes)}).");
            }

            total += size;
        }

        return total > MaxTotalHeaderBytes
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"The record's {headers.Count:N0} headers are {total:N0} bytes together; a record's headers may have at most {MaxTotalHeaderBytes:N0} bytes (MessageContractsOptions.{nameof(MessageContractsOptions.MaxTotalHeaderBytes)}).")
            : null;
    }

    /// <summary>A header key as a reason shows it: quoted, at most 64 characters, control characters as '?'.</summary>
    private static string Shorten(string key)
    {
        var shown = key.Length <= 64 ? key : key[..64] + "...";
        return "'" + string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        }) + "'";
    }
}
