namespace Telex.DidComm.Dids;

/// <summary>
/// <c>did:key</c>: a DID that is one multikey. An Ed25519 did:key also yields the X25519 key-agreement key
/// of the same secret; other curves use the one key for what the curve can do.
/// </summary>
public static class DidKey
{
    /// <summary>The method prefix.</summary>
    public const string Prefix = "did:key:";

    /// <summary>Creates the did:key of a public key.</summary>
    public static string Create(PublicJwk key) => Prefix + Multikey.Encode(key);

    /// <summary>Resolves a did:key; false with a reason when malformed.</summary>
    public static bool TryResolve(string did, out DidDocument document, out string error)
    {
        document = null!;
        if (did is null || !did.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = "not a did:key";
            return false;
        }

        string multibase = did[Prefix.Length..];
        string kid = $"{did}#{multibase}";
        if (!Multikey.TryDecode(multibase, kid, out var key, out error))
        {
            return false;
        }

        var methods = new List<VerificationMethod> { new(kid, "Multikey", did, key) };
        var auth = new List<string>();
        var agreement = new List<string>();
        if (key.Curve.CanSign())
        {
            auth.Add(kid);
        }

        if (key.Curve == KeyCurve.Ed25519)
        {
            var x = Multikey.Ed25519ToX25519(key);
            string xKid = $"{did}#{Multikey.Encode(x)}";
            methods.Add(new VerificationMethod(xKid, "Multikey", did, x.WithKid(xKid)));
            agreement.Add(xKid);
        }
        else if (key.Curve.CanAgree())
        {
            agreement.Add(kid);
        }

        document = new DidDocument(did, methods, auth, agreement, []);
        return true;
    }
}
