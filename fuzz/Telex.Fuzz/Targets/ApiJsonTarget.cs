using System.Text;
using System.Text.Json;

using Telex.Api.Contracts;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Server.Api;
using Telex.Server.Api.Endpoints;

namespace Telex.Fuzz;

/// <summary>
/// Reads a client API request body as the server does: the web defaults with <see cref="ApiJson.Configure"/>, into the
/// request type the input's first line names (the rest is the body), then runs the validation that needs no agency.
/// ASP.NET Core turns a <see cref="JsonException"/> into a 400 naming the field, so that is the documented refusal;
/// any other exception would be a 500 and is a crash.
/// </summary>
internal static class ApiJsonTarget
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static readonly Dictionary<string, Action<byte[]>> Bodies = new(StringComparer.Ordinal)
    {
        ["SendTelegramRequest"] = body => ValidateTelegram(Read<SendTelegramRequest>(body)),
        ["SendTelegramBatchRequest"] = body =>
        {
            foreach (var item in Read<SendTelegramBatchRequest>(body)?.Telegrams ?? [])
            {
                _ = IdempotentRequest.ParseKey(item?.IdempotencyKey);
                ValidateTelegram(item?.Telegram);
            }
        },
        ["BulletinRequest"] = body =>
        {
            if (Read<BulletinRequest>(body) is { } r)
            {
                ValidateTelegram(new SendTelegramRequest("bureau", r.Subject, r.Body, r.Precedence, r.IssueId, r.OnBehalfOf, r.Attendees, null, null));
            }
        },
        ["ProposeBureauRequest"] = body =>
        {
            if (Read<ProposeBureauRequest>(body) is { } r)
            {
                _ = ReadinessRule.TryParse(r.Rule, out _);
            }
        },
        ["AcceptRequest"] = body =>
        {
            if (Read<AcceptRequest>(body) is { Code: { } code })
            {
                _ = InvitationCode.TryParse(code, out _, out _);
            }
        },
        ["TermsRequest"] = body =>
        {
            if (Read<TermsRequest>(body) is { } r)
            {
                var terms = TieTerms.Default;
                terms = r.MaxTelegramBytes is { } t ? terms with { MaxTelegramBytes = t } : terms;
                terms = r.MaxAttachmentBytes is { } a ? terms with { MaxAttachmentBytes = a } : terms;
                _ = terms.Validate();
            }
        },
        ["ChangePasswordRequest"] = body => Read<ChangePasswordRequest>(body),
        ["ChangeRoleRequest"] = body => Read<ChangeRoleRequest>(body),
        ["ClearanceRuleRequest"] = body => Read<ClearanceRuleRequest>(body),
        ["CreateOfficerRequest"] = body => Read<CreateOfficerRequest>(body),
        ["DecisionRequest"] = body => Read<DecisionRequest>(body),
        ["DirectoryAddRequest"] = body => Read<DirectoryAddRequest>(body),
        ["DossierNoteRequest"] = body => Read<DossierNoteRequest>(body),
        ["BureauMemberRequest"] = body => Read<BureauMemberRequest>(body),
        ["LinkCounterpartRequest"] = body => Read<LinkCounterpartRequest>(body),
        ["InvitationRequest"] = body => Read<InvitationRequest>(body),
        ["IssueStatusRequest"] = body => Read<IssueStatusRequest>(body),
        ["OpenBureauIssueRequest"] = body => Read<OpenBureauIssueRequest>(body),
        ["OpenIssueRequest"] = body => Read<OpenIssueRequest>(body),
        ["RelayPairRequest"] = body => Read<RelayPairRequest>(body),
        ["RelayPolicyRequest"] = body => Read<RelayPolicyRequest>(body),
        ["ResubmitRequest"] = body => Read<ResubmitRequest>(body),
        ["SignInRequest"] = body => Read<SignInRequest>(body),
    };

    public static void Run(byte[] input)
    {
        int newline = Array.IndexOf(input, (byte)'\n');
        if (newline < 0 || !Bodies.TryGetValue(Encoding.UTF8.GetString(input, 0, newline).Trim(), out var read))
        {
            return; // not a request type: nothing of the API is reached
        }

        try
        {
            read(input[(newline + 1)..]);
        }
        catch (JsonException)
        {
            // The documented refusal: 400 with the field at fault.
        }
    }

    private static T? Read<T>(byte[] body) => JsonSerializer.Deserialize<T>(body, Options);

    private static void ValidateTelegram(SendTelegramRequest? request)
    {
        if (request is not null)
        {
            _ = SendTelegram.Validate(request, "", out _);
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        return options;
    }
}
