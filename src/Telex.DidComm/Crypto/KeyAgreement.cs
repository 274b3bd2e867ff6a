using NSec.Cryptography;

namespace Telex.DidComm.Crypto;

/// <summary>Raw ECDH: X25519 through NSec, the NIST curves and secp256k1 through the platform.</summary>
internal static class KeyAgreement
{
    /// <summary>Size of the shared secret Z in bytes.</summary>
    public static int SecretSize(KeyCurve curve) => curve.CoordinateSize();

    /// <summary>X25519 with an NSec key (an ephemeral one, or a <see cref="SecretJwk"/>'s); false as for <see cref="TryAgree"/>.</summary>
    public static bool TryAgreeX25519(Key secret, PublicJwk publicKey, Span<byte> z)
    {
        var peer = publicKey.NSecKey;
        if (peer is null || publicKey.Curve != KeyCurve.X25519 || z.Length != 32)
        {
            return false;
        }

        SharedSecret? shared;
        try
        {
            var exportable = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
            shared = NSec.Cryptography.KeyAgreementAlgorithm.X25519.Agree(secret, peer, in exportable);
        }
        catch (CryptographicException)
        {
            return false;
        }

        if (shared is null)
        {
            return false;
        }

        using (shared)
        {
            return shared.TryExport(SharedSecretBlobFormat.RawSharedSecret, z, out int written) && written == z.Length;
        }
    }

    /// <summary>
    /// Computes Z. False when the public key is not a valid point of the secret's curve (wrong curve, off the
    /// curve, or a low-order X25519 point giving an all-zero secret).
    /// </summary>
    public static bool TryAgree(SecretJwk secret, PublicJwk publicKey, Span<byte> z)
    {
        if (secret.Curve != publicKey.Curve || !secret.Curve.CanAgree() || z.Length != SecretSize(secret.Curve))
        {
            return false;
        }

        if (secret.Curve == KeyCurve.X25519)
        {
            return TryAgreeX25519(secret.NSecKey, publicKey, z);
        }

        try
        {
            using var mine = ECDiffieHellman.Create(secret.ToEcParameters());
            using var theirs = ECDiffieHellman.Create(publicKey.ToEcParameters());
            byte[] raw = mine.DeriveRawSecretAgreement(theirs.PublicKey);
            bool ok = raw.Length == z.Length;
            if (ok)
            {
                raw.CopyTo(z);
            }

            CryptographicOperations.ZeroMemory(raw);
            return ok;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
