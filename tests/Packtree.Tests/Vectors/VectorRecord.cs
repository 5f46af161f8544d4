using System.Globalization;
using System.Text.Json;
using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>
/// One JSON record of a vector file. Every field a test reads is marked as understood;
/// <see cref="UnknownFields"/> lists the rest, so that a field this code does not know fails the test.
/// </summary>
internal sealed class VectorRecord(string file, int line, JsonElement json)
{
    private readonly HashSet<string> _understood = [];

    public string Where => $"{file}:{line}";

    public JsonElement Json => json;

    public bool Has(string name) => json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Marks fields that only describe how an input was chosen; tests do not depend on them.</summary>
    public void Informational(params string[] names)
    {
        foreach (var name in names) _understood.Add(name);
    }

    public JsonElement Get(string name)
    {
        _understood.Add(name);
        if (!json.TryGetProperty(name, out var value))
            throw new InvalidDataException($"{Where}: field '{name}' is missing.");
        return value;
    }

    public string String(string name) => Get(name).GetString() ?? throw new InvalidDataException($"{Where}: field '{name}' is null.");

    public int Int(string name) => Get(name).GetInt32();

    public bool Bool(string name) => Get(name).GetBoolean();

    public ulong U64(string name) => ParseU64(Get(name), name);

    public byte[] Hex(string name) => Convert.FromHexString(String(name));

    public byte[]? HexOrNull(string name)
    {
        var value = Get(name);
        return value.ValueKind == JsonValueKind.Null ? null : Convert.FromHexString(value.GetString()!);
    }

    public byte[]? OptionalHex(string name) => json.TryGetProperty(name, out _) ? HexOrNull(name) : null;

    public Bpos Position(string name) => ReadPosition(Get(name), name);

    public ulong[] U64Array(string name) => [.. Get(name).EnumerateArray().Select(e => ParseU64(e, name))];

    public Bpos ReadPosition(JsonElement element, string name) => new(
        ParseU64(element.GetProperty("inode"), name),
        ParseU64(element.GetProperty("offset"), name),
        checked((uint)ParseU64(element.GetProperty("snapshot"), name)));

    public IEnumerable<string> UnknownFields =>
        json.EnumerateObject().Select(p => p.Name).Where(n => !_understood.Contains(n));

    private ulong ParseU64(JsonElement element, string name) => element.ValueKind switch
    {
        JsonValueKind.String => ulong.Parse(element.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
        JsonValueKind.Number => element.GetUInt64(),
        _ => throw new InvalidDataException($"{Where}: field '{name}' is {element.ValueKind}, not a number."),
    };
}
