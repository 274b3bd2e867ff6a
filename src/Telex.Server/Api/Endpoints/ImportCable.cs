using System.Text;

using Telex.Core.Register;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/register/cables</c> with a historical cable as <c>text/plain</c> (UTF-8): files it in the register as
/// imported history, never traffic. A malformed cable is refused with the line at fault and nothing is imported.
/// </summary>
internal static class ImportCable
{
    public static async Task<Results<Created<ImportedCableView>, ProblemHttpResult>> HandleAsync(HttpRequest request, Agency agency, CancellationToken ct)
    {
        if (request.ContentLength is > CableText.MaxBytes)
        {
            return Problems.TooLarge(CableText.MaxBytes);
        }

        using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var buffer = new char[CableText.MaxBytes + 1];
        int read;
        try
        {
            read = await reader.ReadBlockAsync(buffer, ct);
        }
        catch (DecoderFallbackException)
        {
            return Problems.Invalid("body", "a cable is UTF-8 text");
        }

        if (read > CableText.MaxBytes)
        {
            return Problems.TooLarge(CableText.MaxBytes);
        }

        var (cable, entry) = await agency.Register.ImportCableAsync(new string(buffer, 0, read), source: null, ct);
        return TypedResults.Created($"/api/telegrams/{cable.Id}", new ImportedCableView(cable.Id, entry.Position, cable.RegistryNumber,
            cable.ReceivedAt, cable.SenderSerial, cable.Signer, cable.SignedOn, CableText.Points(cable.Text).Select(p => p.Number).ToList(),
            CableText.EditorialMarks(cable.Text + "\n" + cable.Trailer)));
    }
}
