using Spectre.Console;

namespace Packtree.Bench;

/// <summary>Runs one suite, or every suite, and writes the JSON.</summary>
public static class SuiteRunner
{
    public static int RunOne(Func<BenchSettings, BenchDocument> run, FileInfo? json, BenchSettings settings)
    {
        var document = run(settings);
        if (json is not null)
        {
            document.WriteJson(json.FullName);
            AnsiConsole.MarkupLine($"[grey]results written to {Markup.Escape(json.FullName)}[/]");
        }
        return 0;
    }

    /// <summary>Every suite in turn; the JSON of each goes to a new folder, or to the folder <paramref name="json"/> names.</summary>
    public static int RunAll(FileInfo? json, BenchSettings settings)
    {
        var folder = json?.FullName ?? Path.Combine(Path.GetTempPath(), $"packtree-bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(folder);
        foreach (var (name, _, run) in Suites.All)
        {
            AnsiConsole.Write(new Rule($"bench {name}"));
            // The peers suite at full size takes many minutes: in the run of everything it is quick unless --keys says otherwise.
            var quick = settings.Quick || (name == "peers" && settings.Keys is null);
            var suiteSettings = settings with { ArtifactsFolder = folder, Quick = quick };
            run(suiteSettings).WriteJson(Path.Combine(folder, $"{name}.json"));
        }
        AnsiConsole.MarkupLine($"[grey]results written to {Markup.Escape(folder)} ({string.Join(", ", Suites.All.Select(s => s.Name + ".json"))})[/]");
        return 0;
    }
}
