using Telex.Core.Identity;
using Telex.Server.Console;
using Telex.Server.Federation;
using Telex.Server.Hosting;

namespace Telex.Server;

/// <summary>Builds the ASP.NET Core application of one agency node: federation endpoint, client API, web console, health, dispatcher.</summary>
public static class AgencyServer
{
    /// <summary>
    /// Builds (does not start) the web application for an agency. The store must be migrated. The caller owns
    /// <paramref name="identity"/> and <paramref name="store"/>. With an <c>https://</c> <see cref="TelexOptions.Listen"/>
    /// (or a <paramref name="listenSocket"/> and <see cref="TlsOptions.Certificate"/>) it serves HTTPS from the files of
    /// <see cref="TelexOptions.Tls"/>, given as absolute paths, read again when they change.
    /// </summary>
    /// <exception cref="TlsFileException">A file of <see cref="TelexOptions.Tls"/> is needed and missing, or does not load.</exception>
    /// <param name="options">The node's options; <see cref="TelexOptions.Listen"/> is used unless a socket is given.</param>
    /// <param name="identity">The agency's identity.</param>
    /// <param name="store">The migrated store.</param>
    /// <param name="logging">Adds log providers; none by default.</param>
    /// <param name="transport">How to reach peers; HTTP by default.</param>
    /// <param name="listenSocket">An already bound, listening socket to serve on instead of <see cref="TelexOptions.Listen"/>.</param>
    /// <param name="keyFile">The identity's key file, rewritten by a key rotation; null keeps a rotated identity in memory only.</param>
    /// <param name="certificate">With <paramref name="listenSocket"/>: serve HTTPS on it with this certificate, not the files of <see cref="TlsOptions"/>.</param>
    /// <param name="time">The agency's clock; the system's by default (tests move a clock ahead instead of waiting).</param>
    public static WebApplication Build(TelexOptions options, AgencyIdentity identity, ITelexStore store,
        Action<ILoggingBuilder>? logging = null, ITransport? transport = null, System.Net.Sockets.Socket? listenSocket = null,
        string? keyFile = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The folder the process was started in is none of the agency's business: the content root is the program's own
        // folder (an appsettings.json where an operator happens to stand would otherwise configure Kestrel), and no
        // configuration file is watched (that watches the content root and every folder under it).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Telex.Server",
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            logging(builder.Logging);
        }

        // Loaded before anything listens, so a missing or broken file stops the start with the option's name.
        var serving = certificate is null ? ServingCertificate(options, listenSocket is not null) : null;
        if (serving is not null)
        {
            builder.Services.AddSingleton(_ => serving); // by a factory, so the container disposes it
        }

        var trust = options.Tls.TrustedCertificates is { } bundle ? PeerTrust.Load(bundle) : null;
        bool https = listenSocket is null && serving is not null;
        if (listenSocket is null && !https)
        {
            builder.WebHost.UseUrls(options.Listen);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            if (listenSocket is not null)
            {
                k.ListenHandle((ulong)listenSocket.Handle, l =>
                {
                    if (certificate is not null)
                    {
                        l.UseHttps(certificate);
                    }
                    else if (serving is not null)
                    {
                        ServerTls.UseHttps(l, serving);
                    }
                });
            }
            else if (https)
            {
                ServerTls.Listen(k, options.Listen, serving!);
            }

            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = Math.Max(options.Api.MaxRequestBytes, Telex.DidComm.DidCommLimits.Default.MaxMessageBytes);
            ConnectionLimits.Apply(k.Limits, options.Http);
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<ITransport>(transport
            ?? new HttpTransport(new Telex.Core.Security.PeerEndpointPolicy(identity.Endpoint, options.Delivery.AllowedPeerNetworks), null, null, trust));
        builder.Services.AddSingleton(sp => new Agency(identity, store, sp.GetRequiredService<ITransport>(), options.Delivery,
            time ?? TimeProvider.System, sp.GetRequiredService<ILogger<Agency>>(), keyFile));
        AgencyWorkerService.AddTo(builder.Services);
        builder.Services.AddSingleton<StorageStatus>();
        builder.Services.AddHostedService<StorageProbe>();
        builder.Services.AddClientApi();
        builder.Services.AddWebConsole(identity);

        var app = builder.Build();
        if (serving is not null)
        {
            serving.Logger = app.Services.GetRequiredService<ILogger<ServerCertificate>>();
        }

        app.UseProxyHeaders();
        app.UseTransportHeaders();
        app.UseWebConsole();
        app.UseClientApi();
        app.UseMiddleware<StorageGuard>();

        // The only anonymous endpoints: peers authenticate by the DIDComm signature, and a health check says nothing secret.
        app.MapPost("/didcomm", DidCommEndpoint.HandleAsync).DisableAntiforgery().AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/health", (Agency agency, StorageStatus storage) =>
                TypedResults.Ok(new HealthAnswer("ok", agency.Identity.Did, agency.Identity.Name, storage.IsFull ? "full" : "ok")))
            .AllowAnonymous().WithTags("Health").WithName("Health");
        app.MapGet("/health/ready", (StorageStatus storage) => storage.IsFull
                ? (IResult)Problems.Problem(503, "storage-full", StorageStatus.Detail)
                : TypedResults.Ok(new ReadyAnswer("ready", "ok")))
            .AllowAnonymous().WithTags("Health").WithName("Ready");
        app.MapClientApi();
        app.MapWebConsole();
        return app;
    }

    /// <summary>
    /// The certificate to serve from the files of <see cref="TelexOptions.Tls"/>: when listening on an https URL, or on a
    /// given socket when the files are named; null otherwise.
    /// </summary>
    private static ServerCertificate? ServingCertificate(TelexOptions options, bool onSocket)
    {
        var tls = options.Tls;
        bool wanted = onSocket
            ? tls.Certificate is not null
            : options.Listen.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (!wanted)
        {
            return null;
        }

        if (tls.Certificate is null || tls.Key is null)
        {
            throw new TlsFileException($"{(tls.Certificate is null ? "Tls:Certificate" : "Tls:Key")} is not set: serving https ({options.Listen}) needs the certificate and key files");
        }

        return ServerCertificate.Open(tls.Certificate, tls.Key);
    }
}
