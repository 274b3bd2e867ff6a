namespace Telex.Core.Model;

/// <summary>How urgently a telegram must be handled, lowest first.</summary>
public enum Precedence
{
    /// <summary>Normal traffic.</summary>
    Routine,

    /// <summary>Ahead of routine traffic.</summary>
    Priority,

    /// <summary>To be handled at once.</summary>
    Immediate,

    /// <summary>Interrupts everything else.</summary>
    Flash,
}

/// <summary>Where a telegram stands. Outbound: queued → sent → delivered, or failed. Inbound: registered.</summary>
public enum TelegramStatus
{
    /// <summary>Released and waiting in the outbox.</summary>
    Queued,

    /// <summary>Accepted by the next hop (HTTP 202): not yet proof of delivery.</summary>
    Sent,

    /// <summary>A signed receipt from the recipient was verified.</summary>
    Delivered,

    /// <summary>Could not be delivered before its expiry.</summary>
    Failed,

    /// <summary>An inbound telegram filed in this agency's register.</summary>
    Registered,
}

/// <summary>Whether a register entry was sent or received.</summary>
public enum Direction
{
    /// <summary>Sent by this agency.</summary>
    Outbound,

    /// <summary>Received by this agency.</summary>
    Inbound,
}

/// <summary>The state of a tie with a counterpart.</summary>
public enum TieStatus
{
    /// <summary>Known, no tie.</summary>
    None,

    /// <summary>An invitation is outstanding.</summary>
    Invited,

    /// <summary>Both sides hold the tie; telegrams may flow.</summary>
    Established,

    /// <summary>Paused by one side; nothing flows until resumed.</summary>
    Suspended,

    /// <summary>Ended for good.</summary>
    Severed,
}

/// <summary>What an officer may do.</summary>
public enum Role
{
    /// <summary>Drafts and reads.</summary>
    Clerk,

    /// <summary>Releases and clears, and everything a clerk does.</summary>
    ReleasingOfficer,

    /// <summary>Manages ties, officers and bureaus, and everything a releasing officer does.</summary>
    Admin,

    /// <summary>Reads and verifies the register; cannot send.</summary>
    Auditor,
}
