namespace Brook.Common.Config;

/// <summary>The value type of a configuration key; numbers are the wire values of DescribeConfigs (v3+) ConfigType.</summary>
public enum ConfigType : sbyte
{
    Unknown = 0,
    Boolean = 1,
    String = 2,
    Int = 3,
    Short = 4,
    Long = 5,
    Double = 6,
    List = 7,
    Class = 8,
    Password = 9,
}
