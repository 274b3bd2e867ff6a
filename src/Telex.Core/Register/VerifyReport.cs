namespace Telex.Core.Register;

/// <summary>One thing found wrong in the register.</summary>
/// <param name="Position">The chain entry concerned, or null for a row no entry records.</param>
/// <param name="Reference">The entry's or row's reference.</param>
/// <param name="RegistryNumber">The registry number of the telegram or cable concerned, when known.</param>
/// <param name="TelegramId">The telegram concerned, when known.</param>
/// <param name="Problem">What kind of change: <c>changed</c>, <c>deleted</c>, <c>inserted</c>, <c>reordered</c>, <c>checkpoint</c>.</param>
/// <param name="Detail">A sentence saying what was found.</param>
public sealed record VerifyProblem(long? Position, string? Reference, long? RegistryNumber, Guid? TelegramId, string Problem, string Detail)
{
    /// <summary>One line naming the entry and the problem.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (Position is { } p)
        {
            parts.Add(string.Create(inv, $"entry {p}"));
        }

        if (RegistryNumber is { } n and > 0)
        {
            parts.Add(string.Create(inv, $"Nº {n}"));
        }

        if (TelegramId is { } id)
        {
            parts.Add("telegram " + id);
        }
        else if (Reference is not null)
        {
            parts.Add(Reference);
        }

        return $"{string.Join(", ", parts)}: {Problem}: {Detail}";
    }
}

/// <summary>The outcome of verifying the register.</summary>
public sealed record VerifyReport
{
    /// <summary>True when nothing was found wrong.</summary>
    public bool Ok => Problems.Count == 0;

    /// <summary>Chain entries checked.</summary>
    public long Entries { get; init; }

    /// <summary>Telegram rows checked.</summary>
    public long Telegrams { get; init; }

    /// <summary>Imported cables checked.</summary>
    public long Cables { get; init; }

    /// <summary>Checkpoints whose signatures were checked.</summary>
    public long Checkpoints { get; init; }

    /// <summary>Issue events checked.</summary>
    public long IssueEvents { get; init; }

    /// <summary>Clearance log rows checked.</summary>
    public long ClearanceSteps { get; init; }

    /// <summary>Officer administration entries checked.</summary>
    public long OfficerEvents { get; init; }

    /// <summary>Hash of the last entry.</summary>
    public string Head { get; init; } = RegisterChain.Genesis;

    /// <summary>Everything found, earliest entry first (rows no entry records last).</summary>
    public IReadOnlyList<VerifyProblem> Problems { get; init; } = [];

    /// <summary>The first problem, or null.</summary>
    public VerifyProblem? First => Problems.Count > 0 ? Problems[0] : null;
}

/// <summary>What a checkpoint's signed message says, once its signature is verified.</summary>
/// <param name="Signer">The DID that signed it.</param>
/// <param name="Count">Entries covered.</param>
/// <param name="Head">Head hash at that count.</param>
/// <param name="Time">Signing time.</param>
public sealed record CheckpointStatement(string Signer, long Count, string Head, DateTimeOffset Time);

/// <summary>Signature checks for <see cref="RegisterVerifier"/>; DIDs resolve forever (did:peer:2 carries its keys).</summary>
/// <param name="SignerOf">The DID whose key signed a signed message (JWS), or null when its signature does not verify.</param>
/// <param name="OpenFromPrior">The issuer and subject of a <c>from_prior</c> JWT whose signature verifies against the issuer's key, or null.</param>
public sealed record SignatureChecks(Func<byte[], string?> SignerOf, Func<string, FromPriorClaims?> OpenFromPrior);

/// <summary>The verified claims of a <c>from_prior</c>.</summary>
/// <param name="Issuer">The prior DID that signed it.</param>
/// <param name="Subject">The DID it names as the new one.</param>
public sealed record FromPriorClaims(string Issuer, string Subject);
