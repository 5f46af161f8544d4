using System.Globalization;
using System.Net;
using System.Text;

namespace Packtree.Bench;

/// <summary>
/// A grouped bar chart as SVG (no native dependencies): one group per workload, one bar per engine, ops/s
/// on a log scale; optionally a whisker per bar from the lowest to the highest of its rounds.
/// </summary>
public static class SvgChart
{
    private static readonly string[] Colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"];

    public static string Render(string title, IReadOnlyList<string> groups, IReadOnlyList<string> series, Func<string, string, double?> value, Func<string, string, (double Min, double Max)?>? range = null)
    {
        const int left = 70, top = 50, plotHeight = 320, barWidth = 9, groupGap = 18;
        var groupWidth = series.Count * barWidth + groupGap;
        var width = left + groups.Count * groupWidth + 20;
        var height = top + plotHeight + 110;
        var values = groups.SelectMany(g => series.SelectMany(s => new[] { value(g, s), range?.Invoke(g, s)?.Min, range?.Invoke(g, s)?.Max })).Where(v => v is > 0).Select(v => v!.Value).ToList();
        var maxExp = values.Count == 0 ? 1 : Math.Ceiling(Math.Log10(values.Max()));
        var minExp = values.Count == 0 ? 0 : Math.Floor(Math.Log10(values.Min()));
        if (maxExp <= minExp) maxExp = minExp + 1;
        double Y(double v) => top + plotHeight - (Math.Log10(v) - minExp) / (maxExp - minExp) * plotHeight;
        var invariant = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        svg.Append(invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(invariant, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.Append(invariant, $"<text x=\"{left}\" y=\"24\" font-size=\"14\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        for (var e = minExp; e <= maxExp; e++)
        {
            var y = Y(Math.Pow(10, e));
            svg.Append(invariant, $"<line x1=\"{left}\" x2=\"{width - 20}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#ddd\"/>");
            svg.Append(invariant, $"<text x=\"{left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{Label(Math.Pow(10, e))}</text>");
        }
        svg.Append(invariant, $"<text x=\"14\" y=\"{top + plotHeight / 2}\" transform=\"rotate(-90 14 {top + plotHeight / 2})\" text-anchor=\"middle\">ops/s (log scale)</text>");
        for (var g = 0; g < groups.Count; g++)
        {
            var x0 = left + g * groupWidth + groupGap / 2;
            for (var s = 0; s < series.Count; s++)
            {
                if (value(groups[g], series[s]) is not { } v || v <= 0) continue;
                var y = Y(v);
                svg.Append(invariant, $"<rect x=\"{x0 + s * barWidth}\" y=\"{y:F1}\" width=\"{barWidth - 1}\" height=\"{top + plotHeight - y:F1}\" fill=\"{Colors[s % Colors.Length]}\"><title>{WebUtility.HtmlEncode(series[s])} {WebUtility.HtmlEncode(groups[g])}: {v:N0} ops/s</title></rect>");
                if (range?.Invoke(groups[g], series[s]) is { Min: > 0, Max: > 0 } spread)
                {
                    var x = x0 + s * barWidth + (barWidth - 1) / 2.0;
                    svg.Append(invariant, $"<line x1=\"{x:F1}\" x2=\"{x:F1}\" y1=\"{Y(spread.Max):F1}\" y2=\"{Y(spread.Min):F1}\" stroke=\"black\" stroke-width=\"1\"><title>{WebUtility.HtmlEncode(series[s])} {WebUtility.HtmlEncode(groups[g])}: {spread.Min:N0}–{spread.Max:N0} ops/s</title></line>");
                }
            }
            var cx = x0 + series.Count * barWidth / 2.0;
            svg.Append(invariant, $"<text x=\"{cx:F1}\" y=\"{top + plotHeight + 14}\" text-anchor=\"end\" transform=\"rotate(-40 {cx:F1} {top + plotHeight + 14})\">{WebUtility.HtmlEncode(groups[g])}</text>");
        }
        for (var s = 0; s < series.Count; s++)
        {
            var x = left + s * 110;
            svg.Append(invariant, $"<rect x=\"{x}\" y=\"{height - 22}\" width=\"10\" height=\"10\" fill=\"{Colors[s % Colors.Length]}\"/><text x=\"{x + 14}\" y=\"{height - 13}\">{WebUtility.HtmlEncode(series[s])}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Label(double v) => v >= 1e6 ? $"{v / 1e6:0.#}M" : v >= 1e3 ? $"{v / 1e3:0.#}k" : $"{v:0}";
}
