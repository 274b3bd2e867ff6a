using Telex.Cli.Client;
using Telex.Cli.Commands;

namespace Telex.Cli.Tests.Client;

/// <summary>What the CLI makes of an agency's refusals, of peers' attachment names and of its own session file.</summary>
public sealed class ClientTextTests
{
    [Fact]
    public void A_problem_document_becomes_its_detail_and_never_its_json()
    {
        Assert.Equal("code: the invitation code is not JSON", ApiClient.ProblemSentence(400, "Bad Request",
            """{"type":"https://telex.dev/problems/invalid","title":"Bad request","status":400,"detail":"code: the invitation code is not JSON","code":"invalid","field":"code"}"""));
        Assert.Equal("One or more validation errors occurred.: subject: The subject field is required.", ApiClient.ProblemSentence(400, "Bad Request",
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"subject":["The subject field is required."]}}"""));

        // A body with nothing readable, a page or a long text: a sentence for the status, nothing of the body.
        foreach (string body in new[] { """{"status":418,"extra":{"x":1}}""", "<html><body>proxy error</body></html>", new string('x', 500), "" })
        {
            string sentence = ApiClient.ProblemSentence(418, "I'm a teapot", body);
            Assert.Equal("the agency answered 418 I'm a teapot", sentence);
        }

        Assert.Equal("not signed in, or the session has expired: run telex login", ApiClient.ProblemSentence(401, "Unauthorized", "{}"));
    }

    [Fact]
    public void A_peer_problem_code_is_explained_and_an_unknown_one_left_as_it_is()
    {
        Assert.Equal("the inviter refused (403): the invitation is unknown there, was used or has expired, or its secret is wrong (e.p.tie.invitation)",
            PeerProblems.Explain("the inviter refused (403): e.p.tie.invitation"));
        Assert.Equal("the inviter refused (409): a tie between the two agencies exists already (e.p.tie.exists)",
            ApiClient.ProblemSentence(502, "Bad Gateway", """{"title":"Counterpart refused or unreachable","detail":"the inviter refused (409): e.p.tie.exists"}"""));
        Assert.Equal("the inviter refused (403): e.p.something.new", PeerProblems.Explain("the inviter refused (403): e.p.something.new"));
        Assert.Equal("the inviter refused (500): no problem code", PeerProblems.Explain("the inviter refused (500): no problem code"));
    }

    [Theory]
    [InlineData("minutes.txt", "minutes.txt")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Windows\\win.ini", "win.ini")]
    [InlineData(".bashrc", "bashrc")]
    [InlineData("..", "attachment-0123456789abcdef")]
    [InlineData("dir/..", "attachment-0123456789abcdef")]
    [InlineData("a\u0001b\n.txt", "ab.txt")]
    [InlineData("", "attachment-0123456789abcdef")]
    [InlineData(null, "attachment-0123456789abcdef")]
    public void An_attachment_name_from_a_peer_becomes_a_plain_file_name(string? name, string expected) =>
        Assert.Equal(expected, AttachmentCommands.SafeFileName(name, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));

    [Fact]
    public void A_session_file_from_before_named_contexts_is_read_as_contexts_named_by_url()
    {
        using var folder = new TempFolder();
        string path = folder.File("session.json");
        File.WriteAllText(path, """
            {"current":"http://127.0.0.1:7402","sessions":{
              "http://127.0.0.1:7401":{"name":"admin","token":"tlx_a","expiresAt":"2099-01-01T00:00:00+00:00"},
              "http://127.0.0.1:7402":{"name":"clerk","token":"tlx_b","expiresAt":null}}}
            """);
        var store = new SessionStore(path);

        Assert.Equal("http://127.0.0.1:7402", store.Current?.Url);
        Assert.Equal("tlx_a", store.ForUrl(new Uri("http://127.0.0.1:7401/"))?.Session?.Token);
        Assert.Null(store.ForUrl(new Uri("http://127.0.0.1:7403")));

        // Signing in again names the context after the agency, in place of the one named by its URL.
        store.SaveLogin(new Uri("http://127.0.0.1:7401"), "Alpha", "did:peer:2.alpha", new StoredSession("admin", "tlx_c", null));
        Assert.Equal(["http://127.0.0.1:7402", "Alpha"], store.Contexts.Select(c => c.Name));
        Assert.Equal("tlx_c", store.Find("alpha")?.Session?.Token);
        Assert.Equal("Alpha", store.Current?.Name);
    }

    [Fact]
    public void Two_agencies_of_one_name_keep_two_contexts_and_an_agency_that_moved_keeps_one()
    {
        using var folder = new TempFolder();
        var store = new SessionStore(folder.File("session.json"));
        store.SaveLogin(new Uri("http://127.0.0.1:7401"), "Alpha", "did:peer:2.one", new StoredSession("admin", "tlx_1", null));
        store.SaveLogin(new Uri("http://127.0.0.1:7501"), "Alpha", "did:peer:2.two", new StoredSession("admin", "tlx_2", null));
        Assert.Equal(["Alpha", "Alpha@127.0.0.1:7501"], store.Contexts.Select(c => c.Name));
        Assert.Equal("tlx_1", store.ForUrl(new Uri("http://127.0.0.1:7401"))?.Session?.Token);
        Assert.Equal("tlx_2", store.ForUrl(new Uri("http://127.0.0.1:7501"))?.Session?.Token);

        // The first agency, by its DID, now answers at another URL: its context follows it, and the old URL has no session.
        store.SaveLogin(new Uri("http://127.0.0.1:7601"), "Alpha", "did:peer:2.one", new StoredSession("admin", "tlx_3", null));
        Assert.Equal(["Alpha@127.0.0.1:7501", "Alpha"], store.Contexts.Select(c => c.Name));
        Assert.Null(store.ForUrl(new Uri("http://127.0.0.1:7401")));
        Assert.Equal("http://127.0.0.1:7601", store.Find("Alpha")?.Url);
    }
}
