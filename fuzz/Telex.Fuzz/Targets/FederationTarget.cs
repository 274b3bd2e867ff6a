using Telex.Core;
using Telex.Core.Identity;
using Telex.Core.Model;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.Storage.Sqlite;

namespace Telex.Fuzz;

/// <summary>
/// What an agency does with a peer's message once it has been unpacked: the input is a DIDComm plaintext message
/// (any type, body and attachments) whose first byte chooses the sender — a tied counterpart, a stranger, or a tied
/// relay. The target sets <c>from</c> to that sender and <c>to</c> to the agency (the input's own <c>to</c> is kept
/// when the selector byte says so, to reach the "not addressed to this agency" refusal), signs it with the sender's
/// key, encrypts it to the agency and hands it to <see cref="Agency.ReceiveAsync"/>, which answers a refusal for any
/// bad input and never throws: every exception out of it — from the gate or any domain handler — is a crash.
/// </summary>
/// <remarks>
/// One agency (SQLite in a temporary folder, no fsync, a transport that never delivers) serves every input of a
/// process, so state built by one input (an issue opened, a tie suspended) is seen by the next, as on a real
/// agency. The plaintext is read with <see cref="DidCommPacker.Unpack"/>; an input it refuses is not a finding here
/// (the didcomm target fuzzes that parser).
/// </remarks>
internal static class FederationTarget
{
    private static readonly Lazy<Setup> State = new(Setup.Create);

    public static void Run(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }

        var setup = State.Value;
        var plain = setup.SenderPacker.Unpack(input.AsMemory(1));
        if (!plain.Success)
        {
            return;
        }

        var sender = (input[0] % 3) switch
        {
            0 => setup.Tied,
            1 => setup.Stranger,
            _ => setup.Relay,
        };
        bool keepTo = (input[0] & 0x80) != 0 && plain.Message!.To is { Count: > 0 };
        var message = plain.Message! with
        {
            From = sender.Did,
            To = keepTo ? plain.Message.To : [setup.Agency.Identity.Did],
        };

        byte[] packed;
        try
        {
            var signed = setup.SenderPacker.PackSigned(message, sender.Did);
            packed = setup.SenderPacker.PackEncryptedPayload(signed.Packed, new PackEncryptedOptions { To = setup.Agency.Identity.Did }).Packed;
        }
        catch (DidCommException)
        {
            return; // not a message the sender could send (e.g. a header the packer refuses): nothing to fuzz
        }

        var result = setup.Agency.ReceiveAsync(packed).GetAwaiter().GetResult();
        if (result.IsAccepted == (result.Code is not null))
        {
            throw new InvalidOperationException("an inbound result is either accepted or a refusal with a code");
        }
    }

    private sealed record Setup(Agency Agency, AgencyIdentity Tied, AgencyIdentity Stranger, AgencyIdentity Relay, DidCommPacker SenderPacker)
    {
        public static Setup Create()
        {
            string folder = Path.Combine(Path.GetTempPath(), "telex-fuzz-federation-" + Environment.ProcessId);
            Directory.CreateDirectory(folder);
            var store = new SqliteStore(Path.Combine(folder, "telex.db"), fullSync: false);
            store.MigrateAsync().GetAwaiter().GetResult();

            var own = AgencyIdentity.Create("Alpha", "http://127.0.0.1:9/didcomm");
            var tied = AgencyIdentity.Create("Bravo", "http://127.0.0.1:9/didcomm");
            var stranger = AgencyIdentity.Create("Charlie", "http://127.0.0.1:9/didcomm");
            var relay = AgencyIdentity.Create("Delta", "http://127.0.0.1:9/didcomm");
            var agency = new Agency(own, store, new NowhereTransport());
            foreach (var (peer, terms) in new[] { (tied, TieTerms.Default), (relay, TieTerms.Default with { Relays = true }) })
            {
                store.Ties.SaveTieAsync(new Tie
                {
                    PeerDid = peer.Did,
                    PeerName = peer.Name,
                    PeerEndpoint = peer.Endpoint,
                    Status = TieStatus.Established,
                    Terms = terms,
                    EstablishedAt = DateTimeOffset.UtcNow,
                }).GetAwaiter().GetResult();
            }

            var secrets = new SecretResolver();
            foreach (var identity in new[] { tied, stranger, relay })
            {
                secrets.Add(identity.Signing);
                secrets.Add(identity.Agreement);
            }

            return new Setup(agency, tied, stranger, relay, new DidCommPacker(new DidResolver(), secrets));
        }
    }

    /// <summary>Never reaches anyone: the agency's answers and receipts stay in its outbox.</summary>
    private sealed class NowhereTransport : ITransport
    {
        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct) =>
            Task.FromResult(new TransportResult(false, 503, "the fuzz target sends nothing"));
    }
}
