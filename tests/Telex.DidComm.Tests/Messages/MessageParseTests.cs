using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using CsCheck;

using Telex.DidComm.Messages;

namespace Telex.DidComm.Tests.Messages;

/// <summary><see cref="Message.Parse"/> and <see cref="Message.TryParse"/>: the public way from JSON text to a message.</summary>
public sealed class MessageParseTests
{
    private static string Plaintext(string name) => File.ReadAllText(Path.Combine(TestPaths.Vectors, "didcomm-rust", "plaintext", name));

    [Fact]
    public void A_message_written_by_ToJson_parses_back_to_an_equal_message()
    {
        var original = TestMessages.Telegram("did:example:alice", "did:example:bob") with
        {
            ExtraHeaders = new Dictionary<string, JsonElement> { ["lang"] = JsonSerializer.SerializeToElement("en") },
        };

        var parsed = Message.Parse(original.ToJson());

        Assert.Equal(original.Id, parsed.Id);
        Assert.Equal(original.Type, parsed.Type);
        Assert.Equal(original.From, parsed.From);
        Assert.Equal(original.To, parsed.To);
        Assert.Equal(original.Thid, parsed.Thid);
        Assert.Equal(original.CreatedTime, parsed.CreatedTime);
        Assert.Equal(original.ExpiresTime, parsed.ExpiresTime);
        Assert.Equal("SGVsbG8", Assert.Single(parsed.Attachments!).Data.Base64);
        Assert.Equal("en", parsed.ExtraHeaders!["lang"].GetString());
        Assert.Equal(original.ToJson(), parsed.ToJson());
    }

    [Theory]
    [InlineData("plaintext-msg-simple.json")]
    [InlineData("plaintext-msg-minimal.json")]
    [InlineData("plaintext-msg-attachment-base64.json")]
    [InlineData("plaintext-msg-attachment-json.json")]
    [InlineData("plaintext-msg-attachment-links.json")]
    [InlineData("plaintext-msg-attachment-multi-1.json")]
    public void The_reference_plaintexts_parse_to_what_they_say(string file)
    {
        string json = Plaintext(file);

        var message = Message.Parse(json);

        var expected = JsonNode.Parse(json)!;
        Assert.Equal(expected["id"]!.GetValue<string>(), message.Id);
        Assert.Equal(expected["type"]!.GetValue<string>(), message.Type);
        Assert.True(JsonNode.DeepEquals(expected["body"], JsonNode.Parse(message.Body.GetRawText())));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(message.ToJson())), message.ToJson());
    }

    [Theory]
    [InlineData("invalid-plaintext-msg-no-id.json", "'id'")]
    [InlineData("invalid-plaintext-msg-no-type.json", "'type'")]
    [InlineData("invalid-plaintext-msg-no-body.json", "'body'")]
    [InlineData("invalid-plaintext-msg-empty.json", "")]
    [InlineData("invalid-plaintext-msg-wrong-typ.json", "typ")]
    [InlineData("invalid-plaintext-msg-attachments-no-data.json", "")]
    [InlineData("invalid-plaintext-msg-attachments-as-string.json", "")]
    [InlineData("invalid-plaintext-msg-string.txt", "not JSON")]
    public void An_invalid_plaintext_is_a_FormatException_saying_why(string file, string reason)
    {
        string json = Plaintext(file);

        var e = Assert.Throws<FormatException>(() => Message.Parse(json));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(Message.TryParse(json, out var message, out string? error));
        Assert.Null(message);
        Assert.Equal(e.Message, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"a message\"")]
    [InlineData("null")]
    [InlineData("{\"id\":1,\"type\":\"t\",\"body\":{}}")]
    [InlineData("{\"id\":\"1\",\"type\":\"t\",\"body\":[]}")]
    [InlineData("{\"id\":\"1\",\"type\":\"t\",\"body\":{},\"to\":\"did:example:bob\"}")]
    [InlineData("{\"id\":\"1\",\"type\":\"t\",\"body\":{},\"created_time\":\"yesterday\"}")]
    public void Malformed_text_is_a_FormatException(string json)
    {
        Assert.Throws<FormatException>(() => Message.Parse(json));
        Assert.False(Message.TryParse(json, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Nesting_a_hundred_thousand_deep_is_refused_not_a_stack_overflow()
    {
        string deep = "{\"id\":\"1\",\"type\":\"t\",\"body\":{\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}}";

        var e = Assert.Throws<FormatException>(() => Message.Parse(deep));

        Assert.Contains("depth", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_limits_bound_size_and_attachments()
    {
        string json = TestMessages.Telegram("did:example:alice", "did:example:bob", text: new string('x', 4_000)).ToJson();

        var tooLarge = Assert.Throws<FormatException>(() => Message.Parse(json, new DidCommLimits { MaxMessageBytes = 1_000 }));
        Assert.Contains("exceeds 1000 bytes", tooLarge.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Message.Parse(json, new DidCommLimits { MaxAttachments = 0 }));
        Assert.Equal(4_000, Message.Parse(json).Body.GetProperty("text").GetString()!.Length);
    }

    [Fact]
    public void Any_text_either_parses_or_is_refused_with_a_reason()
    {
        Gen.String.Sample(text =>
        {
            bool parsed = Message.TryParse(text, out var message, out string? error);
            return parsed ? message is not null && error is null : message is null && !string.IsNullOrEmpty(error);
        });

        // Mutations of a real message reach deeper than random text: every byte replaced in turn.
        string valid = TestMessages.Telegram("did:example:alice", "did:example:bob").ToJson();
        Gen.Int[0, valid.Length - 1].Select(Gen.Char).Sample((at, c) =>
        {
            var mutated = new StringBuilder(valid) { [at] = c }.ToString();
            return Message.TryParse(mutated, out var message, out string? error) ? message is not null : error is not null;
        });
    }
}
