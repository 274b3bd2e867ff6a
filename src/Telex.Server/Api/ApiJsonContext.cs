using System.Text.Json.Serialization;

using Telex.Server.Hosting;

namespace Telex.Server.Api;

/// <summary>
/// Compile-time JSON metadata for the health answers, the first thing a starting agency writes: without System.Text.Json's
/// reflection (nor the code it emits and compiles). The client API's requests and answers have theirs in
/// <c>Telex.Api.Contracts</c>; both come first in the API's resolver chain (<see cref="ApiJson.Configure"/>), so the
/// API's options (names, enums, depth) still apply; other types fall through to reflection, as before.
/// </summary>
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(ReadyAnswer))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
