using System.Diagnostics.Metrics;

using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

using Telex.Server.Api.Endpoints;
using Telex.Server.Api.Metrics;

namespace Telex.Server.Api;

/// <summary>
/// The client API of an agency node: bearer-token authentication and role policies, the JSON endpoints under
/// <c>/api</c>, the event stream, the OpenAPI document and Prometheus metrics. Nothing here is anonymous but
/// sign-in; every error is a problem document.
/// </summary>
internal static class ClientApi
{
    public static IServiceCollection AddClientApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));

        // Unreadable bodies throw, so that ApiExceptionHandler answers them with a problem naming the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddSingleton<SignInGuard>();
        services.AddSingleton<Sessions>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, configureOptions: null);
        services.AddAuthorization(Policies.Configure);

        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<BearerSecurityTransformer>();
            o.AddOperationTransformer<BearerSecurityTransformer>();
        });

        services.AddMetrics();
        services.AddSingleton<TelexMetrics>();
        services.AddHostedService<MetricsService>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("telex"))
            .WithMetrics(metrics => metrics.AddMeter(TelexMetrics.MeterName).AddPrometheusExporter());
        services.ConfigureOpenTelemetryMeterProvider((sp, builder) =>
        {
            // The meter is found by name process-wide; keep only this node's, or agencies sharing a process
            // (tests, a demonstration network) would report each other's numbers.
            var own = sp.GetRequiredService<IMeterFactory>();
            builder.AddView(i => i.Meter.Name == TelexMetrics.MeterName && !ReferenceEquals(i.Meter.Scope, own)
                ? MetricStreamConfiguration.Drop
                : null);
        });
        return services;
    }

    /// <summary>Error handling, body limits, authentication and authorization, in that order.</summary>
    public static WebApplication UseClientApi(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A TelexException of kind NotFound is a legitimate 404 answer, not a failed error page.
            AllowStatusCode404Response = true,
        });

        // Whatever leaves with an error status and no body (routing, Kestrel limits, the framework) gets a problem.
        var limit = app.Services.GetRequiredService<TelexOptions>().Api.MaxRequestBytes;
        app.UseStatusCodePages(context => Hosting.RequestPaths.IsConsole(context.HttpContext.Request.Path)
            ? Console.StatusPage.WriteAsync(context.HttpContext)
            : context.HttpContext.Response.StatusCode == 413
            ? Problems.TooLarge(limit).ExecuteAsync(context.HttpContext)
            : Problems.ForStatus(context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        app.UseMiddleware<RequestLimits>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapClientApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(Policies.Read)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var session = api.MapGroup("/session").WithTags("Session");
        session.MapPost("", SignIn.HandleAsync).AllowAnonymous().WithName("SignIn");
        session.MapDelete("", SignOut.Handle).WithName("SignOut");

        var officers = api.MapGroup("/officers").WithTags("Officers");
        officers.MapPost("/me/password", ChangePassword.HandleAsync).WithName("ChangePassword");
        // Officer administration is for admins: decided here, for the whole group, not in each handler.
        var manageOfficers = officers.MapGroup("").RequireAuthorization(Policies.Admin);
        manageOfficers.MapGet("", ListOfficers.HandleAsync).WithName("ListOfficers");
        manageOfficers.MapPost("", CreateOfficer.HandleAsync).WithName("CreateOfficer");
        manageOfficers.MapGet("/history", ListOfficerEvents.HandleAsync).WithName("ListOfficerEvents");
        manageOfficers.MapPost("/{name}/reset", AdministerOfficer.ResetAsync).WithName("ResetOfficerPassword");
        manageOfficers.MapPost("/{name}/unlock", AdministerOfficer.UnlockAsync).WithName("UnlockOfficer");
        manageOfficers.MapPost("/{name}/disable", AdministerOfficer.DisableAsync).WithName("DisableOfficer");
        manageOfficers.MapPost("/{name}/enable", AdministerOfficer.EnableAsync).WithName("EnableOfficer");
        manageOfficers.MapPost("/{name}/role", AdministerOfficer.ChangeRoleAsync).WithName("ChangeOfficerRole");
        manageOfficers.MapDelete("/{name}", AdministerOfficer.RemoveAsync).WithName("RemoveOfficer");

        api.MapGet("/agency", GetAgency.Handle).WithTags("Agency").WithName("GetAgency");

        var ties = api.MapGroup("/ties").WithTags("Ties");
        ties.MapGet("", ListTies.HandleAsync).WithName("ListTies");
        ties.MapGet("/{did}", GetTie.HandleAsync).WithName("GetTie");
        var manageTies = ties.MapGroup("").RequireAuthorization(Policies.Admin);
        manageTies.MapPost("/invitations", CreateInvitation.HandleAsync).WithName("CreateInvitation");
        manageTies.MapPost("/accept", AcceptInvitation.HandleAsync).WithName("AcceptInvitation");
        manageTies.MapPost("/{did}/verify", VerifyTie.HandleAsync).WithName("VerifyTie");
        manageTies.MapPost("/{did}/suspend", SuspendTie.HandleAsync).WithName("SuspendTie");
        manageTies.MapPost("/{did}/resume", ResumeTie.HandleAsync).WithName("ResumeTie");
        manageTies.MapPost("/{did}/sever", SeverTie.HandleAsync).WithName("SeverTie");
        manageTies.MapPost("/{did}/terms", ProposeTerms.HandleAsync).WithName("ProposeTerms");
        manageTies.MapPost("/{did}/terms/sign", SignTerms.HandleAsync).WithName("SignTerms");

        var directory = api.MapGroup("/directory").WithTags("Directory");
        directory.MapGet("", ListDirectory.HandleAsync).WithName("ListDirectory");
        directory.MapGet("/{counterpart}", GetCounterpart.HandleAsync).WithName("GetCounterpart");
        api.MapGet("/recipients/{name}", ResolveRecipient.HandleAsync).WithTags("Directory").WithName("ResolveRecipient");
        var manageDirectory = directory.MapGroup("").RequireAuthorization(Policies.Admin);
        manageDirectory.MapPost("", AddCounterpart.HandleAsync).WithName("AddCounterpart");
        manageDirectory.MapPost("/{counterpart}/notes", AddDossierNote.HandleAsync).WithName("AddDossierNote");
        manageDirectory.MapPost("/{counterpart}/review", ReviewDossier.HandleAsync).WithName("ReviewDossier");
        manageDirectory.MapPost("/{counterpart}/link", LinkCounterpart.HandleAsync).WithName("LinkCounterpart");
        manageDirectory.MapDelete("/{counterpart}", RemoveCounterpart.HandleAsync).WithName("RemoveCounterpart");

        var relay = api.MapGroup("/relay").WithTags("Relay");
        relay.MapGet("/policy", GetRelayPolicy.HandleAsync).WithName("GetRelayPolicy");
        var manageRelay = relay.MapGroup("").RequireAuthorization(Policies.Admin);
        manageRelay.MapPost("/policy", SetRelayPolicy.HandleAsync).WithName("SetRelayPolicy");
        manageRelay.MapPost("/allow", ChangeRelayPair.AllowAsync).WithName("AllowRelay");
        manageRelay.MapPost("/deny", ChangeRelayPair.DenyAsync).WithName("DenyRelay");

        var telegrams = api.MapGroup("/telegrams").WithTags("Telegrams");
        telegrams.MapPost("", SendTelegram.HandleAsync).RequireAuthorization(Policies.Send).WithName("SendTelegram");
        telegrams.MapPost("/batch", SendTelegramBatch.HandleAsync).RequireAuthorization(Policies.Send).WithName("SendTelegramBatch");
        telegrams.MapGet("", ListTelegrams.HandleAsync).WithName("ListTelegrams");
        telegrams.MapGet("/{id:guid}", GetTelegram.HandleAsync).WithName("GetTelegram");
        telegrams.MapGet("/{id:guid}/cable", GetCable.HandleAsync).WithName("GetCable");
        telegrams.MapGet("/sent/{serial:long}", GetRegisterEntry.SentAsync).WithName("GetSentTelegram");
        telegrams.MapGet("/{id:guid}/attachments/{sha256}", GetAttachment.HandleAsync).WithName("GetAttachment");
        api.MapGet("/register/{registryNumber:long}", GetRegisterEntry.HandleAsync).WithTags("Telegrams").WithName("GetRegisterEntry");

        api.MapGet("/names", ListNames.HandleAsync).WithTags("Agency").WithName("ListNames");

        var issues = api.MapGroup("/issues").WithTags("Issues");
        issues.MapGet("", ListIssues.HandleAsync).WithName("ListIssues");
        issues.MapPost("", OpenIssue.HandleAsync).RequireAuthorization(Policies.Send).WithName("OpenIssue");
        issues.MapGet("/outcomes", IssueOutcomes.GetAsync).WithName("ListIssueOutcomes");
        issues.MapPut("/outcomes", IssueOutcomes.PutAsync).RequireAuthorization(Policies.Admin).WithName("SetIssueOutcomes");
        issues.MapGet("/{id}", GetIssue.HandleAsync).WithName("GetIssue");
        issues.MapPost("/{id}/status", ChangeIssueStatus.HandleAsync).RequireAuthorization(Policies.Send).WithName("ChangeIssueStatus");

        var bureaus = api.MapGroup("/bureaus").WithTags("Bureaus");
        bureaus.MapGet("", ListBureaus.HandleAsync).WithName("ListBureaus");
        bureaus.MapGet("/{id:guid}", GetBureau.HandleAsync).WithName("GetBureau");
        bureaus.MapGet("/{id:guid}/readiness", GetBureauReadiness.HandleAsync).WithName("GetBureauReadiness");
        bureaus.MapPost("", ProposeBureau.HandleAsync).RequireAuthorization(Policies.Admin).WithName("ProposeBureau");
        bureaus.MapPost("/{id:guid}/members", BureauMembers.AddAsync).RequireAuthorization(Policies.Admin).WithName("AddBureauMember");
        bureaus.MapDelete("/{id:guid}/members/{member}", BureauMembers.RemoveAsync).RequireAuthorization(Policies.Admin).WithName("RemoveBureauMember");
        bureaus.MapPost("/{id:guid}/charter", BureauSteps.CharterAsync).RequireAuthorization(Policies.Admin).WithName("CharterBureau");
        bureaus.MapPost("/{id:guid}/accept", BureauSteps.AcceptAsync).RequireAuthorization(Policies.Admin).WithName("AcceptBureau");
        bureaus.MapPost("/{id:guid}/leave", BureauSteps.LeaveAsync).RequireAuthorization(Policies.Admin).WithName("LeaveBureau");
        bureaus.MapPost("/{id:guid}/bulletins", SendBulletin.HandleAsync).RequireAuthorization(Policies.Send).WithName("SendBulletin");
        bureaus.MapPost("/{id:guid}/issues", OpenBureauIssue.HandleAsync).RequireAuthorization(Policies.Send).WithName("OpenBureauIssue");
        bureaus.MapGet("/{id:guid}/outcomes", Endpoints.BureauOutcomes.GetAsync).WithName("ListBureauOutcomes");
        bureaus.MapPut("/{id:guid}/outcomes", Endpoints.BureauOutcomes.PutAsync).RequireAuthorization(Policies.Admin).WithName("SetBureauOutcomes");

        var clearance = api.MapGroup("/clearance/rules").WithTags("Clearance");
        clearance.MapGet("", ListClearanceRules.HandleAsync).WithName("ListClearanceRules");
        clearance.MapPost("", AddClearanceRule.HandleAsync).RequireAuthorization(Policies.Admin).WithName("AddClearanceRule");
        clearance.MapDelete("/{id:guid}", RemoveClearanceRule.HandleAsync).RequireAuthorization(Policies.Admin).WithName("RemoveClearanceRule");

        var drafts = api.MapGroup("/drafts").WithTags("Clearance");
        drafts.MapPost("", SubmitDraft.HandleAsync).RequireAuthorization(Policies.Draft).WithName("SubmitDraft");
        drafts.MapGet("", ListDrafts.HandleAsync).WithName("ListDrafts");
        drafts.MapGet("/{id:guid}", GetDraft.HandleAsync).WithName("GetDraft");
        drafts.MapGet("/number/{number:long}", GetDraft.ByNumberAsync).WithName("GetDraftByNumber");
        drafts.MapPost("/{id:guid}/clear", ClearDraft.GiveAsync).RequireAuthorization(Policies.Draft).WithName("ClearDraft");
        drafts.MapPost("/{id:guid}/refuse", ClearDraft.RefuseAsync).RequireAuthorization(Policies.Draft).WithName("RefuseDraft");
        drafts.MapPost("/{id:guid}/resubmit", ResubmitDraft.HandleAsync).RequireAuthorization(Policies.Draft).WithName("ResubmitDraft");
        drafts.MapPost("/{id:guid}/release", ReleaseDraft.HandleAsync).RequireAuthorization(Policies.Send).WithName("ReleaseDraft");

        var coordination = api.MapGroup("/coordination").WithTags("Clearance");
        coordination.MapGet("", ListCoordination.HandleAsync).WithName("ListCoordination");
        coordination.MapPost("/{id:guid}/approve", AnswerCoordination.ApproveAsync).RequireAuthorization(Policies.Send).WithName("ApproveCoordination");
        coordination.MapPost("/{id:guid}/refuse", AnswerCoordination.RefuseAsync).RequireAuthorization(Policies.Send).WithName("RefuseCoordination");

        var register = api.MapGroup("/register").WithTags("Register");
        register.MapGet("/verify", VerifyRegister.HandleAsync).WithName("VerifyRegister");
        register.MapGet("/checkpoints", ListCheckpoints.HandleAsync).WithName("ListCheckpoints");
        // A checkpoint is the agency's signed statement of its register, sent to every tie: an act of the agency, like a key
        // rotation, not a telegram. The node signs one every Delivery:CheckpointInterval anyway.
        register.MapPost("/checkpoints", CreateCheckpoint.HandleAsync).RequireAuthorization(Policies.Admin).WithName("CreateCheckpoint");
        register.MapPost("/cables", ImportCable.HandleAsync).RequireAuthorization(Policies.Admin).Accepts<string>("text/plain").WithName("ImportCable");
        register.MapGet("/export", ExportRegister.HandleAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/jsonl", additionalContentTypes: ["text/plain", "application/zip"])
            .WithName("ExportRegister");

        var keys = api.MapGroup("/keys").WithTags("Keys");
        keys.MapGet("", ListKeys.HandleAsync).WithName("ListKeys");
        keys.MapPost("/rotate", RotateKeys.HandleAsync).RequireAuthorization(Policies.Admin).WithName("RotateKeys");

        api.MapGet("/events", EventStream.Handle).WithTags("Events").WithName("Events");

        app.MapOpenApi().RequireAuthorization(Policies.Read);
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null,
                configureBranchedPipeline: branch => branch.Use(async (context, next) =>
                {
                    await context.RequestServices.GetRequiredService<TelexMetrics>().RefreshDepthAsync(context.RequestAborted).ConfigureAwait(false);
                    await next(context).ConfigureAwait(false);
                }),
                optionsName: null)
            .RequireAuthorization(Policies.Metrics);
        return app;
    }
}
