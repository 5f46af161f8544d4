using Spectre.Console;

namespace Packtree.Bench.Peers;

/// <summary>
/// The interleaved rounds both the peers and the values suites run on their started workers: in each round every step
/// on every engine before the next step, the engines' order alternating from round to round (so that a steady drift of
/// the machine's speed favours none); then each worker is told to quit and its closing figures are kept.
/// </summary>
public static class PeerRounds
{
    /// <summary>
    /// Runs <paramref name="rounds"/> rounds of <paramref name="steps"/> on <paramref name="workers"/> for case
    /// <paramref name="case"/>, figures into <paramref name="figures"/>; a worker that fails or skips is ended through
    /// <paramref name="end"/> (which removes it from <paramref name="workers"/>). Returns each remaining engine's closing figures.
    /// </summary>
    public static Dictionary<string, List<PeerMetric>> Run(Dictionary<string, PeerProcess> workers, IReadOnlyList<string> engines, IReadOnlyList<string> steps, int rounds,
        string @case, PeerFigures figures, ProgressTask task, string label, Action<string, string> end)
    {
        foreach (var (engine, worker) in workers.ToList())
        {
            if (worker.WaitUntilReady() is { } reason) end(engine, reason);
        }
        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? engines : [.. Enumerable.Reverse(engines)];
            foreach (var step in steps)
            {
                foreach (var engine in order.Where(workers.ContainsKey))
                {
                    task.Description = $"{label}: round {round + 1}/{rounds}, {step}, {engine}";
                    var (results, ended) = workers[engine].Send(step);
                    if (ended is not null) end(engine, ended);
                    else foreach (var figure in results) figures.Add(@case, step, engine, round, figure);
                }
                task.Increment(1);
            }
        }
        var closing = new Dictionary<string, List<PeerMetric>>();
        foreach (var (engine, worker) in workers.ToList())
        {
            var (results, ended) = worker.Send(PeerSteps.Quit);
            if (ended is not null)
            {
                end(engine, ended);
                continue;
            }
            foreach (var figure in results) figures.Add(@case, "all", engine, 0, figure);
            closing[engine] = results;
        }
        task.Description = label;
        return closing;
    }
}
