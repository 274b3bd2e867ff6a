using System.Collections;

using Telex.Cli.Configuration;
using Telex.Core;

namespace Telex.Cli.Tests.Configuration;

public sealed class ConfigurationTests : IDisposable
{
    private static readonly Hashtable NoEnvironment = [];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private void WriteConfig(string json) => File.WriteAllText(_folder.File("telex.json"), json);

    private TelexOptions Load(IEnumerable<string>? set = null, IDictionary? environment = null) =>
        TelexConfiguration.Load(_folder.Path, set, environment ?? NoEnvironment);

    private string Refusal(IEnumerable<string>? set = null, IDictionary? environment = null) =>
        Assert.Throws<TelexConfigurationException>(() => Load(set, environment)).Message;

    [Fact]
    public void Without_any_source_the_options_are_the_defaults()
    {
        Assert.Equal(new TelexOptions(), Load());
    }

    [Fact]
    public void The_file_overrides_defaults_the_environment_overrides_the_file_and_set_overrides_the_environment()
    {
        WriteConfig("""
            {
              // comments are allowed
              "Name": "From file",
              "Delivery": { "ReceiptWait": "00:00:10", "GapGrace": "00:00:07", "DispatchBatch": 11 },
              "Api": { "MaxFailedSignIns": 9 },
            }
            """);
        var environment = new Hashtable
        {
            ["TELEX__Delivery__ReceiptWait"] = "00:00:20",
            ["TELEX__Delivery__DispatchBatch"] = "22",
            ["PATH"] = "/usr/bin",
            ["TELEX_URL"] = "http://127.0.0.1:1", // one underscore: a client setting, not an option
        };

        var options = Load(["Delivery:ReceiptWait=30s", "Storage:FullSync=false"], environment);

        Assert.Equal("From file", options.Name);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Delivery.ReceiptWait);   // --set beats environment and file
        Assert.Equal(22, options.Delivery.DispatchBatch);                       // environment beats file
        Assert.Equal(TimeSpan.FromSeconds(7), options.Delivery.GapGrace);        // file beats default
        Assert.Equal(9, options.Api.MaxFailedSignIns);
        Assert.False(options.Storage.FullSync);
        Assert.Equal(new AgencyOptions().ClaimLease, options.Delivery.ClaimLease); // untouched keys keep their defaults
    }

    [Fact]
    public void Keys_are_case_insensitive_in_every_source()
    {
        WriteConfig("""{ "name": "lower", "delivery": { "receiptwait": "00:00:09" } }""");
        var options = Load(["api:maxfailedsignins=3"], new Hashtable { ["telex__delivery__gapgrace"] = "2s" });

        Assert.Equal("lower", options.Name);
        Assert.Equal(TimeSpan.FromSeconds(9), options.Delivery.ReceiptWait);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Delivery.GapGrace);
        Assert.Equal(3, options.Api.MaxFailedSignIns);
    }

    [Fact]
    public void An_unknown_key_in_the_file_names_the_file_and_suggests_the_key_meant()
    {
        WriteConfig("""{ "Delivery": { "ReceiptWiat": "00:00:10" } }""");

        string message = Refusal();

        Assert.Contains("'Delivery:ReceiptWiat'", message, StringComparison.Ordinal);
        Assert.Contains(_folder.File("telex.json"), message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'Delivery:ReceiptWait'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_environment_variable_is_named_with_the_variable_meant()
    {
        string message = Refusal(environment: new Hashtable { ["TELEX__Delivry__GapGrace"] = "5s" });

        Assert.Contains("environment variable TELEX__Delivry__GapGrace", message, StringComparison.Ordinal);
        Assert.Contains("did you mean TELEX__Delivery__GapGrace?", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_set_key_is_named_with_the_key_meant()
    {
        string message = Refusal(["Api:TokenLifetme=1h"]);

        Assert.Contains("--set Api:TokenLifetme=1h", message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'Api:TokenLifetime'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_put_outside_its_section_is_pointed_to_its_section()
    {
        Assert.Contains("did you mean 'Delivery:ReceiptWait'?", Refusal(["ReceiptWait=5s"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_far_from_every_option_lists_the_keys_that_exist_there()
    {
        string message = Refusal(["Storage:Colour=blue"]);

        Assert.DoesNotContain("did you mean", message, StringComparison.Ordinal);
        Assert.Contains("known keys in Storage: Provider, Path, FullSync", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Delivery:ReceiptWait", "soon", "is not a duration")]
    [InlineData("Api:MaxFailedSignIns", "five", "is not a whole number")]
    [InlineData("Storage:FullSync", "maybe", "is not true or false")]
    [InlineData("Api:MaxRequestBytes", "1e999", "is not a whole number")]
    public void A_value_of_the_wrong_type_is_refused_naming_the_key_and_the_value(string key, string value, string expected)
    {
        string message = Refusal([$"{key}={value}"]);

        Assert.Contains($"{key} = '{value}'", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_value_in_the_file_names_the_file()
    {
        WriteConfig("""{ "Api": { "Lockout": "a while" } }""");

        string message = Refusal();

        Assert.Contains("Api:Lockout = 'a while'", message, StringComparison.Ordinal);
        Assert.Contains(_folder.File("telex.json"), message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Delivery:ReceiptWait=0s", "must be greater than zero")]
    [InlineData("Delivery:DispatchBatch=-1", "must be greater than zero")]
    [InlineData("Listen=ftp://example.org", "must be an http:// or https:// URL")]
    [InlineData("Storage:Provider=oracle", "must be sqlite or postgres")]
    [InlineData("PublicEndpoint=not a url", "must be an absolute http:// or https:// URL")]
    [InlineData("Delivery:AllowedPeerNetworks=10.20.0.0/16, intranet", "'intranet' is not a network in CIDR notation")]
    public void A_value_out_of_range_is_refused_naming_the_key(string set, string expected)
    {
        string message = Refusal([set]);

        Assert.Contains(set[..set.IndexOf('=', StringComparison.Ordinal)], message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("12h", 43_200_000)]
    [InlineData("3d", 259_200_000)]
    [InlineData("00:00:00.050", 50)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void Durations_are_read_as_timespans_or_with_a_unit(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Load([$"Delivery:ReceiptWait={text}"]).Delivery.ReceiptWait);
    }

    [Fact]
    public void An_empty_value_clears_an_optional_setting()
    {
        WriteConfig("""{ "PublicEndpoint": "https://telex.example.org/didcomm" }""");

        Assert.Equal("https://telex.example.org/didcomm", Load().PublicEndpoint);
        Assert.Null(Load(["PublicEndpoint="]).PublicEndpoint);
    }

    [Fact]
    public void A_section_given_a_value_is_refused()
    {
        Assert.Contains("'Storage' is a section", Refusal(["Storage=sqlite"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_given_keys_is_refused()
    {
        WriteConfig("""{ "Name": { "First": "A" } }""");

        Assert.Contains("'Name' is a value, not a section", Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_set_without_an_equals_sign_is_refused()
    {
        Assert.Contains("expected Section:Key=value", Refusal(["Delivery:ReceiptWait"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_json_is_refused_naming_the_file()
    {
        WriteConfig("{ \"Name\": ");

        string message = Refusal();

        Assert.Contains(_folder.File("telex.json"), message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_refusal_in_several_sources_is_counted_in_one_message()
    {
        WriteConfig("""{ "Nmae": "x" }""");

        string message = Refusal(["Api:Lockut=1m"]);

        Assert.Contains("'Nmae'", message, StringComparison.Ordinal);
        Assert.Contains("and 1 more", message, StringComparison.Ordinal);
    }
}
