using Telex.Core.Counterparts;

namespace Telex.Core.Tests.Counterparts;

/// <summary>The mark that tells apart agencies going by one name: a short fingerprint of the DID, the same every time.</summary>
public sealed class PeerGivenNameTests
{
    [Fact]
    public void A_name_is_marked_with_the_first_eight_hex_digits_of_the_DIDs_SHA256()
    {
        // sha256sum of "did:peer:2.example" begins with these digits.
        Assert.Equal("Ministry (8662a3a9)", DirectoryService.DisambiguatedName("Ministry", "did:peer:2.example"));
    }

    [Fact]
    public void Two_agencies_of_one_name_are_told_apart_and_each_keeps_its_mark()
    {
        string first = DirectoryService.DisambiguatedName("Ministry", "did:peer:2.first");
        string second = DirectoryService.DisambiguatedName("Ministry", "did:peer:2.second");

        Assert.NotEqual(first, second);
        Assert.Equal(first, DirectoryService.DisambiguatedName("Ministry", "did:peer:2.first"));
        Assert.StartsWith("Ministry (", first, StringComparison.Ordinal);
    }
}
