using FluentValidation;

namespace EvaraTech.Application.Paging;

/// <summary>Offset paging, the API's convention for lists (docs/API.md): <c>page</c> from 1, <c>limit</c> 1..100.</summary>
public sealed record PageRequest(int Page = 1, int Limit = PageRequest.DefaultLimit)
{
    public const int DefaultLimit = 20;
    public const int MaximumLimit = 100;

    /// <summary>Rows before the page; a page number past any data is an empty page, never an overflow.</summary>
    public int Offset => (int)Math.Min((Page - 1L) * Limit, int.MaxValue);
}

/// <summary>One page of a list, with the total the client needs for page numbers.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, long Total, int PageNumber, int Limit)
{
    public int TotalPages => Limit == 0 ? 0 : (int)((Total + Limit - 1) / Limit);
}

public static class PagingRules
{
    /// <summary>The paging rules every list query shares, reported under the query-string names.</summary>
    public static void ValidPaging<T>(this AbstractValidator<T> validator, Func<T, PageRequest> paging)
    {
        validator.RuleFor(q => paging(q).Page).GreaterThanOrEqualTo(1).OverridePropertyName("page");
        validator.RuleFor(q => paging(q).Limit).InclusiveBetween(1, PageRequest.MaximumLimit).OverridePropertyName("limit");
    }

    /// <summary><c>sort</c> is one whitelisted key, optionally prefixed with <c>-</c> for descending.</summary>
    public static void ValidSort<T>(this AbstractValidator<T> validator, Func<T, string?> sort, IReadOnlyCollection<string> allowed)
    {
        validator.RuleFor(q => sort(q))
            .Must(s => s is null || allowed.Contains(s.TrimStart('-')))
            .WithMessage($"sort must be one of: {string.Join(", ", allowed)} (prefix - for descending).")
            .OverridePropertyName("sort");
    }
}
