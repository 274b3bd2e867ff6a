namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/agency</c>: this agency's name, DID and federation endpoint.</summary>
internal static class GetAgency
{
    public static Ok<AgencyView> Handle(Agency agency) =>
        TypedResults.Ok(new AgencyView(agency.Identity.Name, agency.Identity.Did, agency.Identity.Endpoint));
}
