namespace Telex.Core;

/// <summary>How an agency delivers and receives. Immutable; defaults are described on each property.</summary>
public sealed record AgencyOptions
{
    /// <summary>The defaults.</summary>
    public static AgencyOptions Default { get; } = new();

    /// <summary>
    /// Concurrent deliveries to one counterpart. Default 16: enough to keep a loopback or LAN peer busy while
    /// bounding what one slow peer can hold of the agency's sockets.
    /// </summary>
    public int MaxConcurrentSendsPerPeer { get; init; } = 16;

    /// <summary>
    /// Receipt messages on their way at once. Default 8: receipts registered while these are under way wait and go
    /// together, one signature and one message for many, which is what keeps receipts cheap under load.
    /// </summary>
    public int MaxConcurrentReceiptSends { get; init; } = 8;

    /// <summary>
    /// Outbox items the dispatcher delivers at once, across all counterparts (each bounded further by
    /// <see cref="MaxConcurrentSendsPerPeer"/>). Default 64: enough to keep many counterparts busy on two cores.
    /// </summary>
    public int DispatchConcurrency { get; init; } = 64;

    /// <summary>
    /// Envelopes this agency, acting as a relay, passes on at once. Default 16: relaying is a side duty that must not
    /// take the sockets and cores the agency's own traffic needs.
    /// </summary>
    public int RelayConcurrency { get; init; } = 16;

    /// <summary>Items claimed from the outbox at a time. Default 256.</summary>
    public int DispatchBatch { get; init; } = 256;

    /// <summary>
    /// How long a node holds claimed outbox items before another node may take them. Default 2 minutes: longer
    /// than any single delivery attempt, short enough that a crashed node's work resumes soon.
    /// </summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long the outbox dispatcher and the relay forwarder sleep at most when nothing is due and nothing wakes them.
    /// Default 30 s: new work wakes them at once (on this node, and through the shared database on the other nodes), and
    /// retries wake them when due; this only bounds how late work is found that no wake announced — a retry scheduled by
    /// another node that went down, a wake lost with a dropped database connection.
    /// </summary>
    public TimeSpan IdleRecheck { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before the second attempt; doubled each time up to the tie's maximum interval. Default 250 ms.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// After the next hop accepted a telegram, how long to wait for its receipt before sending it again.
    /// Default 30 s: a receipt normally follows within milliseconds; a missing one means the peer lost it.
    /// </summary>
    public TimeSpan ReceiptWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a gap in a counterpart's serials may persist before the missing serials are requested again.
    /// Default 5 s: concurrent deliveries arrive out of order; only a lasting gap means a loss.
    /// </summary>
    public TimeSpan GapGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the agency signs a checkpoint of its register (only when the register grew since the last one) and
    /// sends it to its ties. Default 1 hour: a rewrite of the register is provable by counterparts within the hour,
    /// at the cost of one small message per tie.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long this agency, acting as a relay, keeps an envelope its next hop has not accepted before dropping it
    /// (counted and logged, without content). Default 3 days, the default expiry of a telegram: the sender has given
    /// up by then and a relay must not hold others' traffic longer than forwarding needs.
    /// </summary>
    public TimeSpan RelayRetention { get; init; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How many bytes of envelopes this agency, acting as a relay, holds from one counterpart at a time; a forward beyond
    /// it is refused for now (503 <c>e.p.relay.full</c>) and the sender sends it again later, as the queue drains.
    /// Default 256 MiB: sixteen of the largest messages, or thousands of ordinary telegrams, while one counterpart
    /// cannot fill the relay's disk for the others.
    /// </summary>
    public long RelayQueueBytesPerCounterpart { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// After a counterpart rotates its keys, how long messages signed under its old DID are still accepted. Default 7
    /// days: longer than any message stays in flight (a telegram expires after 3 days by default), short enough that
    /// whoever holds a stolen old key soon cannot speak for the counterpart. What the old DID signed keeps verifying in
    /// the register for ever.
    /// </summary>
    public TimeSpan RotatedKeyGrace { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a new invitation is valid. Default 24 hours.</summary>
    public TimeSpan InvitationValidity { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Networks besides public addresses that counterparts' endpoints may be in: CIDR networks or single addresses,
    /// separated by commas (<c>10.20.0.0/16, fd12:3456::/48</c>), for agencies that federate inside a private network.
    /// Default none: an endpoint a peer names must be https on a public address, because a peer chooses it and would
    /// otherwise point the agency at services inside its network (private, loopback, link-local, cloud metadata
    /// addresses). An agency whose own endpoint is loopback (the demo, tests) may reach loopback peers without this.
    /// Checked when an endpoint is learned and again on every address a name resolves to when connecting.
    /// </summary>
    public string? AllowedPeerNetworks { get; init; }

    /// <summary>
    /// This node's name in outbox claims; must stay the same across restarts of one node and differ between nodes
    /// sharing a database. Default the machine name.
    /// </summary>
    public string NodeId { get; init; } = Environment.MachineName;
}
