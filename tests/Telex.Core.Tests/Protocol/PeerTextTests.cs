using Telex.Core.Protocol;

namespace Telex.Core.Tests.Protocol;

/// <summary>
/// What reads as a DID to an officer, whatever the characters: such a string is no agency's name (a peer could otherwise
/// take a name that reads as another agency's DID, and a DID typed by an officer could find it).
/// </summary>
public sealed class PeerTextTests
{
    public static TheoryData<string> ReadAsDids => new()
    {
        "did:peer:2.Ez6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
        "DID:key:z6Mk",
        "  did:web:example.org",
        "\u200Bdid:peer:2.Ez6L",      // zero-width space
        "\u2060did:peer:2.Ez6L",      // word joiner
        "\uFEFFdid:peer:2.Ez6L",      // byte-order mark
        "\u00ADdid:peer:2.Ez6L",      // soft hyphen
        "di\u200Dd:peer:2.Ez6L",      // zero-width joiner inside
        "did\uFF1Apeer:2.Ez6L",       // full-width colon
        "\uFF44\uFF49\uFF44:peer",    // full-width letters
        "did\uA789peer:2.Ez6L",       // modifier letter colon
        "did\u2236peer",              // ratio
        "\u0501id:peer:2.Ez6L",       // Cyrillic komi de
        "d\u0456d:peer:2.Ez6L",       // Cyrillic i
        "d\u03B9d:peer",              // Greek iota
        "DlD:peer",                   // lower-case L for I
        "d1d:peer",
        "\u217Eid:peer",              // small roman numeral five hundred
        "\U0001D41D\U0001D422\U0001D41D:peer", // mathematical bold
        "did\uFE55peer",              // small colon
    };

    [Theory]
    [MemberData(nameof(ReadAsDids))]
    public void A_string_drawn_as_a_DID_reads_as_one_and_is_no_agency_name(string text)
    {
        Assert.True(PeerText.ReadsAsDid(text));
        Assert.NotNull(PeerText.AgencyNameProblem(text));
    }

    [Theory]
    [InlineData("Didcot Council")]
    [InlineData("Dido: Foreign Office")]
    [InlineData("Diderot")]
    [InlineData("DI Desk")]
    [InlineData("did")]
    [InlineData("Meridian")]
    [InlineData("وزارت\u200Cامور خارجه")]  // Persian, with the zero-width non-joiner its spelling needs
    [InlineData("北京")]
    public void Names_that_only_begin_alike_are_names(string text)
    {
        Assert.False(PeerText.ReadsAsDid(text));
        Assert.Null(PeerText.AgencyNameProblem(text));
    }
}
