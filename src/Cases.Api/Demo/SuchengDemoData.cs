using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Domain.Routing;
using Cases.Domain.Sla;

namespace Cases.Api.Demo;

/// <summary>
/// The Sucheng district (宿城区) demo: the real names from the design notes, filled out with generated
/// streets, communities, grids and micro-grids. Deterministic, so ids are stable between runs.
/// </summary>
public static class SuchengDemoData
{
    public const string DistrictId = "sc";

    /// <summary>Well-known ids, for the README and the tests.</summary>
    public static class Known
    {
        public const string XiangliStreet = "sc.xl";
        public const string XiangliCommunity = "sc.xl.xl";
        public const string YafangGrid = "sc.xl.xl.yf";
        public const string YafangBuilding4 = "sc.xl.xl.yf.04";
        public const string LijingwanGrid = "sc.xl.xl.ljw";
        public const string LvzhouBuilding9Unit1 = "sc.xl.xl.ljw.lz9";
        public const string ZhongyuanGrid = "sc.xl.xl.zy";
    }

    private static readonly (string Code, string Name)[] Streets =
    [
        ("xl", "项里街道"), ("sz", "双庄街道"), ("xf", "幸福街道"), ("hb", "河滨街道"), ("gc", "古城街道"), ("yb", "洋北街道"),
        ("zk", "支口街道"), ("nc", "南蔡乡"), ("bz", "埠子镇"), ("lh", "龙河镇"), ("cj", "蔡集镇"), ("gce", "耿车镇"),
    ];

    private static readonly string[] CommunityStems =
    [
        "项里", "白堡", "矿山", "双庄", "幸福", "河滨", "古城", "金鹰", "黄河", "运河", "朱瓦", "马陵", "洋河", "宿迁", "楚街",
        "七里", "大同", "新庄", "东大", "西湖", "青年", "人民", "发展", "振兴", "文昌", "和平", "团结", "光明", "富民", "安乐",
    ];

    private static readonly string[] CompoundStems =
    [
        "亚芳花园", "丽景湾华庭", "银河花园", "金水湾", "中远现代城", "绿洲豪庭", "香榭丽都", "阳光水岸", "翡翠城", "紫薇苑",
        "御景湾", "书香门第", "凤凰城", "金色港湾", "滨河湾", "世纪花园", "锦绣江南", "东方明珠", "润园", "星河湾",
    ];

    public static IReadOnlyList<Category> Categories { get; } =
    [
        new("dispute", "纠纷调处 Dispute mediation", CategoryLimits.Default),
        new("hazard", "隐患排查 Hazard inspection", CategoryLimits.Default),
        new("service", "便民服务 Convenience services", CategoryLimits.Default),
        new("information", "信息收集 Information collection", CategoryLimits.Default),
    ];

    public static IReadOnlyList<Department> Departments { get; } =
    [
        new("water", "区水务局 Water Affairs Bureau", ["hazard", "service"]),
        new("urban", "区城市管理局 Urban Management Bureau", ["hazard", "dispute"]),
        new("police", "公安宿城分局 Public Security Bureau", ["dispute", "hazard"]),
        new("housing", "区住房和城乡建设局 Housing and Construction Bureau", ["hazard", "service"]),
        new("civil", "区民政局 Civil Affairs Bureau", ["service", "information"]),
        new("health", "区卫生健康委员会 Health Commission", ["service", "information"]),
        new("justice", "区司法局 Justice Bureau", ["dispute"]),
    ];

    /// <summary>An urgent hazard goes straight to the street; each category has a department to suggest.</summary>
    public static RoutingRules Routing { get; } = new(
        [new StartRule("hazard", Urgency.Urgent, GridLevel.Street)],
        new Dictionary<string, string>
        {
            ["dispute"] = "justice",
            ["hazard"] = "urban",
            ["service"] = "civil",
            ["information"] = "civil",
        });

    /// <summary>The demo tree: 12 streets, 2 communities each, 2 grids each, 3 micro-grids each (144).</summary>
    public static IReadOnlyList<GridNode> DemoTree() => BuildTree(communitiesPerStreet: 2, gridsPerCommunity: 2, microGrids: 144);

    /// <summary>The full district: 12 streets, 10 communities each, 4 grids each, and 2,281 micro-grids.</summary>
    public static IReadOnlyList<GridNode> FullDistrict() => BuildTree(communitiesPerStreet: 10, gridsPerCommunity: 4, microGrids: 2281);

    public static IReadOnlyList<GridNode> BuildTree(int communitiesPerStreet, int gridsPerCommunity, int microGrids)
    {
        var nodes = new List<GridNode> { new(DistrictId, "宿城区", GridLevel.District, null) };
        var grids = new List<GridNode>();
        var stem = 0;
        foreach (var (code, name) in Streets)
        {
            var streetId = $"{DistrictId}.{code}";
            nodes.Add(new GridNode(streetId, name, GridLevel.Street, DistrictId));
            for (var c = 1; c <= communitiesPerStreet; c++)
            {
                var (communityId, communityName) = code == "xl" && c <= 3
                    ? ($"{streetId}.{new[] { "xl", "bb", "ks" }[c - 1]}", new[] { "项里社区", "白堡社区", "矿山社区" }[c - 1])
                    : ($"{streetId}.c{c:D2}", $"{CommunityStems[stem++ % CommunityStems.Length]}{(c % 3 == 0 ? "村" : "社区")}");
                nodes.Add(new GridNode(communityId, communityName, GridLevel.Community, streetId));
                var named = communityId == Known.XiangliCommunity;
                var gridCount = named ? Math.Max(gridsPerCommunity, 5) : gridsPerCommunity;
                for (var g = 1; g <= gridCount; g++)
                {
                    var grid = named
                        ? g switch
                        {
                            1 => new GridNode(Known.YafangGrid, "亚芳花园小区", GridLevel.Grid, communityId),
                            2 => new GridNode(Known.LijingwanGrid, "丽景湾华庭小区", GridLevel.Grid, communityId),
                            3 => new GridNode($"{communityId}.yh", "银河花园小区", GridLevel.Grid, communityId),
                            4 => new GridNode($"{communityId}.jsw", "金水湾小区", GridLevel.Grid, communityId),
                            _ => new GridNode(Known.ZhongyuanGrid, "中远现代城小区 (黄河南路158号)", GridLevel.Grid, communityId),
                        }
                        : new GridNode($"{communityId}.g{g:D2}", $"{CompoundStems[(stem + g) % CompoundStems.Length]}小区", GridLevel.Grid, communityId);
                    nodes.Add(grid);
                    grids.Add(grid);
                }
            }
        }

        // Spread the micro-grids over the grids as evenly as the count allows.
        var perGrid = new int[grids.Count];
        for (var i = 0; i < Math.Max(microGrids, grids.Count); i++)
        {
            perGrid[i % grids.Count]++;
        }

        for (var i = 0; i < grids.Count; i++)
        {
            var grid = grids[i];
            var compound = grid.Name.Split(' ')[0].Replace("小区", "", StringComparison.Ordinal);
            for (var m = 1; m <= perGrid[i]; m++)
            {
                var micro = grid.Id switch
                {
                    Known.YafangGrid when m == 1 => new GridNode(Known.YafangBuilding4, "亚芳花园 4号楼", GridLevel.MicroGrid, grid.Id),
                    Known.LijingwanGrid when m == 1 => new GridNode(Known.LvzhouBuilding9Unit1, "绿洲豪庭 9号楼1单元", GridLevel.MicroGrid, grid.Id),
                    _ => new GridNode($"{grid.Id}.m{m:D2}", $"{compound} {m + (grid.Id == Known.YafangGrid ? 4 : 0)}号楼", GridLevel.MicroGrid, grid.Id),
                };
                nodes.Add(micro);
            }
        }

        return nodes;
    }
}
