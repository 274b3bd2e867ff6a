using System.Text.Json.Serialization;

using Telex.Server.Api.Contracts;
using Telex.Server.Hosting;

namespace Telex.Server.Api;

/// <summary>
/// Compile-time JSON metadata for the request bodies of the client API and the health answers. Every endpoint's body
/// type is resolved when the endpoints are built, before the agency serves, and the health answer is the first thing
/// a starting agency writes; from this context neither needs System.Text.Json's reflection (nor the code it emits and
/// compiles). It is first in the API's resolver chain (<see cref="ApiJson.Configure"/>), so the API's options (names,
/// enums, depth) still apply; other types fall through to reflection, as before.
/// </summary>
[JsonSerializable(typeof(AcceptRequest))]
[JsonSerializable(typeof(BulletinRequest))]
[JsonSerializable(typeof(BureauMemberRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(ChangeRoleRequest))]
[JsonSerializable(typeof(ClearanceRuleRequest))]
[JsonSerializable(typeof(CreateOfficerRequest))]
[JsonSerializable(typeof(DecisionRequest))]
[JsonSerializable(typeof(DirectoryAddRequest))]
[JsonSerializable(typeof(DossierNoteRequest))]
[JsonSerializable(typeof(InvitationRequest))]
[JsonSerializable(typeof(IssueStatusRequest))]
[JsonSerializable(typeof(LinkCounterpartRequest))]
[JsonSerializable(typeof(OpenBureauIssueRequest))]
[JsonSerializable(typeof(OpenIssueRequest))]
[JsonSerializable(typeof(OutcomesRequest))]
[JsonSerializable(typeof(ProposeBureauRequest))]
[JsonSerializable(typeof(RelayPairRequest))]
[JsonSerializable(typeof(RelayPolicyRequest))]
[JsonSerializable(typeof(ResubmitRequest))]
[JsonSerializable(typeof(SendTelegramRequest))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(TermsRequest))]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(ReadyAnswer))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
