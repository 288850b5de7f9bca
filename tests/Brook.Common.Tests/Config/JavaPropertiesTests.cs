using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

public class JavaPropertiesTests
{
    private static Dictionary<string, string> Parse(string text) =>
        JavaProperties.Parse(text).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    [Fact]
    public void AllThreeSeparatorsAreAccepted()
    {
        var p = Parse("a=1\nb: 2\nc 3\nd   =   4\ne\t:\t5\n");
        Assert.Equal("1", p["a"]);
        Assert.Equal("2", p["b"]);
        Assert.Equal("3", p["c"]);
        Assert.Equal("4", p["d"]);
        Assert.Equal("5", p["e"]);
    }

    [Fact]
    public void CommentsAndBlankLinesAreSkipped()
    {
        var entries = JavaProperties.Parse("# comment\n! also comment\n\n   \n  # indented comment\nkey=value\n");
        PropertyEntry entry = Assert.Single(entries);
        Assert.Equal("key", entry.Key);
        Assert.Equal(6, entry.Line);
    }

    [Fact]
    public void LeadingWhitespaceIsTrimmedButTrailingKept()
    {
        var p = Parse("   key = value  \n");
        Assert.Equal("value  ", p["key"]);
    }

    [Fact]
    public void LineContinuationJoinsLinesAndDropsLeadingWhitespace()
    {
        var entries = JavaProperties.Parse("listeners=PLAINTEXT://a:1,\\\n    CONTROLLER://b:2\nnext=x");
        Assert.Equal("PLAINTEXT://a:1,CONTROLLER://b:2", entries[0].Value);
        Assert.Equal(1, entries[0].Line);
        Assert.Equal("next", entries[1].Key);
        Assert.Equal(3, entries[1].Line);
    }

    [Fact]
    public void EvenNumberOfTrailingBackslashesIsAnEscapedBackslashNotAContinuation()
    {
        var p = Parse("path=c:\\\\dir\\\\\nnext=1");
        Assert.Equal("c:\\dir\\", p["path"]);
        Assert.Equal("1", p["next"]);
    }

    [Fact]
    public void ContinuationLineStartingWithHashIsNotAComment()
    {
        var p = Parse("a=x\\\n  #y");
        Assert.Equal("x#y", p["a"]);
    }

    [Fact]
    public void CommentLineEndingInBackslashDoesNotContinue()
    {
        var p = Parse("# comment \\\na=1");
        Assert.Equal("1", p["a"]);
    }

    [Fact]
    public void EscapesAreDecoded()
    {
        var p = Parse("k=tab\\there\\nnew\\\\back\\u0041\\u00e9\\:\\=\\#\n");
        Assert.Equal("tab\there\nnew\\backAé:=#", p["k"]);
    }

    [Fact]
    public void EscapedSeparatorsBelongToTheKey()
    {
        var p = Parse("a\\=b\\:c\\ d=value");
        Assert.Equal("value", p["a=b:c d"]);
    }

    [Fact]
    public void OnlyTheFirstSeparatorCounts()
    {
        var p = Parse("a=b=c\nx:y:z\nlisteners PLAINTEXT://h:9092");
        Assert.Equal("b=c", p["a"]);
        Assert.Equal("y:z", p["x"]);
        Assert.Equal("PLAINTEXT://h:9092", p["listeners"]);
    }

    [Fact]
    public void KeyWithoutValueHasEmptyValue()
    {
        var p = Parse("lonely\nalso=\n");
        Assert.Equal(string.Empty, p["lonely"]);
        Assert.Equal(string.Empty, p["also"]);
    }

    [Fact]
    public void WindowsAndOldMacLineEndingsWork()
    {
        var p = Parse("a=1\r\nb=2\rc=3");
        Assert.Equal(["1", "2", "3"], new[] { p["a"], p["b"], p["c"] });
    }

    [Fact]
    public void BackslashAtEndOfInputIsDropped()
    {
        var p = Parse("a=1\\");
        Assert.Equal("1", p["a"]);
    }

    [Fact]
    public void MalformedUnicodeEscapeThrowsWithLine()
    {
        var e = Assert.Throws<ConfigException>(() => JavaProperties.Parse("a=1\nb=\\u12G4", "server.properties"));
        Assert.Contains("server.properties line 2", e.Message);
    }

    [Fact]
    public void LaterDuplicateWins()
    {
        var config = new BrokerConfigBuilder().AddPropertiesText("num.partitions=2\nnum.partitions=5\n", "f").Build();
        Assert.Equal(5, config.NumPartitions);
        Assert.Equal("f:2", config.SourceOf("num.partitions"));
    }
}
