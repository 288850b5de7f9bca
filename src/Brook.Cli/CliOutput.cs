using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Brook.Cli;

/// <summary>
/// Where a verb's results go: tables and short sentences for people (Spectre.Console), or one JSON document for scripts
/// (<c>--json</c>). Diagnostics always go to stderr so that stdout stays parseable.
/// </summary>
public sealed class CliOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Wraps the two streams; <paramref name="json"/> picks the machine format.</summary>
    public CliOutput(TextWriter output, TextWriter error, bool json)
    {
        Out = output;
        Error = error;
        Json = json;
        var redirected = !ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        // A pipe has no width: without this, tables wrap at 80 columns and break every grep and awk.
        if (redirected) Ansi.Profile.Width = 512;
        Interactive = !redirected;
    }

    /// <summary>Results.</summary>
    public TextWriter Out { get; }

    /// <summary>Diagnostics and progress.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether results are JSON.</summary>
    public bool Json { get; }

    /// <summary>Whether stdout is a terminal (live progress bars and colours make sense).</summary>
    public bool Interactive { get; }

    /// <summary>The Spectre console writing to <see cref="Out"/>.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>Prints a table: one header row and then <paramref name="rows"/>; cells are plain text, never markup.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
        var table = new Table().Border(TableBorder.Minimal);
        if (title is not null) table.Title(new TableTitle(title));
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        foreach (var row in rows) table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        Ansi.Write(table);
    }

    /// <summary>Prints one line of text for people (no markup interpretation).</summary>
    public void Line(string text) => Out.WriteLine(text);

    /// <summary>Prints <paramref name="node"/> as an indented JSON document.</summary>
    public void Document(JsonNode? node) => Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>Prints <paramref name="node"/> on one line (a stream of records, one JSON object each).</summary>
    public void JsonLine(JsonNode node) => Out.WriteLine(node.ToJsonString(Compact));

    /// <summary>A warning on stderr.</summary>
    public void Warn(string text) => Error.WriteLine($"warning: {text}");
}
