using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Messages;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Surreptitious forwarding: a counterpart passes on, re-encrypted to a third agency, a telegram that someone else
/// signed. The signature is genuine and its signer is tied with the third agency, so only the telegram's <c>to</c>
/// shows that it was never meant for it.
/// </summary>
public sealed class ForwardingAttackTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static Task<long> InboundAsync(TestAgency agency) => agency.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound });

    [Fact]
    public async Task A_telegram_signed_for_another_agency_and_re_encrypted_to_this_one_is_refused_and_not_registered()
    {
        // Bravo is tied with Alpha and Charlie; Charlie is tied with Alpha. Bravo writes to Charlie.
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        await TestAgency.TieAsync(b, c);
        await TestAgency.TieAsync(a, c);
        var sent = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = c.Did, Subject = "For Charlie only", Body = "Not for Alpha's eyes." }, "officer");
        var received = await Eventually.UntilAsync(() => c.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound), t => t is not null, Deadline,
            "Charlie registers Bravo's telegram");

        // Charlie takes Bravo's signed original from its register and encrypts it to Alpha. Bravo's first telegram to
        // Alpha would carry serial 1 too, so nothing but its 'to' tells Alpha that Bravo never sent it there.
        byte[] forwarded = PackerFor(c).PackEncryptedPayload(received!.SignedOriginal, new PackEncryptedOptions { To = a.Did }).Packed;
        var answer = await HostilePeer.PostAsync(a.Identity.Endpoint, forwarded);

        Assert.Equal(400, answer.Status);
        Assert.Equal(0L, await InboundAsync(a));
        Assert.Null(await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound));

        // Bravo's own telegrams to Alpha still arrive, from serial 1: the refusal left the tie's sequence untouched.
        var own = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "For Alpha", Body = "Sent to Alpha." }, "officer");
        var registered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(own.Id, Direction.Inbound), t => t is not null, Deadline,
            "Alpha registers Bravo's own telegram");
        Assert.Equal(1, registered!.Serial);
    }

    [Fact]
    public async Task A_signed_telegram_naming_no_recipient_is_refused_whoever_encrypts_it()
    {
        // DIDComm lets a message leave out 'to'. Signed so by Bravo (as another implementation might sign one for
        // Charlie), it names nobody the envelope could be checked against: Charlie could pass it to anyone tied with
        // Bravo, so Alpha refuses it, although it is encrypted to Alpha's key and signed by a tied agency.
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        await TestAgency.TieAsync(a, c);
        var unaddressed = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = MessageTypes.Telegram,
            From = b.Did,
            To = null,
            CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ExpiresTime = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["serial"] = 1,
                ["subject"] = "Unaddressed",
                ["text"] = "Addressed to no one.",
                ["precedence"] = "routine",
            }),
        };
        byte[] signed = PackerFor(b).PackSigned(unaddressed, b.Did).Packed;

        var answer = await HostilePeer.PostAsync(a.Identity.Endpoint, PackerFor(c).PackEncryptedPayload(signed, new PackEncryptedOptions { To = a.Did }).Packed);

        Assert.Equal((400, "e.p.msg.recipient"), answer);
        Assert.Equal(0L, await InboundAsync(a));

        // Addressed to Alpha, the same telegram from Bravo is registered: it was refused for its missing 'to' alone.
        var addressed = unaddressed with { To = [a.Did] };
        var accepted = await HostilePeer.PostAsync(a.Identity.Endpoint, PackerFor(c).PackEncryptedPayload(PackerFor(b).PackSigned(addressed, b.Did).Packed, new PackEncryptedOptions { To = a.Did }).Packed);
        Assert.Equal(202, accepted.Status);
        Assert.Equal(1L, await InboundAsync(a));
    }

    /// <summary>A packer holding the agency's own secrets, as its own outbox signs and encrypts.</summary>
    private static DidCommPacker PackerFor(TestAgency agency) => new(new DidResolver(), agency.Identity.Secrets);
}
