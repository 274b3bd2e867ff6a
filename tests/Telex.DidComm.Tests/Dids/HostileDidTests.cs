using System.Buffers.Text;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Dids;

/// <summary>did:peer:2 service segments found by the fuzz target <c>invitation</c> (fuzz/corpus/invitation/crash-*).</summary>
public sealed class HostileDidTests
{
    [Theory]
    // Right alphabet and length, yet .NET's Base64Url.TryDecodeFromChars threw FormatException on it.
    [InlineData("eyJ0IjoiZG0ioSwfxaV76iMVKU")]
    // {"t":"d\xFFm","s":{"uri":"http://127.0.0.1:1/didcomm"}}: a string whose bytes are not UTF-8.
    [InlineData("not-utf8")]
    public void A_did_peer_2_with_a_hostile_service_is_refused_not_thrown(string service)
    {
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        string keys = DidPeer.Create([sign.PublicKey], [agree.PublicKey], serviceEndpoint: null);
        if (service == "not-utf8")
        {
            service = Base64Url.EncodeToString([.. "{\"t\":\"d"u8, 0xFF, .. "m\",\"s\":{\"uri\":\"http://127.0.0.1:1/didcomm\"}}"u8]);
        }

        Assert.True(DidPeer.TryResolve(keys, out _, out string error), error);
        Assert.False(DidPeer.TryResolve(keys + ".S" + service, out _, out error));
        Assert.NotEmpty(error);
    }
}
