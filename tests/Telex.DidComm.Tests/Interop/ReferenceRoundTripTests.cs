using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.DidComm.Dids;
using Telex.DidComm.Messages;

namespace Telex.DidComm.Tests.Interop;

/// <summary>
/// Round trips with the reference implementation (didcomm-node 0.4.1) in both directions, one test per way of
/// packing: what one packs the other unpacks to the same plaintext, and both report the same metadata for the same
/// bytes. Mediators unwrap one hop each, with the other implementation than the one that packed.
/// </summary>
[Collection(ReferenceInterop.Name)]
public sealed class ReferenceRoundTripTests(ReferenceHarness reference)
{
    public static TheoryData<string> Modes() => InteropCase.Names();

    [Fact]
    public void The_harness_runs_the_reference_version_the_tests_were_written_for()
    {
        Assert.Equal(ReferenceHarness.ExpectedLibrary, reference.Library);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Message_packed_by_Telex_unpacks_in_the_reference_with_the_same_plaintext_and_metadata(string mode)
    {
        var c = InteropCase.Named(mode);
        var keys = ReferenceKeys.Load(c.Forwarded ? c.RoutingKeys : null);
        var plaintext = InteropMessage.Create();
        byte[] packed = PackWithTelex(c, keys, plaintext);

        foreach (var (mediator, key, next) in c.Hops())
        {
            var request = keys.Request("forward_unwrap", mediator);
            request["packed"] = Encoding.UTF8.GetString(packed);
            var hop = await reference.RequestAsync(request);
            Assert.Equal(next, hop["next"]!.GetValue<string>());

            // The same bytes through Telex's mediator, to compare what both learn at this hop.
            Assert.True(keys.PackerOf(mediator).TryUnwrapForward(packed, out var ours, out var failure), $"Telex at {mediator}: {failure}");
            Assert.Equal(next, ours!.Next);
            MetadataComparison.AssertAgree(mediator, c.ExpectedHopMetadata(key), hop["metadata"], ours.Metadata);
            AssertForwardHeaders(c, plaintext, mediator, hop["message"], ours.Message);
            packed = Encoding.UTF8.GetBytes(hop["forwarded"]!.GetValue<string>());
        }

        var unpack = keys.Request("unpack", ReferenceKeys.Bob);
        unpack["packed"] = Encoding.UTF8.GetString(packed);
        unpack["options"] = new JsonObject { ["unwrap_re_wrapping_forward"] = c.ReWrapTo is not null };
        var unpacked = await reference.RequestAsync(unpack);
        AssertSamePlaintext(plaintext, unpacked["message"], "the reference");

        var telex = UnpackWithTelex(c, keys, packed);
        MetadataComparison.AssertAgree(ReferenceKeys.Bob, c.ExpectedMetadata(), unpacked["metadata"], telex.Metadata!, c.ReferenceQuirks);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Message_packed_by_the_reference_unpacks_in_Telex_with_the_same_plaintext_and_metadata(string mode)
    {
        var c = InteropCase.Named(mode);
        var keys = ReferenceKeys.Load(c.Forwarded ? c.RoutingKeys : null);
        var plaintext = InteropMessage.Create();
        var (packedText, _) = await PackWithReference(c, keys, plaintext);
        byte[] packed = Encoding.UTF8.GetBytes(packedText);

        foreach (var (mediator, key, next) in c.Hops())
        {
            Assert.True(keys.PackerOf(mediator).TryUnwrapForward(packed, out var hop, out var failure), $"Telex at {mediator}: {failure}");
            Assert.Equal(next, hop!.Next);

            // The same bytes through the reference's mediator, to compare what both learn at this hop.
            var request = keys.Request("forward_unwrap", mediator);
            request["packed"] = Encoding.UTF8.GetString(packed);
            var theirs = await reference.RequestAsync(request);
            Assert.Equal(next, theirs["next"]!.GetValue<string>());
            MetadataComparison.AssertAgree(mediator, c.ExpectedHopMetadata(key), theirs["metadata"], hop.Metadata);
            AssertForwardHeaders(c, plaintext, mediator, theirs["message"], hop.Message);
            packed = hop.Forwarded;
        }

        var telex = UnpackWithTelex(c, keys, packed);
        AssertSamePlaintext(plaintext, JsonNode.Parse(telex.Message!.ToJson()), "Telex");

        var unpack = keys.Request("unpack", ReferenceKeys.Bob);
        unpack["packed"] = Encoding.UTF8.GetString(packed);
        unpack["options"] = new JsonObject { ["unwrap_re_wrapping_forward"] = c.ReWrapTo is not null };
        var unpacked = await reference.RequestAsync(unpack);
        MetadataComparison.AssertAgree(ReferenceKeys.Bob, c.ExpectedMetadata(), unpacked["metadata"], telex.Metadata!, c.ReferenceQuirks);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Telex_and_the_reference_pack_with_the_same_keys_and_service(string mode)
    {
        var c = InteropCase.Named(mode);
        var keys = ReferenceKeys.Load(c.Forwarded ? c.RoutingKeys : null);
        var plaintext = InteropMessage.Create();
        var ours = Pack(c, keys.PackerOf(ReferenceKeys.Alice), plaintext);
        var (_, theirs) = await PackWithReference(c, keys, plaintext);

        Assert.Equal(Str(theirs["sign_by_kid"]), ours.SignByKid);
        if (c.To is null)
        {
            return;
        }

        Assert.Equal(Str(theirs["from_kid"]), ours.FromKid);
        Assert.Equal(theirs["to_kids"]!.AsArray().Select(Str), ours.ToKids);
        if (c.Forwarded)
        {
            // Without forwarding the reference names no service while Telex names the recipient's anyway, as its
            // PackResult documents; only the routed case is compared.
            Assert.Equal(ReferenceKeys.BobService, Str(theirs["messaging_service"]?["id"]));
            Assert.Equal(ReferenceKeys.BobEndpoint, Str(theirs["messaging_service"]?["service_endpoint"]));
            Assert.Equal(ReferenceKeys.BobService, ours.MessagingService?.Id);
            Assert.Equal(ReferenceKeys.BobEndpoint, ours.ServiceEndpoint);
        }
    }

    private static byte[] PackWithTelex(InteropCase c, ReferenceKeys keys, JsonObject plaintext)
    {
        var alice = keys.PackerOf(ReferenceKeys.Alice);
        byte[] packed = Pack(c, alice, plaintext).Packed;
        return c.ReWrapTo is null ? packed : alice.WrapInForward(packed, ReferenceKeys.Bob, [c.ReWrapTo], c.Anon);
    }

    private static PackResult Pack(InteropCase c, DidCommPacker alice, JsonObject plaintext)
    {
        var message = ToTelex(plaintext);
        if (c.To is null)
        {
            return alice.PackSigned(message, c.SignBy!);
        }

        return alice.PackEncrypted(message, new PackEncryptedOptions
        {
            To = c.To,
            From = c.From,
            SignBy = c.SignBy,
            ProtectSender = c.ProtectSender,
            Forward = c.Forwarded,
            AnonEncryption = c.Anon,
            ForwardHeaders = c.ForwardExpiry
                ? new Dictionary<string, JsonElement> { ["expires_time"] = JsonSerializer.SerializeToElement(plaintext["expires_time"]) }
                : null,
        });
    }

    private async Task<(string Packed, JsonObject Metadata)> PackWithReference(InteropCase c, ReferenceKeys keys, JsonObject plaintext)
    {
        JsonObject request;
        if (c.To is null)
        {
            request = keys.Request("pack_signed", ReferenceKeys.Alice);
            request["signBy"] = c.SignBy;
        }
        else
        {
            request = keys.Request("pack_encrypted", ReferenceKeys.Alice);
            request["to"] = c.To;
            request["from"] = c.From;
            request["signBy"] = c.SignBy;
            request["options"] = new JsonObject
            {
                ["protect_sender"] = c.ProtectSender,
                ["forward"] = c.Forwarded,
                ["enc_alg_anon"] = InteropCase.AnonAlg(c.Anon),
            };
            if (c.ForwardExpiry)
            {
                request["options"]!["forward_headers"] = new JsonObject { ["expires_time"] = plaintext["expires_time"]!.DeepClone() };
            }
        }

        request["message"] = plaintext.DeepClone();
        var packed = await reference.RequestAsync(request);
        string text = packed["packed"]!.GetValue<string>();
        if (c.ReWrapTo is not null)
        {
            var wrap = keys.Request("wrap_in_forward", ReferenceKeys.Alice);
            wrap["packed"] = text;
            wrap["to"] = ReferenceKeys.Bob;
            wrap["routingKeys"] = new JsonArray(c.ReWrapTo);
            wrap["encAlgAnon"] = InteropCase.AnonAlg(c.Anon);
            text = (await reference.RequestAsync(wrap))["packed"]!.GetValue<string>();
        }

        return (text, packed["metadata"]!.AsObject());
    }

    private static UnpackResult UnpackWithTelex(InteropCase c, ReferenceKeys keys, byte[] packed)
    {
        var result = keys.PackerOf(ReferenceKeys.Bob).Unpack(packed, new UnpackOptions { UnwrapReWrappingForward = c.ReWrapTo is not null });
        Assert.True(result.Success, $"Telex refused the message: {result.Failure}");
        return result;
    }

    /// <summary>Telex's model of the plaintext, read by Telex's own parser (a plaintext message unpacks as itself).</summary>
    private static Message ToTelex(JsonObject plaintext)
    {
        var parsed = new DidCommPacker(new DidResolver(), new SecretResolver()).Unpack(Encoding.UTF8.GetBytes(plaintext.ToJsonString()));
        Assert.True(parsed.Success, $"Telex cannot read the test message: {parsed.Failure}");
        return parsed.Message;
    }

    /// <summary>The Forward a mediator unwrapped, as the reference and Telex read it, carries the requested headers.</summary>
    private static void AssertForwardHeaders(InteropCase c, JsonObject plaintext, string mediator, JsonNode? referenceForward, Message telexForward)
    {
        if (c.ForwardExpiry)
        {
            long expires = plaintext["expires_time"]!.GetValue<long>();
            Assert.True(expires == referenceForward?["expires_time"]?.GetValue<long>() && expires == telexForward.ExpiresTime,
                $"the Forward to {mediator} must expire at {expires}: the reference reads {Show(referenceForward?["expires_time"])}, "
                + $"Telex reads {telexForward.ExpiresTime?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}");
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static void AssertSamePlaintext(JsonObject expected, JsonNode? actual, string who)
    {
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"{who} unpacked another plaintext:\nsent     {expected.ToJsonString()}\nunpacked {actual?.ToJsonString()}");
    }

    private static string? Str(JsonNode? node) => node?.GetValue<string>();
}
