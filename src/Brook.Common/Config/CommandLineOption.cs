namespace Brook.Common.Config;

/// <summary>Helpers the tool command lines share (storage, metadata-quorum): Kafka tools' option spellings.</summary>
public static class CommandLineOption
{
    /// <summary>Splits <c>--option=value</c> into the option and its inline value; any other argument has no inline value.</summary>
    public static (string Option, string? InlineValue) Split(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    /// <summary>The value after option <paramref name="option"/> at <paramref name="i"/> (advancing past it); a missing one is refused.</summary>
    public static string TakeValue(IReadOnlyList<string> args, ref int i, string option)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith('-'))
        {
            throw new ConfigException($"Missing value after '{option}'");
        }

        return args[++i];
    }
}
