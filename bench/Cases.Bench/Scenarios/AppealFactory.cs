namespace Cases.Bench.Scenarios;

public sealed record ResidentBody(string Name, string Phone, string Address);

public sealed record AppealBody(string Channel, string Category, string Urgency, string Title, string Description, string MicroGridId, ResidentBody Resident);

/// <summary>
/// Realistic appeals, deterministic per seed: the call center's mix of channels and categories, one in ten urgent,
/// Chinese titles of about 40 characters and descriptions of about 300, residents with names, mobiles and addresses.
/// </summary>
public sealed class AppealFactory(Catalog catalog, int seed)
{
    private static readonly (string Value, int Weight)[] Channels = [("hotline", 60), ("online", 20), ("patrol", 12), ("walk-in", 8)];
    private static readonly (string Value, int Weight)[] Categories = [("service", 35), ("dispute", 30), ("hazard", 25), ("information", 10)];

    private static readonly Dictionary<string, string[]> Titles = new(StringComparer.Ordinal)
    {
        ["dispute"] =
        [
            "{0}楼上住户装修噪音持续到深夜，多次沟通无果，请求网格员上门协调处理",
            "{0}邻里因公共楼道堆放杂物发生争执，双方情绪激动，希望社区尽快介入调解",
            "{0}业主与物业因停车位收费标准产生纠纷，业主代表多次反映仍未得到答复",
            "{0}租户拖欠房租并拒绝搬离，房东与租户多次争吵，请求司法所协助调解纠纷",
        ],
        ["hazard"] =
        [
            "{0}地下车库入口处消防通道被私家车长期占用，存在严重消防安全隐患需整改",
            "{0}楼道内电动车违规充电现象严重，飞线充电屡禁不止，居民担心引发火灾",
            "{0}小区围墙出现明显裂缝并向外倾斜，紧邻人行道，雨季来临前请尽快排查",
            "{0}路口窨井盖破损缺失，夜间照明不足，已有行人险些跌落，请求立即处置",
        ],
        ["service"] =
        [
            "{0}单元楼自来水水压明显不足，高层住户早晚用水高峰期基本无法正常洗漱",
            "{0}独居老人行动不便，子女在外地务工，希望社区协助办理居家养老上门服务",
            "{0}小区路灯已连续损坏一周以上，夜间出行很不方便，请求相关部门尽快维修",
            "{0}垃圾分类投放点清运不及时，夏季异味严重蚊蝇滋生，请求增加清运频次",
        ],
        ["information"] =
        [
            "{0}网格员走访发现新增外来务工人员租住，需登记人口信息并开展政策宣传",
            "{0}居民咨询城乡居民医疗保险缴费标准及办理渠道，希望获得详细书面说明",
            "{0}小区近期新开设一家小型托育机构，网格员上报相关信息供职能部门核查",
            "{0}居民反映辖区内存在疑似群租房情况，提供线索请相关部门核实登记信息",
        ],
    };

    private static readonly Dictionary<string, string[]> Details = new(StringComparer.Ordinal)
    {
        ["dispute"] =
        [
            "来电人称该情况已持续两周以上，每天晚上十点以后仍有电钻和敲击声，家中老人和孩子无法正常休息。",
            "双方曾在物业见证下协商过一次，但对方口头答应后没有改正，来电人担心矛盾进一步激化。",
            "来电人希望网格员先上门了解情况，必要时请社区人民调解委员会组织双方当面调解。",
            "据来电人反映，对方态度强硬，声称自己有权处置，来电人已保留了相关照片和录音作为证据。",
        ],
        ["hazard"] =
        [
            "现场查看发现隐患点位于居民日常通行的主要路线上，早晚高峰时段人流量较大。",
            "物业公司表示已多次张贴告示，但效果不明显，需要执法部门联合开展专项整治行动。",
            "来电人担心夜间光线不足时发生意外，希望相关部门先设置警示标识，再安排专业人员维修。",
            "网格员已对现场拍照取证，并临时拉设了警戒线，请相关部门在规定时限内到场处置。",
        ],
        ["service"] =
        [
            "来电人表示此前已向物业反映过三次，物业称需要上级部门协调，至今没有明确答复。",
            "该单元共有三十余户居民受到影响，其中有多名高龄老人和行动不便的残疾人。",
            "来电人希望相关部门给出具体的处理时间表，并在处理完成后电话告知处理结果。",
            "网格员核实后确认情况属实，已将居民诉求整理成册，附上现场照片一并上报。",
        ],
        ["information"] =
        [
            "网格员在入户走访过程中发现上述情况，已初步登记了相关人员的基本信息和联系方式。",
            "来电人希望了解具体的办理材料清单、办理地点以及线上办理的操作流程。",
            "相关信息需要与公安、民政等部门的数据进行比对核实，确保基础信息准确完整。",
            "网格员表示将持续跟踪关注，如有新的变化情况会及时通过网格平台补充上报。",
        ],
    };

    private static readonly string[] Common =
    [
        "来电人情绪较为平稳，表示愿意配合相关部门的调查和处理工作。",
        "请相关单位按照12345热线工单办理要求，在规定时限内联系来电人并反馈办理结果。",
        "来电人要求对其个人信息予以保密，不希望被对方知道是其反映的问题。",
        "来电人表示如问题得不到解决，将继续向上级部门反映。",
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "罗", "郭", "何", "高", "林"];
    private static readonly string[] Given = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"];
    private static readonly string[] MobilePrefixes = ["138", "139", "150", "151", "152", "157", "158", "159", "182", "187", "188", "130", "131", "132", "155", "156", "133", "153", "180", "189"];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    public AppealBody Next()
    {
        var category = Pick(Categories);
        var grid = catalog.MicroGrids[_random.Next(catalog.MicroGrids.Count)];
        var place = grid.Name.Split(' ')[0];
        var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, Titles[category][_random.Next(4)], place);
        return new AppealBody(
            Pick(Channels),
            category,
            _random.Next(10) == 0 ? "urgent" : "normal",
            title,
            Description(category, grid.Name),
            grid.Id,
            new ResidentBody(
                Surnames[_random.Next(Surnames.Length)] + Given[_random.Next(Given.Length)],
                MobilePrefixes[_random.Next(MobilePrefixes.Length)] + _random.Next(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
                $"{grid.Name} {_random.Next(1, 5)}单元 {_random.Next(1, 19)}0{_random.Next(1, 5)}室"));
    }

    private string Description(string category, string place)
    {
        var text = new System.Text.StringBuilder($"{place}居民来电反映：");
        var pool = Details[category].Concat(Common).OrderBy(_ => _random.Next()).ToList();
        foreach (var sentence in pool)
        {
            if (text.Length >= 280)
            {
                break;
            }

            text.Append(sentence);
        }

        return text.ToString();
    }

    private string Pick((string Value, int Weight)[] choices)
    {
        var roll = _random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if ((roll -= weight) < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }
}
