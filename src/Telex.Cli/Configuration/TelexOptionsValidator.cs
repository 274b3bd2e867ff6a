using Microsoft.Extensions.Options;

using Telex.Core.Security;

namespace Telex.Cli.Configuration;

/// <summary>
/// The checks the type system does not make: every limit and duration is positive, URLs are URLs, the storage provider
/// is one Telex has. A failure reads <c>Key = 'value' (from where): rule</c>; <paramref name="originOf"/> says where a key's
/// value came from (<c>from --set …</c>, <c>the default</c>).
/// </summary>
internal sealed class TelexOptionsValidator(Func<string, string> originOf) : IValidateOptions<TelexOptions>
{
    private static readonly string[] Providers = ["sqlite", "postgres"];

    public ValidateOptionsResult Validate(string? name, TelexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        void Check(bool ok, string key, object? value, string rule)
        {
            if (!ok)
            {
                failures.Add($"{key} = '{TelexConfiguration.Format(value)}' ({originOf(key)}): {rule}");
            }
        }

        Check(!string.IsNullOrWhiteSpace(options.Name) && options.Name.Length <= 200, "Name", options.Name, "an agency needs a name of at most 200 characters");
        Check(IsHttpUrl(options.Listen, allowWildcard: true), "Listen", options.Listen, "must be an http:// or https:// URL with a port, e.g. http://127.0.0.1:7400");
        Check(options.PublicEndpoint is null || IsHttpUrl(options.PublicEndpoint, allowWildcard: false), "PublicEndpoint", options.PublicEndpoint,
            "must be an absolute http:// or https:// URL");
        Check(Providers.Contains(options.Storage.Provider, StringComparer.OrdinalIgnoreCase), "Storage:Provider", options.Storage.Provider,
            "must be " + string.Join(" or ", Providers));
        Check(!string.IsNullOrWhiteSpace(options.Storage.Path), "Storage:Path", options.Storage.Path, "must name a file");
        Check(!string.IsNullOrWhiteSpace(options.Delivery.NodeId), "Delivery:NodeId", options.Delivery.NodeId, "must not be empty");
        // Whether an https Listen has its files is checked when serving (telex init writes Listen before they exist).
        Check(options.Tls.Certificate is null == options.Tls.Key is null, options.Tls.Key is null ? "Tls:Key" : "Tls:Certificate",
            options.Tls.Key is null ? options.Tls.Key : options.Tls.Certificate, "Tls:Certificate and Tls:Key go together: name both files or neither");
        Check(PeerEndpointPolicy.TryParseNetworks(options.Delivery.AllowedPeerNetworks, out _, out string networks), "Delivery:AllowedPeerNetworks",
            options.Delivery.AllowedPeerNetworks, networks);

        // Every number and duration in the tree is a limit, a count or a wait: zero or less never makes sense.
        foreach (var node in OptionSchema.Values)
        {
            object? value = TelexConfiguration.ValueOf(options, node);
            bool positive = value switch
            {
                int i => i > 0,
                long l => l > 0,
                double d => d > 0,
                TimeSpan t => t > TimeSpan.Zero,
                _ => true,
            };
            Check(positive, node.Path, value, "must be greater than zero");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string? text, bool allowWildcard)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (allowWildcard)
        {
            // Kestrel's "all addresses" forms are not valid URIs.
            text = text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
    }
}
