using System.Text;
using System.Text.Json.Nodes;

using Telex.DidComm.Crypto;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Packing;

public sealed class PackUnpackTests
{
    private readonly DidResolver _dids = new();

    private static void AssertSameMessage(Telex.DidComm.Messages.Message expected, UnpackResult result)
    {
        Assert.True(result.Success, result.Failure?.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.ToJson()), JsonNode.Parse(result.Message!.ToJson())));
    }

    [Theory]
    [InlineData(KeyCurve.X25519, ContentEncryption.A256CbcHs512)]
    [InlineData(KeyCurve.X25519, ContentEncryption.A256Gcm)]
    [InlineData(KeyCurve.X25519, ContentEncryption.XC20P)]
    [InlineData(KeyCurve.P256, ContentEncryption.A256Gcm)]
    [InlineData(KeyCurve.P384, ContentEncryption.A256CbcHs512)]
    [InlineData(KeyCurve.P521, ContentEncryption.XC20P)]
    [InlineData(KeyCurve.Secp256k1, ContentEncryption.A256Gcm)]
    public void Anoncrypt_round_trips_on_every_curve_and_content_encryption(KeyCurve curve, ContentEncryption enc)
    {
        var alice = Party.Create(_dids, curve);
        var bob = Party.Create(_dids, curve);
        var message = TestMessages.Telegram(alice.Did, bob.Did);

        var packed = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, AnonEncryption = enc, Forward = false });
        var result = bob.Packer.Unpack(packed.Packed);

        AssertSameMessage(message, result);
        Assert.True(result.Metadata!.Encrypted);
        Assert.True(result.Metadata.AnonymousSender);
        Assert.False(result.Metadata.Authenticated);
        Assert.Equal([bob.Did + "#key-1"], result.Metadata.EncryptedToKids);
    }

    [Theory]
    [InlineData(KeyCurve.X25519)]
    [InlineData(KeyCurve.P256)]
    [InlineData(KeyCurve.P384)]
    [InlineData(KeyCurve.P521)]
    public void Authcrypt_round_trips_and_names_the_sender_key(KeyCurve curve)
    {
        var alice = Party.Create(_dids, curve);
        var bob = Party.Create(_dids, curve);
        var message = TestMessages.Telegram(alice.Did, bob.Did);

        var packed = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, From = alice.Did, Forward = false });
        var result = bob.Packer.Unpack(packed.Packed);

        AssertSameMessage(message, result);
        Assert.True(result.Metadata!.Authenticated);
        Assert.False(result.Metadata.AnonymousSender);
        Assert.Equal(alice.Did + "#key-1", result.Metadata.EncryptedFromKid);
        Assert.Equal("A256cbcHs512Ecdh1puA256kw", result.Metadata.EncAlgAuth);
    }

    [Theory]
    [InlineData(KeyCurve.Ed25519, "EdDSA")]
    [InlineData(KeyCurve.P256, "ES256")]
    [InlineData(KeyCurve.Secp256k1, "ES256K")]
    public void Signed_message_verifies_and_is_non_repudiable(KeyCurve signingCurve, string alg)
    {
        var alice = Party.Create(_dids, signingCurve: signingCurve);
        var bob = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, bob.Did);

        var packed = alice.Packer.PackSigned(message, alice.Did);
        var result = bob.Packer.Unpack(packed.Packed);

        AssertSameMessage(message, result);
        Assert.True(result.Metadata!.NonRepudiation);
        Assert.Equal(alg, result.Metadata.SignAlg);
        Assert.Equal(alice.Did + "#key-2", result.Metadata.SignFrom);
        Assert.Equal(packed.Packed, result.Metadata.SignedMessage.ToArray());
    }

    [Fact]
    public void Signed_then_anoncrypted_and_protect_sender_report_every_layer()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, bob.Did);

        var signedAnon = bob.Packer.Unpack(alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, SignBy = alice.Did }).Packed);
        AssertSameMessage(message, signedAnon);
        Assert.True(signedAnon.Metadata!.NonRepudiation && signedAnon.Metadata.AnonymousSender && signedAnon.Metadata.Encrypted);

        var protectedSender = bob.Packer.Unpack(alice.Packer.PackEncrypted(message, new PackEncryptedOptions
        {
            To = bob.Did,
            From = alice.Did,
            SignBy = alice.Did,
            ProtectSender = true,
            AnonEncryption = ContentEncryption.XC20P,
        }).Packed);
        AssertSameMessage(message, protectedSender);
        var m = protectedSender.Metadata!;
        Assert.True(m.AnonymousSender && m.Authenticated && m.NonRepudiation);
        Assert.Equal("Xc20pEcdhEsA256kw", m.EncAlgAnon);
        Assert.Equal("A256cbcHs512Ecdh1puA256kw", m.EncAlgAuth);
    }

    [Fact]
    public void Forward_through_two_mediators_is_unwrapped_one_hop_at_a_time()
    {
        var m1 = Party.Create(_dids);
        var m2 = Party.Create(_dids);
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids, routingKeys: [m1.Did + "#key-1", m2.Did + "#key-1"]);
        var message = TestMessages.Telegram(alice.Did, bob.Did);

        var packed = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, SignBy = alice.Did });
        Assert.Equal("http://127.0.0.1:1/didcomm", packed.ServiceEndpoint);
        Assert.Equal(UnpackFailureKind.WrongKey, bob.Packer.Unpack(packed.Packed).Failure?.Kind);

        Assert.True(m1.Packer.TryUnwrapForward(packed.Packed, out var hop1, out var f1), f1?.ToString());
        Assert.Equal(m2.Did + "#key-1", hop1!.Next);
        Assert.Equal(UnpackFailureKind.WrongKey, m1.Packer.Unpack(hop1.Forwarded).Failure?.Kind);
        Assert.True(m2.Packer.TryUnwrapForward(hop1.Forwarded, out var hop2, out var f2), f2?.ToString());
        Assert.Equal(bob.Did, hop2!.Next);

        var result = bob.Packer.Unpack(hop2.Forwarded);
        AssertSameMessage(message, result);
        Assert.Contains("Stalin asked me", Encoding.UTF8.GetString(result.Plaintext.Span), StringComparison.Ordinal);
        Assert.DoesNotContain("Stalin", Encoding.UTF8.GetString(hop1.Forwarded), StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_for_someone_else_is_refused_as_wrong_key()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var eve = Party.Create(_dids);
        var packed = alice.Packer.PackEncrypted(TestMessages.Telegram(alice.Did, bob.Did), new PackEncryptedOptions { To = bob.Did, From = alice.Did });

        var result = eve.Packer.Unpack(packed.Packed);

        Assert.Equal(UnpackFailureKind.WrongKey, result.Failure?.Kind);
    }

    [Fact]
    public void A_signature_by_a_key_that_is_not_the_senders_is_refused()
    {
        var alice = Party.Create(_dids);
        var mallory = Party.Create(_dids);
        var bob = Party.Create(_dids);

        // Mallory signs a message that claims to be from Alice: the signer's DID does not match 'from'.
        var forged = TestMessages.Telegram(alice.Did, bob.Did) with { From = alice.Did };
        Assert.Throws<DidCommException>(() => mallory.Packer.PackSigned(forged, mallory.Did));
        var signedByMallory = mallory.Packer.PackSigned(forged with { From = null }, mallory.Did).Packed;
        string text = Encoding.UTF8.GetString(signedByMallory);
        var result = bob.Packer.Unpack(signedByMallory);
        Assert.Equal(UnpackFailureKind.Malformed, result.Failure?.Kind);
        Assert.Contains("signer", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.NotEmpty(text);
    }

    [Fact]
    public void A_message_signed_for_one_recipient_and_re_encrypted_to_another_is_refused()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var carol = Party.Create(_dids);

        // Alice signs for Carol; Carol passes the signed message on to Bob under an envelope of her own.
        byte[] signed = alice.Packer.PackSigned(TestMessages.Telegram(alice.Did, carol.Did), alice.Did).Packed;
        var result = bob.Packer.Unpack(carol.Packer.PackEncryptedPayload(signed, new PackEncryptedOptions { To = bob.Did }).Packed);

        Assert.Equal(UnpackFailureKind.Malformed, result.Failure?.Kind);
        Assert.Contains("'to' does not name the recipient", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.True(carol.Packer.Unpack(carol.Packer.PackEncryptedPayload(signed, new PackEncryptedOptions { To = carol.Did }).Packed).Success);
    }

    [Fact]
    public void The_parties_of_a_pack_are_named_and_a_swap_is_refused()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, bob.Did);

        var packed = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, From = alice.Did, SignBy = alice.Did });
        var opened = bob.Packer.Unpack(packed.Packed);

        Assert.True(opened.Success, opened.Failure?.ToString());
        Assert.Equal(alice.Agreement.Kid, opened.Metadata!.EncryptedFromKid);
        Assert.Equal(alice.Signing.Kid, opened.Metadata.SignFrom);

        // Sender and recipient swapped: the message says otherwise, so packing refuses rather than encrypting to Alice.
        Assert.Throws<DidCommException>(() => alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = alice.Did, From = bob.Did }));

        // A payload is packed already: asking to sign it is a mistake, not silently ignored.
        byte[] signed = alice.Packer.PackSigned(message, alice.Did).Packed;
        Assert.Throws<ArgumentException>(() => alice.Packer.PackEncryptedPayload(signed, new PackEncryptedOptions { To = bob.Did, SignBy = alice.Did }));
        Assert.Throws<ArgumentNullException>(() => alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = null! }));
    }

    [Fact]
    public void Misuse_throws_while_untrusted_input_does_not()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, bob.Did);

        Assert.Throws<DidCommException>(() => alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = "did:example:nobody" }));
        Assert.Throws<DidCommException>(() => alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = alice.Did }));
        Assert.Throws<DidCommException>(() => bob.Packer.PackSigned(message, alice.Did));

        foreach (string junk in new[] { "", "null", "[]", "\"x\"", "{", "{\"ciphertext\":1}", "{\"payload\":\"a\",\"signatures\":[{}]}" })
        {
            var result = bob.Packer.Unpack(Encoding.UTF8.GetBytes(junk));
            Assert.False(result.Success);
            Assert.Equal(UnpackFailureKind.Malformed, result.Failure!.Kind);
        }
    }

    [Fact]
    public void From_prior_announces_a_rotation_signed_by_the_old_key()
    {
        var oldAlice = Party.Create(_dids);
        var newAlice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        string jwt = Telex.DidComm.Messages.FromPrior.Issue(oldAlice.Did, newAlice.Did, oldAlice.Signing, issuedAt: 1_700_000_000);
        var message = TestMessages.Telegram(newAlice.Did, bob.Did) with { FromPrior = jwt };

        var result = bob.Packer.Unpack(newAlice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, From = newAlice.Did, SignBy = newAlice.Did }).Packed);

        Assert.True(result.Success, result.Failure?.ToString());
        Assert.Equal(oldAlice.Did + "#key-2", result.Metadata!.FromPriorIssuerKid);
        Assert.Equal(newAlice.Did, result.Metadata.FromPrior!.Value.GetProperty("sub").GetString());

        // The same JWT on a message from anyone else is refused.
        var stolen = TestMessages.Telegram(bob.Did, bob.Did) with { FromPrior = jwt };
        Assert.Equal(UnpackFailureKind.Malformed, bob.Packer.Unpack(Telex.DidComm.DidCommPacker.PackPlaintext(stolen)).Failure?.Kind);
    }

    [Fact]
    public void From_prior_signed_by_a_key_other_than_the_prior_DIDs_is_refused_as_tampered()
    {
        var oldAlice = Party.Create(_dids);
        var newAlice = Party.Create(_dids);
        var mallory = Party.Create(_dids);
        var bob = Party.Create(_dids);

        // Mallory names Alice's old key as the signer but can only sign with her own.
        using var forgedKey = mallory.Signing.WithKid(oldAlice.Did + "#key-2");
        string forged = Telex.DidComm.Messages.FromPrior.Issue(oldAlice.Did, newAlice.Did, forgedKey, issuedAt: 1_700_000_000);
        var message = TestMessages.Telegram(newAlice.Did, bob.Did) with { FromPrior = forged };

        var result = bob.Packer.Unpack(newAlice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, SignBy = newAlice.Did }).Packed);

        Assert.False(result.Success);
        Assert.Equal(UnpackFailureKind.Tampered, result.Failure!.Kind);
    }

    [Fact]
    public void A_message_to_a_prior_DID_encrypted_to_the_new_key_opens_only_for_a_holder_of_both_keys()
    {
        var oldBob = Party.Create(_dids);
        var newBob = Party.Create(_dids);
        var alice = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, oldBob.Did);
        byte[] signed = alice.Packer.PackSigned(message, alice.Did).Packed;
        byte[] packed = alice.Packer.PackEncryptedPayload(signed, new PackEncryptedOptions { To = newBob.Did }).Packed;

        // Bob after a rotation holds both key pairs.
        var rotatedBob = new DidCommPacker(_dids, new SecretResolver().Add(oldBob.Signing).Add(oldBob.Agreement).Add(newBob.Signing).Add(newBob.Agreement));
        var opened = rotatedBob.Unpack(packed);
        Assert.True(opened.Success, opened.Failure?.ToString());
        Assert.Equal(message.Id, opened.Message!.Id);

        // A party holding only the new key is not the one the message is addressed to.
        var refused = newBob.Packer.Unpack(packed);
        Assert.False(refused.Success);
        Assert.Equal(UnpackFailureKind.Malformed, refused.Failure!.Kind);
    }

    [Fact]
    public void Forward_headers_set_the_forward_expiry_and_reserved_names_are_refused()
    {
        var m1 = Party.Create(_dids);
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids, routingKeys: [m1.Did + "#key-1"]);
        var message = TestMessages.Telegram(alice.Did, bob.Did);
        var headers = new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["expires_time"] = System.Text.Json.JsonSerializer.SerializeToElement(1_900_000_000L),
            ["x_trace"] = System.Text.Json.JsonSerializer.SerializeToElement("abc"),
        };

        var packed = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, ForwardHeaders = headers });

        Assert.True(m1.Packer.TryUnwrapForward(packed.Packed, out var hop, out var failure), failure?.ToString());
        Assert.Equal(1_900_000_000L, hop!.Message.ExpiresTime);
        Assert.Equal("abc", hop.Message.ExtraHeaders!["x_trace"].GetString());
        headers["type"] = System.Text.Json.JsonSerializer.SerializeToElement("evil");
        Assert.Throws<DidCommException>(() => alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, ForwardHeaders = headers }));
    }
}
