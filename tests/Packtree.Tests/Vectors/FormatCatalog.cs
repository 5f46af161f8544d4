using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>The formats of formats.jsonl.gz by id, parsed once and shared by the vector tests.</summary>
internal static class FormatCatalog
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Dictionary<string, BkeyFormat>>> ByFolder = new();

    public static BkeyFormat Get(VectorRecord record, string field)
    {
        var id = record.String(field);
        var formats = ByFolder.GetOrAdd(VectorFolder.Path, _ => new Lazy<Dictionary<string, BkeyFormat>>(Load)).Value;
        if (!formats.TryGetValue(id, out var format))
            throw new InvalidDataException($"{record.Where}: {field} '{id}' names no format in formats.jsonl.gz.");
        return format;
    }

    private static Dictionary<string, BkeyFormat> Load()
    {
        var formats = new Dictionary<string, BkeyFormat>();
        foreach (var record in VectorFile.Read("formats.jsonl.gz"))
        {
            var id = record.String("id");
            formats.Add(id, BkeyFormat.Read(record.Hex("format_hex")));
        }
        return formats;
    }
}
