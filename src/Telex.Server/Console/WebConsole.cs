using System.Reflection;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

using Telex.Core.Identity;
using Telex.Server.Api.Endpoints;

namespace Telex.Server.Console;

/// <summary>
/// The web console: server-rendered Razor Pages under <c>/</c> (sources in <c>Console/Pages</c>), its stylesheet and
/// live-update script embedded in the assembly, the live stream at <c>/events</c>, and the cable and export downloads.
/// Pages work without script; the one script only refreshes the live parts of a page when an event arrives.
/// </summary>
internal static class WebConsole
{
    /// <summary>The console's own files, embedded in the assembly: nothing is fetched from anywhere else.</summary>
    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["console.css"] = "text/css; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
    };

    public static IServiceCollection AddWebConsole(this IServiceCollection services, AgencyIdentity identity)
    {
        var cookies = ConsoleCookies.For(identity);
        services.AddSingleton(cookies);

        // The CSRF tokens' keys are the agency's, kept in its store for every node (StoreKeyRing). The application name is
        // fixed because the default, the content root, differs between nodes installed in different folders.
        services.AddDataProtection().SetApplicationName("telex-console");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new StoreKeyRing(sp.GetRequiredService<ITelexStore>())));

        // The ring is kept unencrypted in the agency's own database by design, so the data protection warning at every key
        // it creates says nothing an operator could act on; its errors still show.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error));
        services.AddAuthentication(o => o.DefaultScheme = ConsoleAuthentication.SelectorName)
            .AddPolicyScheme(ConsoleAuthentication.SelectorName, "API token or console session",
                o => o.ForwardDefaultSelector = ConsoleAuthentication.Select)
            .AddScheme<AuthenticationSchemeOptions, ConsoleAuthentication>(ConsoleAuthentication.SchemeName, configureOptions: null);

        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Console/Pages";
            o.Conventions.AuthorizeFolder("/", Policies.Read);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AuthorizePage("/Compose", Policies.Draft);
            o.Conventions.AuthorizePage("/Officers", Policies.Admin);
        });
        services.AddSingleton<CookieTempDataProvider>();
        services.Replace(ServiceDescriptor.Singleton<ITempDataProvider, LiveRefreshTempData>());
        services.AddSingleton<ConsolePages>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = cookies.Csrf;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.HeaderName = null;
        });
        return services;
    }

    /// <summary>Security headers on every console response, set before anything is written.</summary>
    public static WebApplication UseWebConsole(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (Hosting.RequestPaths.IsConsole(context.Request.Path))
            {
                context.Response.OnStarting(static state =>
                {
                    var response = (HttpResponse)state;
                    if (!response.Headers.ContainsKey("Content-Security-Policy"))
                    {
                        ConsoleHeaders.Apply(response);
                    }

                    return Task.CompletedTask;
                }, context.Response);
            }

            return next(context);
        });
        UseConsolePages(app);
        return app;
    }

    /// <summary>
    /// Mapping Razor Pages builds every page's action descriptor at once (about 5 MB of an idle agency's memory), which
    /// an agency driven only through its API and its peers never needs. So the pages live on a branch with routing of
    /// its own, built at the first request for a console path that no other endpoint took. Such a request gets a
    /// stand-in endpoint, anonymous so that the agency-wide authorization lets it through to the branch, where the
    /// pages' own policies (and the fallback policy, for a path no page has) are applied.
    /// </summary>
    private static void UseConsolePages(WebApplication app)
    {
        var pages = app.Services.GetRequiredService<ConsolePages>();
        pages.BuildWith(() => BuildPages(app));
        var standIn = new Endpoint(context =>
        {
            context.SetEndpoint(null);
            context.Request.RouteValues.Clear();
            return pages.Pipeline(context);
        }, new EndpointMetadataCollection(new AllowAnonymousAttribute()), "Console pages");
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is null && Hosting.RequestPaths.IsConsole(context.Request.Path))
            {
                context.SetEndpoint(standIn);
            }

            return next(context);
        });
    }

    private static RequestDelegate BuildPages(WebApplication app)
    {
        var branch = ((IApplicationBuilder)app).New();

        // A branch of a WebApplication inherits its global route builder; without it the branch routes on its own.
        branch.Properties.Remove("__GlobalEndpointRouteBuilder");
        branch.UseRouting();
        branch.UseAuthorization();
        branch.UseEndpoints(endpoints => endpoints.MapRazorPages());
        return branch.Build();
    }

    public static IEndpointRouteBuilder MapWebConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/{file}", ServeAsset).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/events", EventStream.Handle).RequireAuthorization(Policies.Read).ExcludeFromDescription();
        app.MapGet("/telegrams/{id:guid}/cable", ConsoleDownloads.CableAsync).RequireAuthorization(Policies.Read).ExcludeFromDescription();
        app.MapGet("/telegrams/{id:guid}/attachments/{sha256}", ConsoleDownloads.AttachmentAsync).RequireAuthorization(Policies.Read).ExcludeFromDescription();
        app.MapGet("/register/export", ConsoleDownloads.ExportAsync).RequireAuthorization(Policies.Read).ExcludeFromDescription();
        return app;
    }

    private static IResult ServeAsset(string file, HttpContext context)
    {
        if (!Assets.TryGetValue(file, out var contentType))
        {
            return Results.NotFound();
        }

        byte[] content = Loaded.GetOrAdd(file, static name =>
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Telex.Server.Console.Assets." + name)
                ?? throw new InvalidOperationException($"the console asset {name} is not embedded");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        });
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(content, contentType);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Loaded = new(StringComparer.Ordinal);
}

/// <summary>The console pages' own pipeline, built once, at the first request for it (see <c>UseConsolePages</c>).</summary>
internal sealed class ConsolePages
{
    private Lazy<RequestDelegate>? _pipeline;

    /// <summary>Whether a request has needed the pages yet.</summary>
    public bool IsBuilt => _pipeline?.IsValueCreated == true;

    /// <summary>The pipeline, built by the first caller.</summary>
    public RequestDelegate Pipeline => (_pipeline ?? throw new InvalidOperationException("the console pages were not set up")).Value;

    /// <summary>Says how to build the pipeline; called once, when the agency's pipeline is assembled.</summary>
    public void BuildWith(Func<RequestDelegate> build) =>
        _pipeline = new Lazy<RequestDelegate>(build, LazyThreadSafetyMode.ExecutionAndPublication);
}
