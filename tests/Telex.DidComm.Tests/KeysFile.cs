using System.Text.Json;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests;

/// <summary>Loads a vectors keys file (<c>{ "didDocs": [...], "secrets": [...] }</c>) into resolvers.</summary>
internal sealed class KeysFile
{
    public DidResolver Dids { get; } = new();

    public SecretResolver Secrets { get; } = new();

    public static KeysFile Load(string path)
    {
        var file = new KeysFile();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var d in doc.RootElement.GetProperty("didDocs").EnumerateArray())
        {
            Assert.True(DidDocument.TryParse(d, out var parsed, out var error), error);
            file.Dids.Add(parsed);
        }

        foreach (var s in doc.RootElement.GetProperty("secrets").EnumerateArray())
        {
            file.Secrets.Add(ParseSecret(s));
        }

        return file;
    }

    public static SecretJwk ParseSecret(JsonElement s)
    {
        // Two shapes: { id, type, privateKeyJwk } and a bare private JWK with "kid" (the spec's own spelling
        // of that member has a trailing space, which a tolerant loader of test keys trims).
        JsonElement jwk = s.TryGetProperty("privateKeyJwk", out var inner) ? inner : s;
        string? kid = s.TryGetProperty("id", out var id) ? id.GetString() : null;
        foreach (var p in s.EnumerateObject())
        {
            if (p.Name.Trim() == "kid")
            {
                kid ??= p.Value.GetString();
            }
        }

        Assert.True(SecretJwk.TryParse(jwk, out var secret, out var error, kid), error);
        return secret;
    }
}
