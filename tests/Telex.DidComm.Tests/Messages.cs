using System.Text.Json;

using Telex.DidComm.Messages;

namespace Telex.DidComm.Tests;

internal static class TestMessages
{
    public static Message Telegram(string from, string to, string text = "Stalin asked me to inform you: ties first, then the bureau.") => new()
    {
        Id = Guid.NewGuid().ToString(),
        Type = "https://telex.example/protocols/telegram/1.0/telegram",
        From = from,
        To = [to],
        CreatedTime = 1_700_000_000,
        ExpiresTime = 1_700_086_400,
        Thid = "issue-1",
        Body = JsonSerializer.SerializeToElement(new { subject = "Ties", precedence = "priority", text, points = new[] { 1, 2, 3 } }),
        Attachments =
        [
            new Attachment { Id = "a1", MediaType = "text/plain", Data = new AttachmentData { Base64 = "SGVsbG8" } },
        ],
    };
}
