namespace Telex.Core.Protocol;

/// <summary>
/// DIDComm message types Telex sends and understands: standard protocols where one exists, Telex's own under one
/// versioned base URI.
/// </summary>
public static class MessageTypes
{
    /// <summary>The base of Telex's own protocols.</summary>
    public const string Base = "https://telex.dev/protocols/";

    /// <summary>An invitee asks the inviter to establish a tie (carries the one-time secret).</summary>
    public const string TieRequest = Base + "tie/1.0/request";

    /// <summary>The inviter establishes the tie and signs the first terms.</summary>
    public const string TieAccept = Base + "tie/1.0/accept";

    /// <summary>Either side proposes new terms.</summary>
    public const string TermsPropose = Base + "tie/1.0/terms-propose";

    /// <summary>The other side signs the proposed terms.</summary>
    public const string TermsSign = Base + "tie/1.0/terms-sign";

    /// <summary>Suspend, resume or sever.</summary>
    public const string TieStatus = Base + "tie/1.0/status";

    /// <summary>A telegram.</summary>
    public const string Telegram = Base + "telegram/1.0/telegram";

    /// <summary>Signed receipts for one or more telegrams.</summary>
    public const string Receipt = Base + "telegram/1.0/receipt";

    /// <summary>A request to send again the serials that never arrived.</summary>
    public const string Resend = Base + "telegram/1.0/resend";

    /// <summary>A read receipt.</summary>
    public const string Read = Base + "telegram/1.0/read";

    /// <summary>An agency opens an issue on the tie (thid: the issue id).</summary>
    public const string IssueOpen = Base + "issue/1.0/open";

    /// <summary>A status change of an issue, with its outcome and logical clock (thid: the issue id).</summary>
    public const string IssueStatus = Base + "issue/1.0/status";

    /// <summary>
    /// A referral hands an issue to the agency it brings in: the issue's events so far (as the referrer chose to share
    /// them) and the other agencies taking part (thid: the issue id).
    /// </summary>
    public const string IssueShare = Base + "issue/1.0/share";

    /// <summary>A request to a partner agency to clear a telegram before its release.</summary>
    public const string ClearanceRequest = Base + "clearance/1.0/request";

    /// <summary>The partner's answer to a clearance request: approve or refuse, with a reason.</summary>
    public const string ClearanceAnswer = Base + "clearance/1.0/answer";

    /// <summary>
    /// A register checkpoint: the sender's signed statement of its chain's head at a count, at a time. Kept by the
    /// receiver as the sender signed it, so a later rewrite of the sender's register can be shown.
    /// </summary>
    public const string Checkpoint = Base + "register/1.0/checkpoint";

    /// <summary>A bureau's founder sends its charter to a prospective member.</summary>
    public const string BureauCharter = Base + "bureau/1.0/charter";

    /// <summary>A prospective member tells the bureau's secretariat it accepts the charter.</summary>
    public const string BureauJoin = Base + "bureau/1.0/join";

    /// <summary>A member tells the bureau's secretariat it leaves.</summary>
    public const string BureauLeave = Base + "bureau/1.0/leave";

    /// <summary>The secretariat announces a new epoch (its number and exact members) to its members and to one that left.</summary>
    public const string BureauEpoch = Base + "bureau/1.0/epoch";

    /// <summary>A member opens an issue of the bureau (thid: the issue id), sent to every other member of the epoch.</summary>
    public const string BureauIssueOpen = Base + "bureau/1.0/issue-open";

    /// <summary>A status change of a bureau issue (thid: the issue id), sent to every other member of the epoch.</summary>
    public const string BureauIssueStatus = Base + "bureau/1.0/issue-status";

    /// <summary>
    /// The secretariat sends the bureau's vocabulary of outcomes (a version and the terms, each with the status it means)
    /// to the members of the current epoch when it changes, and to each member of a new epoch.
    /// </summary>
    public const string BureauOutcomes = Base + "bureau/1.0/outcomes";

    /// <summary>
    /// A relay passes on what a counterpart asked it to forward: the relay's own message, signed by the relay and
    /// encrypted to the next hop, naming in <c>body.origin</c> the agency it relays from, with the forwarded envelope
    /// (encrypted to the next hop by the origin) as its one attachment. The next hop accepts it only over an
    /// established tie whose terms permit relays, and only when the envelope is signed by that origin.
    /// </summary>
    public const string RelayDelivery = Base + "relay/1.0/delivery";

    /// <summary>
    /// A key rotation: sent from the new DID, carrying DIDComm <c>from_prior</c> signed by the old DID's authentication
    /// key; the counterpart's tie continues under the new DID.
    /// </summary>
    public const string KeysRotate = Base + "keys/1.0/rotate";

    /// <summary>DIDComm out-of-band invitation.</summary>
    public const string OutOfBandInvitation = "https://didcomm.org/out-of-band/2.0/invitation";

    /// <summary>DIDComm problem report.</summary>
    public const string ProblemReport = "https://didcomm.org/report-problem/2.0/problem-report";
}
