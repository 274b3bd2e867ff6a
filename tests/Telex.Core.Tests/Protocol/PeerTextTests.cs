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
        "d\u034Fid:peer:2.Ez6L",      // combining grapheme joiner
        "\u3164did:peer:2.Ez6L",      // Hangul filler
        "di\uFE0Fd:peer:2.Ez6L",      // variation selector
        "\U000E0100did:peer",         // variation selector from the supplement
        "\u115Fdid:peer",             // Hangul choseong filler
        "d\U0001D6A4d:peer",          // mathematical dotless i
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

    [Theory]
    [InlineData("Beijing", "Bei\u200Bjing")]       // zero-width space
    [InlineData("Beijing", "Beijing\u034F")]       // combining grapheme joiner
    [InlineData("Beijing", "\u3164Beijing")]       // Hangul filler
    [InlineData("Beijing", " Beijing  ")]
    [InlineData("Foreign Office", "Foreign\u00A0\u00A0Office")]
    [InlineData("Beijing", "\uFF22\uFF45\uFF49\uFF4A\uFF49\uFF4E\uFF47")] // full-width
    [InlineData("Kiev", "\u212Aiev")]              // Kelvin sign
    [InlineData("\u03A9mega", "\u2126mega")]       // Ohm sign
    [InlineData("\u00C5rhus", "\u212Brhus")]       // Ångström sign
    [InlineData("Stra\u00DFe", "STRA\u1E9EE")]     // capital sharp s
    [InlineData("ISTANBUL", "\u0130stanbul")]      // dotted capital I
    [InlineData("Istanbul", "\u0131stanbul")]      // dotless i
    [InlineData("Sofia", "\u017Fofia")]            // long s
    [InlineData("Beijing", "beiJING")]
    public void Names_that_read_alike_are_one_name(string a, string b)
    {
        Assert.True(PeerText.SameName(a, b));
        Assert.True(PeerText.SameName(b, a));
    }

    [Theory]
    [InlineData("Beijing", "Peking")]
    [InlineData("Beijing", "Bei jing")]
    [InlineData("Shenyang", "\u0428\u044D\u043D\u044C\u044F\u043D")]
    [InlineData("Stra\u00DFe", "Strase")]
    public void Names_that_read_apart_are_two(string a, string b) => Assert.False(PeerText.SameName(a, b));
}
