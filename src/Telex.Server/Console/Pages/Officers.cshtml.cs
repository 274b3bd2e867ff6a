using Microsoft.AspNetCore.Mvc;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Api;

namespace Telex.Server.Console.Pages;

/// <summary>Officers (admins only): who signs in with which role, who is locked out; adding an officer shows their one-time password once.</summary>
internal sealed class OfficersModel(Agency agency, TimeProvider time, ILoggerFactory loggers) : ConsolePage(agency)
{
    /// <summary>All officers by name.</summary>
    public IReadOnlyList<Officer> Officers { get; private set; } = [];

    /// <summary>Now, to tell who is locked out.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The officer just added and their one-time password.</summary>
    public (string Name, string Password)? Created { get; private set; }

    /// <summary>Reads the list.</summary>
    public async Task OnGetAsync(CancellationToken ct) => Officers = await Agency.Store.ListOfficersAsync(ct);

    /// <summary>Adds an officer with a one-time password they change at first sign-in.</summary>
    public async Task<IActionResult> OnPostAsync(string? name, Role role, CancellationToken ct)
    {
        name = name?.Trim();
        if (Telex.Server.Officers.CheckName(name) is { } problem)
        {
            Error = "Name: " + problem + ".";
        }
        else if (await Telex.Server.Officers.TryAddAsync(Agency.Store, name!, role, time.GetUtcNow(), ct) is { } password)
        {
            ApiLog.OfficerCreated(loggers.CreateLogger(ApiLog.Category), Officer, name!, role);
            Created = (name!, password);
        }
        else
        {
            Error = $"An officer named {name} exists already.";
        }

        Officers = await Agency.Store.ListOfficersAsync(ct);
        return Page();
    }
}
