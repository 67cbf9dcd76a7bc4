namespace EvaraTech.Application.Behaviours;

/// <summary>Turns C# property paths (<c>Items[0].NodeKey</c>) into the JSON names clients sent (<c>items[0].nodeKey</c>).</summary>
public static class FieldNames
{
    public static string ToCamelCasePath(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(CamelCase));

    private static string CamelCase(string segment) =>
        segment.Length == 0 || char.IsLower(segment[0])
            ? segment
            : string.Concat(char.ToLowerInvariant(segment[0]).ToString(), segment.AsSpan(1));
}
