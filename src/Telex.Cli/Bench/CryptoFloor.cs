using System.Diagnostics;
using System.Security.Cryptography;

using NSec.Cryptography;

using ContentEncryption = Telex.DidComm.Crypto.ContentEncryption;
using ContentEncryptions = Telex.DidComm.Crypto.ContentEncryptions;

namespace Telex.Cli.Bench;

/// <summary>
/// The cryptographic work one telegram and its receipt cannot avoid, measured on this machine with what the agency
/// uses (NSec for Ed25519 and X25519, Telex.DidComm's A256GCM): each is signed (Ed25519) by its sender, encrypted
/// to its recipient (one X25519 ephemeral key generation and one agreement, AES-256-GCM over the signed message),
/// then decrypted (one agreement, AES-256-GCM) and verified (Ed25519) by its recipient. So per telegram: 2 signs,
/// 2 verifies, 2 key generations, 4 agreements and 4 AES-GCM passes. Medians over interleaved rounds.
/// </summary>
internal sealed record CryptoFloor(double SignUs, double VerifyUs, double KeyGenUs, double AgreeUs, double AesTelegramUs, double AesReceiptUs)
{
    /// <summary>The size of a signed receipt for one telegram (its JWS), bytes.</summary>
    public const int ReceiptJwsBytes = 1_300;

    /// <summary>Microseconds of CPU per telegram and its receipt.</summary>
    public double TotalUs => (2 * SignUs) + (2 * VerifyUs) + (2 * KeyGenUs) + (4 * AgreeUs) + (2 * AesTelegramUs) + (2 * AesReceiptUs);

    /// <summary>The signed telegram's size for a body of <paramref name="bodyBytes"/>: the envelope fields, base64url and the signature.</summary>
    public static int TelegramJwsBytes(int bodyBytes) => ((bodyBytes + 900) * 4 / 3) + 200;

    public static CryptoFloor Measure(int bodyBytes, int rounds = 400)
    {
        int jwsBytes = TelegramJwsBytes(bodyBytes);
        byte[] telegram = RandomNumberGenerator.GetBytes(jwsBytes);
        byte[] receipt = RandomNumberGenerator.GetBytes(ReceiptJwsBytes);
        byte[] cipher = new byte[Math.Max(jwsBytes, ReceiptJwsBytes)];
        byte[] plain = new byte[cipher.Length];
        byte[] tag = new byte[16];
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] aad = RandomNumberGenerator.GetBytes(200);
        byte[] signature = new byte[64];
        byte[] publicKey = new byte[32];
        byte[] z = new byte[32];
        using var signing = Key.Create(SignatureAlgorithm.Ed25519);
        using var agreement = Key.Create(KeyAgreementAlgorithm.X25519);
        PublicKey peer;
        using (var other = Key.Create(KeyAgreementAlgorithm.X25519))
        {
            peer = other.PublicKey;
        }

        var exportable = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        byte[] contentKey = RandomNumberGenerator.GetBytes(32);
        var samples = new double[6][];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = new double[rounds];
        }

        SignatureAlgorithm.Ed25519.Sign(signing, telegram, signature);
        for (int round = -50; round < rounds; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            SignatureAlgorithm.Ed25519.Sign(signing, telegram, signature);
            long t1 = Stopwatch.GetTimestamp();
            bool ok = SignatureAlgorithm.Ed25519.Verify(signing.PublicKey, telegram, signature);
            long t2 = Stopwatch.GetTimestamp();
            using (var ephemeral = Key.Create(KeyAgreementAlgorithm.X25519))
            {
                ephemeral.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, publicKey, out _);
            }

            long t3 = Stopwatch.GetTimestamp();
            using (var shared = KeyAgreementAlgorithm.X25519.Agree(agreement, peer, in exportable))
            {
                shared?.TryExport(SharedSecretBlobFormat.RawSharedSecret, z, out _);
            }

            long t4 = Stopwatch.GetTimestamp();
            AesGcmPasses(contentKey, nonce, aad, telegram, cipher, plain, tag);
            long t5 = Stopwatch.GetTimestamp();
            AesGcmPasses(contentKey, nonce, aad, receipt, cipher, plain, tag);
            long t6 = Stopwatch.GetTimestamp();
            if (!ok)
            {
                throw new CryptographicException("the floor's own signature did not verify");
            }

            if (round >= 0)
            {
                samples[0][round] = Us(t0, t1);
                samples[1][round] = Us(t1, t2);
                samples[2][round] = Us(t2, t3);
                samples[3][round] = Us(t3, t4);
                samples[4][round] = Us(t4, t5) / 2;
                samples[5][round] = Us(t5, t6) / 2;
            }
        }

        return new CryptoFloor(Median(samples[0]), Median(samples[1]), Median(samples[2]), Median(samples[3]), Median(samples[4]), Median(samples[5]));
    }

    /// <summary>
    /// One encryption and one decryption, each with its own key setup as a message needs, by the A256GCM the wire
    /// library uses (the CPU's AES and carry-less multiply instructions where it has them, the platform's otherwise).
    /// </summary>
    private static void AesGcmPasses(byte[] key, byte[] nonce, byte[] aad, byte[] message, byte[] cipher, byte[] plain, byte[] tag)
    {
        const ContentEncryption Gcm = ContentEncryption.A256Gcm;
        var sealedPart = cipher.AsSpan(0, message.Length);
        ContentEncryptions.Encrypt(Gcm, key, nonce, aad, message, sealedPart, tag);
        if (ContentEncryptions.Decrypt(Gcm, key, nonce, aad, sealedPart, tag, plain) != message.Length)
        {
            throw new CryptographicException("the floor's own AES-GCM did not decrypt");
        }
    }

    private static double Us(long from, long to) => (to - from) * 1_000_000.0 / Stopwatch.Frequency;

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
