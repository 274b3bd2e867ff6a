namespace Telex;

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

/// <summary>Where a draft stands on its way to release.</summary>
public enum DraftStatus
{
    /// <summary>Waiting for one or more clearances.</summary>
    AwaitingClearance,

    /// <summary>Every clearance given; a releasing officer may release it.</summary>
    Cleared,

    /// <summary>A clearer refused: returned to the drafter with the reason. Nothing was sent.</summary>
    Returned,

    /// <summary>Released as a telegram.</summary>
    Released,
}

/// <summary>Who must clear.</summary>
public enum ClearerKind
{
    /// <summary>A named officer of this agency.</summary>
    Officer,

    /// <summary>Any releasing officer (or admin) of this agency other than the drafter.</summary>
    AnyReleasingOfficer,

    /// <summary>A partner agency, through a coordination request over the tie.</summary>
    Partner,
}

/// <summary>The state of one clearance or coordination request.</summary>
public enum ClearanceState
{
    /// <summary>Not answered yet.</summary>
    Pending,

    /// <summary>Given (approved).</summary>
    Given,

    /// <summary>Refused, with a reason.</summary>
    Refused,
}

/// <summary>
/// Where an issue stands, in broad terms; shared by every agency taking part. The outcome a change names (a term of the
/// deciding agency's vocabulary, such as <c>premature</c> or <c>granted</c>) says it precisely; each term means one of these.
/// </summary>
public enum IssueStatus
{
    /// <summary>Under discussion (also: reopened).</summary>
    Open,

    /// <summary>Put off for later.</summary>
    Deferred,

    /// <summary>Settled by agreement.</summary>
    Agreed,

    /// <summary>Handed to another agency, named in the change.</summary>
    Referred,

    /// <summary>Finished.</summary>
    Closed,
}

/// <summary>Where a bureau stands.</summary>
public enum BureauStatus
{
    /// <summary>Proposed by its founder and not yet chartered (premature while its readiness rule does not hold).</summary>
    Proposed,

    /// <summary>Chartered: members may join, bulletins may be sent to the members of its current epoch.</summary>
    Chartered,

    /// <summary>No longer in use.</summary>
    Dissolved,
}

/// <summary>Where one prospective member of a bureau stands, as this agency knows it.</summary>
public enum MemberState
{
    /// <summary>Named in the charter; has not accepted (or its acceptance has not reached the secretariat).</summary>
    Prospective,

    /// <summary>Has accepted; waits for the secretariat to open an epoch with it.</summary>
    Accepted,

    /// <summary>A member of the bureau's current epoch.</summary>
    Joined,

    /// <summary>Left the bureau; receives nothing from the next epoch on.</summary>
    Left,
}
