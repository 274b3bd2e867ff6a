using System.Text.Json.Nodes;

namespace Telex.DidComm.Tests.Interop;

/// <summary>
/// The plaintext both implementations exchange: every standard header, an extra header, a nested body with
/// characters from four scripts, an emoji and JSON escapes, and a JSON and a base64 attachment.
/// </summary>
internal static class InteropMessage
{
    public static JsonObject Create()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["typ"] = "application/didcomm-plain+json",
            ["type"] = "https://telex.example/protocols/telegram/1.0/telegram",
            ["from"] = ReferenceKeys.Alice,
            ["to"] = new JsonArray(ReferenceKeys.Bob),
            ["thid"] = "7c1e4a52-telegram-thread",
            ["pthid"] = "issue-2025-11",
            ["created_time"] = now,
            ["expires_time"] = now + 86_400,
            ["lang"] = "de",
            ["body"] = new JsonObject
            {
                ["subject"] = "Grüße aus Zürich — 電報 ☎ 🛰",
                ["precedence"] = "urgent",
                ["lines"] = new JsonArray("ANKUNFT DIENSTAG 14:05 STOP", "Ŝi diris: «ĝis baldaŭ» STOP", "\"quoted\", back\\slash,\ttab\nnewline"),
                ["route"] = new JsonObject
                {
                    ["origin"] = new JsonObject { ["station"] = "ZRH-1", ["coordinates"] = new JsonArray(47.3769, 8.5417) },
                    ["hops"] = new JsonArray(
                        new JsonObject { ["via"] = ReferenceKeys.Mediator1, ["attempt"] = 1 },
                        new JsonObject { ["via"] = ReferenceKeys.Mediator2, ["attempt"] = 2, ["note"] = null }),
                },
                ["words"] = 42,
                ["paid"] = true,
                ["fee"] = new JsonObject { ["amount"] = 12.5, ["currency"] = "CHF" },
            },
            ["attachments"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = "itinerary",
                    ["description"] = "Reiseplan — 行程",
                    ["media_type"] = "application/json",
                    ["data"] = new JsonObject
                    {
                        ["json"] = new JsonObject
                        {
                            ["legs"] = new JsonArray(
                                new JsonObject { ["from"] = "Zürich HB", ["to"] = "Genève", ["departs"] = "14:05" },
                                new JsonObject { ["from"] = "Genève", ["to"] = "Lyon Part-Dieu", ["departs"] = "17:22" }),
                        },
                    },
                },
                new JsonObject
                {
                    ["id"] = "signature-card",
                    ["filename"] = "unterschrift.png",
                    ["media_type"] = "image/png",
                    ["byte_count"] = 16,
                    ["lastmod_time"] = now - 3_600,
                    ["data"] = new JsonObject { ["base64"] = "iVBORw0KGgoAAAANSUhEUg" },
                }),
        };
    }
}
