using System.Text;

using Telex.Core.Register;

namespace Telex.Fuzz;

/// <summary>
/// Parses the input as a historical cable, as <c>telex register import-cable</c> and <c>POST /api/register/cables</c>
/// do. <see cref="CableText.TryParse"/> refuses a malformed file with the line at fault; every exception is a crash. An
/// accepted cable is rendered back into the layout, its points and editorial marks listed.
/// </summary>
internal static class CableTarget
{
    private static readonly DateTimeOffset ImportedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        var cable = CableText.TryParse(text, Guid.Empty, ImportedAt, "fuzz", out var error);
        if (cable is null)
        {
            if (error is null)
            {
                throw new InvalidOperationException("a refused cable must name the line at fault");
            }

            return;
        }

        _ = CableText.Render(cable);
        _ = CableText.Points(cable.Text);
        _ = CableText.EditorialMarks(cable.Text);
    }
}
