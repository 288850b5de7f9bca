using System.Text;
using Brook.Cli;
using Brook.Cli.Verbs;

namespace Brook.Cli.Tests;

public sealed class KeyValueAndRecordCodecTests
{
    [Fact]
    public void A_pair_splits_at_the_first_equals_sign()
    {
        Assert.Equal(("retention.ms", "60000"), KeyValue.Parse("retention.ms=60000", "--config"));
        Assert.Equal(("sasl.jaas", "a=b=c"), KeyValue.Parse("sasl.jaas=a=b=c", "-X"));
        Assert.Equal(("empty", ""), KeyValue.Parse("empty=", "--header"));
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=value")]
    public void A_pair_without_a_key_is_a_usage_error_naming_the_option(string text)
    {
        var error = Assert.Throws<CliException>(() => KeyValue.Parse(text, "--config"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("--config", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_key_keeps_its_last_value()
    {
        var all = KeyValue.ParseAll(["a=1", "b=2", "a=3"], "--config");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "3", ["b"] = "2" }, all);
        Assert.Empty(KeyValue.ParseAll(null, "--config"));
    }

    [Theory]
    [InlineData(RecordEncoding.Text, "héllo")]
    [InlineData(RecordEncoding.Hex, "68c3a96c6c6f")]
    [InlineData(RecordEncoding.Base64, "aMOpbGxv")]
    public void Bytes_show_and_read_back_in_each_encoding(RecordEncoding encoding, string shown)
    {
        var bytes = Encoding.UTF8.GetBytes("héllo");
        Assert.Equal(shown, RecordCodec.Show(bytes, encoding));
        Assert.Equal(bytes, RecordCodec.Read(shown, encoding, "value"));
    }

    [Fact]
    public void Null_stays_null_so_a_tombstone_is_not_an_empty_value()
    {
        Assert.Null(RecordCodec.Show(null, RecordEncoding.Text));
        Assert.Null(RecordCodec.Read(null, RecordEncoding.Hex, "value"));
        Assert.Equal("", RecordCodec.Show([], RecordEncoding.Text));
    }

    [Theory]
    [InlineData(RecordEncoding.Hex, "xyz")]
    [InlineData(RecordEncoding.Base64, "not base64!")]
    public void Malformed_hex_or_base64_is_a_usage_error(RecordEncoding encoding, string text)
    {
        var error = Assert.Throws<CliException>(() => RecordCodec.Read(text, encoding, "key"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith("key is not valid", error.Message, StringComparison.Ordinal);
    }
}
