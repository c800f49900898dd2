namespace Cases.Projections.Metrics;

/// <summary>
/// The rollup for one scope (a node, counting everything beneath it, or a department), one day of raising and
/// one category. It is the sum of the contributions of the cases in it, so a case's change is applied as
/// "take out what it contributed, put in what it contributes now", and a rebuild gives the same numbers.
/// </summary>
[MetricsBucketSchema]
public sealed class MetricsBucket
{
    public const string AllCategories = "*";
    public const string DayGrain = "day";
    public const string MonthGrain = "month";

    public string Id { get; set; } = "";

    /// <summary><c>node:&lt;id&gt;</c> or <c>department:&lt;id&gt;</c>.</summary>
    public string Scope { get; set; } = "";

    /// <summary><c>day</c>, or <c>month</c> (then <see cref="Day"/> is the first of the month).</summary>
    public string Grain { get; set; } = DayGrain;

    public DateOnly Day { get; set; }

    /// <summary>A category code, or <c>*</c> for all categories (month grain only).</summary>
    public string Category { get; set; } = "";

    public MetricCounts Counts { get; set; } = new();

    public Dictionary<int, long> Acknowledge { get; set; } = [];

    public Dictionary<int, long> Accept { get; set; } = [];

    public Dictionary<int, long> Resolve { get; set; } = [];

    public Dictionary<int, long> Close { get; set; } = [];

    /// <summary>
    /// The open cases with a deadline, by the UTC day (<see cref="DueDay"/>) from which each is overdue. Overdue now
    /// is the sum of the days before today plus the cases due since today's midnight, counted exactly at read time.
    /// </summary>
    public Dictionary<int, long> Due { get; set; } = [];

    public static string IdFor(string scope, DateOnly day, string category) => IdFor(scope, DayGrain, day, category);

    public static string IdFor(string scope, string grain, DateOnly day, string category) => $"{scope}|{grain}|{day:yyyy-MM-dd}|{category}";

    /// <summary>
    /// Every bucket a case counts in: per scope, its day and category, its month and category, and its month
    /// across all categories. Queries read whole months from the month buckets, so a year is a dozen documents.
    /// </summary>
    public static IEnumerable<BucketKey> KeysOf(CaseFacts facts)
    {
        var month = new DateOnly(facts.Day.Year, facts.Day.Month, 1);
        foreach (var scope in ScopesOf(facts))
        {
            yield return new BucketKey(scope, DayGrain, facts.Day, facts.Category);
            yield return new BucketKey(scope, MonthGrain, month, facts.Category);
            yield return new BucketKey(scope, MonthGrain, month, AllCategories);
        }
    }

    public static string NodeScope(string nodeId) => $"node:{nodeId}";

    public static string DepartmentScope(string departmentId) => $"department:{departmentId}";

    /// <summary>Every bucket a case counts in.</summary>
    public static IEnumerable<string> ScopesOf(CaseFacts facts) =>
        facts.Nodes.Select(NodeScope).Concat(facts.Departments.Select(DepartmentScope));

    public bool IsEmpty => Counts.Raised == 0;

    /// <summary>The day (UTC, counted from 1970-01-01) a due time falls on: the key of <see cref="Due"/>.</summary>
    public static int DueDay(DateTimeOffset at) => (int)Math.Floor(at.ToUnixTimeMilliseconds() / (double)MillisPerDay);

    /// <summary>The start of a <see cref="DueDay"/>.</summary>
    public static DateTimeOffset DueDayStart(int day) => DateTimeOffset.FromUnixTimeMilliseconds(day * MillisPerDay);

    private const long MillisPerDay = 86_400_000;

    /// <summary>Adds (sign +1) or removes (sign -1) one case's contribution.</summary>
    public void Apply(CaseFacts facts, int sign)
    {
        Counts.Apply(facts, sign);
        if (facts.AcknowledgeSeconds is { } acknowledge)
        {
            DurationHistogram.Add(Acknowledge, acknowledge, sign);
        }

        foreach (var accept in facts.AcceptSeconds)
        {
            DurationHistogram.Add(Accept, accept, sign);
        }

        if (facts.ResolveSeconds is { } resolve)
        {
            DurationHistogram.Add(Resolve, resolve, sign);
        }

        if (facts.CloseSeconds is { } close)
        {
            DurationHistogram.Add(Close, close, sign);
        }

        if (facts.OverdueFrom is { } due)
        {
            var day = DueDay(due);
            var next = Due.GetValueOrDefault(day) + sign;
            if (next == 0)
            {
                Due.Remove(day);
            }
            else
            {
                Due[day] = next;
            }
        }
    }
}

/// <summary>The counts of a bucket, and the sums that make the means exact.</summary>
public sealed class MetricCounts
{
    public long Raised { get; set; }
    public long Acknowledged { get; set; }
    public long AcknowledgedOnTime { get; set; }
    public long Escalated { get; set; }
    public long EscalatedManual { get; set; }
    public long EscalatedTimeout { get; set; }
    public long EscalatedOverdue { get; set; }
    public long EscalatedRule { get; set; }
    public long Dispatched { get; set; }
    public long Returned { get; set; }
    public long Accepted { get; set; }
    public long Resolved { get; set; }
    public long ResolvedOnTime { get; set; }
    public long Reopened { get; set; }
    public long Closed { get; set; }
    public long Withdrawn { get; set; }
    public long Feedback { get; set; }
    public long Satisfied { get; set; }
    public long Extended { get; set; }
    public long SettledInGrid { get; set; }
    public long Warnings { get; set; }
    public long Supervised { get; set; }

    /// <summary>The backlog: cases someone still owes an answer (active now).</summary>
    public long Open { get; set; }

    // Sums in whole milliseconds, so that taking a contribution out leaves exactly what was there before.
    public long AcknowledgeMillis { get; set; }
    public long AcceptMillis { get; set; }
    public long ResolveMillis { get; set; }
    public long CloseMillis { get; set; }

    public void Apply(CaseFacts f, int sign)
    {
        Raised += sign;
        Acknowledged += sign * (f.Acknowledged ? 1 : 0);
        AcknowledgedOnTime += sign * (f.Acknowledged && f.AcknowledgedOnTime ? 1 : 0);
        Escalated += sign * (f.Escalations > 0 ? 1 : 0);
        EscalatedManual += sign * f.EscalatedManual;
        EscalatedTimeout += sign * f.EscalatedTimeout;
        EscalatedOverdue += sign * f.EscalatedOverdue;
        EscalatedRule += sign * f.EscalatedRule;
        Dispatched += sign * f.Dispatches;
        Returned += sign * f.Returns;
        Accepted += sign * f.AcceptSeconds.Count;
        Resolved += sign * (f.Resolved ? 1 : 0);
        ResolvedOnTime += sign * (f.Resolved && f.ResolvedOnTime ? 1 : 0);
        Reopened += sign * (f.Reopened ? 1 : 0);
        Closed += sign * (f.Closed ? 1 : 0);
        Withdrawn += sign * (f.Withdrawn ? 1 : 0);
        Feedback += sign * f.Feedback;
        Satisfied += sign * f.Satisfied;
        Extended += sign * (f.Extended ? 1 : 0);
        SettledInGrid += sign * (f.SettledInGrid ? 1 : 0);
        Warnings += sign * f.Warnings;
        Supervised += sign * (f.Supervisions > 0 ? 1 : 0);
        Open += sign * (f.Active ? 1 : 0);
        AcknowledgeMillis += sign * Millis(f.AcknowledgeSeconds);
        AcceptMillis += sign * f.AcceptSeconds.Sum(s => Millis(s));
        ResolveMillis += sign * Millis(f.ResolveSeconds);
        CloseMillis += sign * Millis(f.CloseSeconds);
    }

    public static long Millis(double? seconds) => seconds is { } s ? (long)Math.Round(s * 1000.0) : 0;

    private static readonly System.Reflection.PropertyInfo[] Properties =
        [.. typeof(MetricCounts).GetProperties().Where(p => p.PropertyType == typeof(long))];

    public void Add(MetricCounts other)
    {
        foreach (var property in Properties)
        {
            property.SetValue(this, (long)property.GetValue(this)! + (long)property.GetValue(other)!);
        }
    }
}

/// <summary>
/// Which bucket: its scope, grain, first day and category. A value, so that finding a bucket that already exists costs
/// neither its id's text nor an empty bucket; <see cref="Id"/> and <see cref="NewBucket"/> make them when needed.
/// </summary>
public readonly record struct BucketKey(string Scope, string Grain, DateOnly Day, string Category)
{
    public string Id => MetricsBucket.IdFor(Scope, Grain, Day, Category);

    public MetricsBucket NewBucket() => new() { Id = Id, Scope = Scope, Grain = Grain, Day = Day, Category = Category };
}
