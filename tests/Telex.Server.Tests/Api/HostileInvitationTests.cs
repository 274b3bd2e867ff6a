using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text;

using Telex.Core.Protocol;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>
/// Invitation codes found by the fuzz target <c>invitation</c> (fuzz/corpus/invitation/crash-*): each threw out of
/// <see cref="InvitationCode.TryParse"/>, which became a 500 on <c>POST /api/ties/accept</c>.
/// </summary>
public sealed class HostileInvitationTests
{
    // A did:peer:2 whose keys are well formed: Alpha's, from a run of `telex init` (public keys only).
    private const string Keys = "did:peer:2.Ez6LSkkqPv7HhgABC8Hyf1fMagsW4jFJuyEoSwfxaV76iMVKU.Vz6Mko4CXJfEEi849BD15YnyLYTjzwag9SxSRx2Zn9vfTgUqb";

    private const string Service = ".SeyJ0IjoiZG0iLCJzIjp7InVyaSI6Imh0dHA6Ly8xMjcuMC4wLjE6NzQwMC9kaWRjb21tIiwiYSI6WyJkaWRjb21tL3YyIl19fQ";

    public static TheoryData<string, string> HostileCodes => new()
    {
        { "a string whose bytes are not UTF-8", Code(Invitation(Keys + Service, "\"q8Xw\""), invalidByteInSecret: true) },
        { "an expiry beyond the year 9999", Code(Invitation(Keys + Service, "\"q8Xw\"", expires: "99999999999999")) },
        { "an expiry before the year 1", Code(Invitation(Keys + Service, "\"q8Xw\"", expires: "-99999999999999")) },
        { "a DID service .NET's base64url decoder throws on", Code(Invitation(Keys + ".SeyJ0IjoiZG0ioSwfxaV76iMVKU", "\"q8Xw\"")) },
        { "no inviter's name (the DID stood in for it, and a long one made a URL that did not parse again)", Code(Invitation(Keys + Service, "\"q8Xw\"", label: null)) },
    };

    [Theory]
    [MemberData(nameof(HostileCodes))]
    public void A_hostile_invitation_code_is_refused_with_a_reason(string what, string code)
    {
        Assert.False(InvitationCode.TryParse(code, out _, out string error), what);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void The_well_formed_invitation_the_hostile_ones_are_made_from_parses()
    {
        Assert.True(InvitationCode.TryParse(Code(Invitation(Keys + Service, "\"q8Xw\"")), out var invitation, out string error), error);
        Assert.Equal("http://127.0.0.1:7400/didcomm", invitation.Endpoint);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795000000), invitation.ExpiresAt);
    }

    [Fact]
    public async Task Hostile_invitation_codes_are_refused_by_the_api_naming_the_field()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);

        foreach (var row in HostileCodes)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/ties/accept", new { code = (string)row[1] })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
            Assert.Equal("code", problem.GetProperty("field").GetString());
        }

        var ties = await (await admin.GetAsync("/api/ties")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, ties.GetArrayLength());
    }

    private static string Invitation(string from, string secret, string expires = "1795000000", string? label = "Alpha") =>
        "{\"type\":\"https://didcomm.org/out-of-band/2.0/invitation\",\"id\":\"7f3c2a4e\",\"from\":\"" + from + "\","
        + "\"body\":{\"goal_code\":\"telex.tie\"," + (label is null ? "" : "\"label\":\"" + label + "\",")
        + "\"secret\":" + secret + ",\"expires_time\":" + expires + "}}";

    private static string Code(string json, bool invalidByteInSecret = false)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        if (invalidByteInSecret)
        {
            // "q8Xw" → "q\xEDXw": 0xED opens a three-byte sequence that never completes.
            bytes[Array.IndexOf(bytes, (byte)'8', json.IndexOf("q8Xw", StringComparison.Ordinal))] = 0xED;
        }

        return Base64Url.EncodeToString(bytes);
    }
}
