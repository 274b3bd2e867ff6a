using System.Net;
using System.Net.Http.Json;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_count_registrations_deliveries_and_latency_after_traffic_each_agency_its_own()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var adminA = await ApiClient.SignInAsync(a, Role.Admin);
        using var auditorB = await ApiClient.SignInAsync(b, Role.Auditor);

        string id = (await (await adminA.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Counted", body = "One.", precedence = "priority" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await Eventually.UntilAsync(async () => (await (await adminA.GetAsync($"/api/telegrams/{id}")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString(),
            status => status == "delivered", TimeSpan.FromSeconds(30), "delivered");

        string atA = await Eventually.UntilAsync(() => adminA.GetStringAsync("/metrics"),
            text => Prometheus.Sample(text, "telex_deliveries_total") == 1 && text.Contains("telex_delivery_latency_milliseconds_count", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "Alpha's metrics show the delivery");
        string atB = await Eventually.UntilAsync(() => auditorB.GetStringAsync("/metrics"),
            text => Prometheus.Sample(text, "telex_registrations_total") == 1, TimeSpan.FromSeconds(10), "Bravo's metrics show the registration");

        Assert.Contains("telex_outbox_depth", atA, StringComparison.Ordinal);
        Assert.Null(Prometheus.Sample(atA, "telex_registrations_total"));
        Assert.Null(Prometheus.Sample(atB, "telex_deliveries_total"));
    }
}
