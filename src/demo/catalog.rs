//! Phrase banks for the demo lists: what member units offer and what communities ask for.
//!
//! Entries read the way a unit's party secretary or a community worker fills in a
//! 资源清单 or 需求清单. Many asks are answered by an offer that words the same thing
//! differently (独居老人吃饭难 ↔ 长者饭堂送餐上门), and generic words such as 服务 or
//! 活动 recur across unrelated entries.
//!
//! Placeholders: org-name patterns use `{district}` (五华区), `{short}` (五华),
//! `{street}` (华山, without 街道) and `{n}` (a digit 1–9); offer descriptions use
//! `{org}` and `{street}`; ask descriptions use `{community}` (full name, e.g.
//! 金马社区). Titles contain no placeholders.

pub struct OrgKind {
    pub kind: &'static str,
    pub patterns: &'static [&'static str],
}

/// Member-unit kinds (医疗卫生, 教育, 法律服务, 企业, 党政机关, 社会组织, 志愿服务队,
/// 文化体育, 金融, 物业) with name patterns. Patterns may use {district} (e.g. 五华区),
/// {short} (e.g. 五华), {street} (e.g. 华山, without 街道) and {n} (a small number 1–9
/// written as a digit).
pub static ORG_KINDS: &[OrgKind] = &[
    OrgKind {
        kind: "医疗卫生",
        patterns: &[
            "{street}街道社区卫生服务中心",
            "{district}人民医院",
            "{district}中医医院",
            "{district}妇幼保健院",
            "昆明{short}康复医院",
            "{street}社区卫生服务站",
            "{district}第二人民医院",
            "昆明{short}仁和医院",
        ],
    },
    OrgKind {
        kind: "教育",
        patterns: &[
            "{district}{street}中学",
            "{district}{street}小学",
            "{district}实验小学",
            "{district}职业高级中学",
            "{district}实验中学",
            "云南师范大学{short}附属学校",
            "昆明{short}开放大学",
            "{district}青少年校外活动中心",
        ],
    },
    OrgKind {
        kind: "法律服务",
        patterns: &[
            "云南{short}律师事务所",
            "云南{street}律师事务所",
            "{district}法律援助中心",
            "{district}{street}法律服务所",
            "昆明市{short}公证处",
            "{district}人民调解协会",
        ],
    },
    OrgKind {
        kind: "企业",
        patterns: &[
            "昆明{short}城市建设投资有限公司",
            "云南{short}实业集团有限公司",
            "云南建投第{n}建设有限公司",
            "昆明{street}商贸有限公司",
            "云南{short}科技发展有限公司",
            "昆明{short}投资控股集团有限公司",
            "昆明{street}实业有限公司",
            "云南{short}现代物流有限公司",
        ],
    },
    OrgKind {
        kind: "党政机关",
        patterns: &[
            "{district}司法局{street}司法所",
            "{district}公安分局{street}派出所",
            "{district}税务局第{n}税务分局",
            "{district}人力资源和社会保障局",
            "{district}卫生健康局",
            "{district}消防救援大队",
            "{district}市场监督管理局{street}市场监管所",
            "中共{district}委党校",
            "{district}城市管理局",
        ],
    },
    OrgKind {
        kind: "社会组织",
        patterns: &[
            "昆明{short}社会工作服务中心",
            "昆明{short}同心社工服务中心",
            "{district}慈善会",
            "昆明{street}邻里互助协会",
            "{district}老年协会",
            "昆明{short}心理咨询服务中心",
            "昆明{short}青少年发展中心",
            "{district}残疾人联合会",
        ],
    },
    OrgKind {
        kind: "志愿服务队",
        patterns: &[
            "{street}街道新时代文明实践志愿服务队",
            "{street}街道党员先锋志愿服务{n}队",
            "{district}青年志愿者协会",
            "昆明{short}蓝天救援队",
            "{street}街道巾帼志愿服务队",
            "{district}红十字志愿服务队",
            "{street}街道银龄志愿服务队",
        ],
    },
    OrgKind {
        kind: "文化体育",
        patterns: &[
            "{district}文化馆",
            "{district}图书馆",
            "{street}街道综合文化站",
            "昆明{short}花灯艺术团",
            "{district}全民健身中心",
            "昆明{short}体育舞蹈协会",
            "{district}书法家协会",
            "{district}摄影家协会",
        ],
    },
    OrgKind {
        kind: "金融",
        patterns: &[
            "中国工商银行昆明{street}支行",
            "中国建设银行昆明{short}支行",
            "富滇银行{street}支行",
            "昆明农村商业银行{street}支行",
            "中国农业银行昆明{short}支行",
            "中国银行昆明{street}支行",
            "中国人寿昆明{short}支公司",
            "中国邮政储蓄银行昆明{short}支行",
        ],
    },
    OrgKind {
        kind: "物业",
        patterns: &[
            "昆明{short}物业服务有限公司",
            "云南{street}物业管理有限公司",
            "昆明{short}城投物业有限公司",
            "万科物业昆明{short}服务中心",
            "碧桂园服务昆明{short}项目部",
            "昆明{street}花园物业服务中心",
            "保利物业昆明{street}项目部",
        ],
    },
];

/// Common Chinese surnames, including some frequent in Yunnan (段, 普, 字, 和, 缪).
pub static SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "肖", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "余", "杜", "段", "普", "尹", "施", "毕", "字", "和", "鲁", "缪",
];

/// Common one- and two-character given names.
pub static GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "华", "琼", "云", "斌", "秀英", "建华", "建国", "红梅", "丽华", "海燕", "晓东", "志刚", "春梅",
    "玉兰", "桂芬", "国庆", "文斌", "永红", "德明", "凤仙", "家乐", "子涵", "雨轩", "欣怡", "浩然",
    "思远", "俊杰", "晓燕", "丽萍", "兰芬", "云华", "正祥", "绍华", "光明", "志强", "文华", "春燕",
    "金凤", "秀珍", "婷婷", "梓萱", "一鸣", "宇航", "嘉怡", "昊天", "雪梅", "美玲", "建平", "卫东",
    "海涛", "玉珍", "昆华", "滇生",
];

pub struct Offer {
    /// One of the ten categories, e.g. 养老助残.
    pub category: &'static str,
    /// Which `OrgKind::kind` values plausibly offer it.
    pub kinds: &'static [&'static str],
    /// 6–30 characters.
    pub title: &'static str,
    /// 40–160 characters; may use {org} (the unit's name) and {street} (without 街道).
    pub description: &'static str,
    /// 2–5 tags, each at most 8 characters.
    pub tags: &'static [&'static str],
    /// A min–max range when countable (places, people, items), None otherwise.
    pub quantity: Option<(i32, i32)>,
}

pub static OFFERS: &[Offer] = &[
    // 场地设施
    Offer {
        category: "场地设施",
        kinds: &["党政机关", "企业", "金融"],
        title: "会议室周末免费借给社区开会",
        description: "{org}三楼会议室可坐40人，配投影仪、话筒和茶水。周六、周日全天可借用，\
            适合开党课、居民议事会、楼栋长例会，请提前三天联系办公室登记。",
        tags: &["会议室", "议事协商", "党课"],
        quantity: Some((20, 40)),
    },
    Offer {
        category: "场地设施",
        kinds: &["教育", "党政机关", "企业"],
        title: "篮球场和羽毛球馆错时向居民开放",
        description: "工作日18:30以后和节假日白天，{org}的室外篮球场、\
            室内羽毛球馆向{street}街道居民开放，凭社区开具的登记表进场，每场限两小时，器材自备。",
        tags: &["运动场地", "错时开放", "健身"],
        quantity: None,
    },
    Offer {
        category: "场地设施",
        kinds: &["企业", "党政机关", "金融", "物业"],
        title: "夜间和周末共享内部停车位",
        description: "{org}院内停车场每晚19:00至次日7:30、周末全天向周边居民开放，按月登记车牌，\
            只收少量管理费。车位有限，优先老旧小区无固定车位的住户。",
        tags: &["停车", "共享车位", "错时"],
        quantity: Some((15, 60)),
    },
    Offer {
        category: "场地设施",
        kinds: &["党政机关", "企业", "社会组织", "物业"],
        title: "多功能活动室提供给社区办活动",
        description: "约120平方米的多功能活动室，铺有木地板，带镜墙和音响，可办舞蹈排练、亲子手工、\
            老年课堂等各类活动。每周二、四下午固定留给社区，其他时段电话预约。",
        tags: &["活动室", "活动场地", "预约"],
        quantity: None,
    },
    Offer {
        category: "场地设施",
        kinds: &["企业", "物业"],
        title: "临街闲置铺面改作便民服务点",
        description: "{org}在{street}片区有两间临街铺面暂未出租，可无偿提供一年，用作便民维修、\
            代收快递或缝补服务点，水电费由使用方承担，需社区出具运营方案。",
        tags: &["闲置铺面", "便民点", "无偿使用"],
        quantity: Some((1, 2)),
    },
    Offer {
        category: "场地设施",
        kinds: &["金融"],
        title: "营业网点开设“劳动者港湾”爱心驿站",
        description: "营业时间内，环卫工人、快递员、外卖骑手可到{org}大厅歇脚，免费喝热水、\
            给手机充电、用微波炉热饭，雨天还可借用雨伞，无需登记，进门找大堂经理即可。",
        tags: &["爱心驿站", "户外劳动者", "歇脚"],
        quantity: None,
    },
    Offer {
        category: "场地设施",
        kinds: &["教育"],
        title: "学校操场寒暑假向周边孩子开放",
        description: "寒暑假期间每周一、三、五8:00—11:30，{org}开放操场和跑道，\
            由值班老师和保安看护，孩子凭学生证或社区证明入校，十岁以下须家长陪同。",
        tags: &["操场", "假期开放", "青少年"],
        quantity: Some((30, 100)),
    },
    Offer {
        category: "场地设施",
        kinds: &["党政机关", "教育"],
        title: "两百座报告厅承接大型宣讲",
        description: "{org}报告厅有220个座位，配LED大屏和扩音系统，可承接政策宣讲、道德讲堂、\
            表彰大会等活动，需避开单位自身会议，建议提前两周报送活动方案。",
        tags: &["报告厅", "政策宣讲", "大型会议"],
        quantity: Some((100, 220)),
    },
    Offer {
        category: "场地设施",
        kinds: &["企业", "物业"],
        title: "闲置仓库替社区存放应急物资",
        description: "{org}有一间约80平方米的干燥仓库，可以免费替社区存放防汛沙袋、帐篷、\
            折叠床等应急物资，安排专人值守，汛期和突发事件时24小时随叫随取。",
        tags: &["仓库", "应急物资", "防汛"],
        quantity: None,
    },
    Offer {
        category: "场地设施",
        kinds: &["企业", "物业", "文化体育"],
        title: "出借帐篷桌椅音响等活动设备",
        description: "可借出3×3米帐篷10顶、折叠桌20张、塑料椅100把和一套户外音响，适合社区游园、\
            集市、露天宣传，借用方自行运输，用后三天内归还，损坏照价赔偿。",
        tags: &["设备出借", "帐篷", "音响"],
        quantity: Some((10, 100)),
    },
    Offer {
        category: "场地设施",
        kinds: &["企业"],
        title: "老旧小区加装电梯评估与施工",
        description: "{org}联合电梯厂家和设计单位，可免费上门勘查楼栋结构、测算费用、讲解补贴政策，\
            协助业主开协调会征求意见，确定加装后负责设计、报建和施工，工期约三个月。",
        tags: &["加装电梯", "老旧小区", "适老"],
        quantity: None,
    },
    Offer {
        category: "场地设施",
        kinds: &["物业"],
        title: "物业用房腾出一间作网格工作站",
        description: "{org}在所服务小区的一楼腾出一间约30平方米的用房，水电网络齐全，可供网格员、\
            楼栋长日常办公和接待居民，钥匙交社区统一管理。",
        tags: &["网格工作站", "办公用房"],
        quantity: Some((1, 1)),
    },
    Offer {
        category: "场地设施",
        kinds: &["党政机关", "金融", "企业"],
        title: "单位内部卫生间对外开放",
        description: "{org}一楼卫生间加入“厕所开放联盟”，每天7:00—21:00对过往群众、\
            菜场摊贩和游客开放，门口设指示牌，保洁由单位负责，无需登记。",
        tags: &["公厕", "开放共享", "便民"],
        quantity: None,
    },
    Offer {
        category: "场地设施",
        kinds: &["金融"],
        title: "营业厅母婴室免费对外开放",
        description: "{org}营业厅内设有独立母婴室，配哺乳椅、尿布台和温奶器，\
            营业时间内哺乳期妈妈可直接使用，不必办理任何业务，有需要可请工作人员帮忙看管婴儿车。",
        tags: &["母婴室", "哺乳", "便民"],
        quantity: None,
    },
    Offer {
        category: "场地设施",
        kinds: &["物业", "企业"],
        title: "出资建设电动自行车集中充电棚",
        description: "{org}可在小区空地出资建设带烟感和自动断电功能的集中充电棚，扫码充电，\
            一元可充四小时，从源头上解决楼道停车和飞线充电问题，选址需经业主同意。",
        tags: &["充电棚", "电动车", "消防安全"],
        quantity: Some((20, 80)),
    },
    // 志愿服务
    Offer {
        category: "志愿服务",
        kinds: &["党政机关", "金融", "教育", "企业"],
        title: "在职党员回社区“双报到”服务",
        description: "{org}在职党员按居住地到社区报到，每人每季度至少参加两次社区服务，\
            可承担楼栋走访、活动保障、政策宣传等任务，由单位党支部统一对接社区。",
        tags: &["双报到", "在职党员"],
        quantity: Some((10, 40)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队", "企业", "党政机关"],
        title: "青年志愿者周末协助平安巡逻",
        description: "{org}组织青年志愿者，每周五、六晚20:00—22:00佩戴红袖标在{street}街道辖区小区\
            巡查，重点看电动车停放、楼道杂物和陌生人员，发现问题随时报网格员。",
        tags: &["平安巡逻", "红袖标", "治安"],
        quantity: Some((6, 20)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["党政机关", "金融"],
        title: "反诈宣传进楼栋进广场",
        description: "民警和银行柜员组成宣讲小分队，用真实案例讲冒充客服、刷单返利、\
            养老投资等骗局，现场帮居民下载国家反诈中心APP，每月可安排一次，请提前一周预约。",
        tags: &["反诈宣传", "防骗"],
        quantity: None,
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队", "党政机关", "教育"],
        title: "上下学时段文明交通劝导",
        description: "早晚高峰7:30—8:30、17:30—18:30，\
            志愿者在学校门口和主要路口劝导电动车驾乘人员佩戴头盔、不闯红灯、不逆行，\
            可连续服务一个月，需社区协调点位。",
        tags: &["交通劝导", "文明出行"],
        quantity: Some((4, 12)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队", "企业"],
        title: "便民集市：理发修鞋磨剪刀",
        description: "每月第二个周六上午，{org}带着理发师、修鞋匠、磨刀师傅和缝纫志愿者到社区摆摊，\
            全部免费，行动不便的老人可登记后由志愿者上门理发。",
        tags: &["便民集市", "义务理发", "上门"],
        quantity: Some((30, 80)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["企业", "志愿服务队"],
        title: "家电义务维修进社区",
        description: "{org}联合家电售后网点组织持证维修师傅，每季度到{street}街道各社区轮流摆点，\
            免费检修电视、电饭锅、洗衣机、燃气灶等，只收更换零件的成本价，大件电器可预约上门。",
        tags: &["家电维修", "免费检修"],
        quantity: Some((20, 60)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队", "教育"],
        title: "大型活动现场秩序引导",
        description: "可派出穿统一服装的大学生志愿者，承担社区运动会、文艺演出、义诊等活动的签到、\
            引导、秩序维护和场地布置，单次最多可派30人，请提前十天联系。",
        tags: &["秩序维护", "活动保障"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["社会组织", "志愿服务队"],
        title: "手语志愿者陪同听障人士办事",
        description: "{org}手语志愿服务小组有8名持证手语翻译，可陪同听障居民到医院、派出所、\
            社区办事，也可在社区活动中提供现场手语翻译，工作日提前两天预约即可。",
        tags: &["手语", "听障", "无障碍"],
        quantity: Some((1, 8)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队", "社会组织", "企业"],
        title: "结对探访独居空巢老人",
        description: "志愿者与独居、空巢老人一对一结对，每周至少上门或电话问候一次，陪老人聊天、\
            读报、晒太阳，发现身体或生活异常及时告诉社区，首期可结对20户。",
        tags: &["结对探访", "独居老人", "陪伴"],
        quantity: Some((10, 20)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队", "企业", "教育"],
        title: "手把手教老人用智能手机",
        description: "{org}的青年志愿者利用周末开“银发手机课”，一对一教老人视频通话、网上挂号、\
            扫码支付、识别诈骗短信，每期四次课，每班15人左右，自带手机即可。",
        tags: &["智能手机", "数字鸿沟", "老年人"],
        quantity: Some((10, 15)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["企业"],
        title: "送货员和骑手兼任流动网格员",
        description: "{org}发动在{street}片区跑业务的送货员、快递员和外卖骑手，\
            经培训后可随手拍报井盖缺失、路灯不亮、消防通道堵塞等隐患，通过社区微信群或“随手拍”\
            小程序上报。",
        tags: &["流动网格员", "隐患上报"],
        quantity: Some((10, 50)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["教育", "志愿服务队"],
        title: "外语志愿者服务外籍居民",
        description: "{org}组织懂英语、泰语、越南语、缅甸语的志愿者，\
            可协助社区给外籍居民讲解居住登记、垃圾分类等规定，翻译通知告示，每周可安排一个半天。",
        tags: &["外语翻译", "外籍居民"],
        quantity: Some((2, 6)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队"],
        title: "救援队进社区组织应急演练",
        description: "{org}联合消防救援人员到社区组织火灾疏散、地震避险演练，现场演示灭火器、\
            逃生绳使用，并帮助社区组建自己的应急小分队，演练约两小时，需社区提前通知居民。",
        tags: &["应急演练", "防灾减灾"],
        quantity: None,
    },
    Offer {
        category: "志愿服务",
        kinds: &["党政机关", "教育", "志愿服务队"],
        title: "集中入户登记和信息核查帮手",
        description: "在人口普查、医保参保动员、高龄补贴核查等集中工作期间，\
            {org}可抽调5至10名干部或学生，跟随网格员入户登记、电话回访，服务周期一般为两周。",
        tags: &["入户走访", "信息核查"],
        quantity: Some((5, 10)),
    },
    Offer {
        category: "志愿服务",
        kinds: &["志愿服务队", "企业", "物业"],
        title: "春节前为困难户打扫卫生贴春联",
        description: "每年腊月二十前后，{org}组织党员和青年志愿者到困难家庭、孤寡老人家中擦窗户、\
            清厨房、换灯泡，顺带贴春联、挂灯笼，一次可服务10户左右。",
        tags: &["年前大扫除", "困难家庭", "送温暖"],
        quantity: Some((5, 10)),
    },
    // 医疗健康
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "家庭医生签约上门服务",
        description: "{org}家庭医生团队为{street}街道65岁以上老人、慢病患者提供签约服务，\
            行动不便的可预约上门测血压血糖、换药、开处方，签约后有专属医生微信随时咨询。",
        tags: &["家庭医生", "上门诊疗", "签约"],
        quantity: Some((50, 200)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "每月一次社区义诊",
        description: "每月第三个周六上午，{org}派内科、心内科、骨科医生和护士到社区广场义诊，\
            免费测血压血糖、看化验单、做用药咨询，可提前在社区登记想问的问题。",
        tags: &["义诊", "测血压", "健康咨询"],
        quantity: Some((80, 150)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "六十五岁以上老人免费健康体检",
        description: "对辖区65岁以上常住老人每年一次免费体检，含血常规、肝肾功能、心电图、\
            B超等项目，空腹到{org}体检，行动不便的可由社区统一组织车辆接送。",
        tags: &["健康体检", "老年人"],
        quantity: Some((100, 300)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "高血压糖尿病患者随访管理",
        description: "{org}对辖区确诊的高血压、糖尿病患者建档，每季度随访一次，指导按时服药、\
            控制饮食，对血糖血压控制不好的及时调整方案或转诊上级医院。",
        tags: &["慢病管理", "随访", "高血压"],
        quantity: None,
    },
    Offer {
        category: "医疗健康",
        kinds: &["社会组织", "医疗卫生"],
        title: "心理咨询师驻点开展心理疏导",
        description: "{org}每周三下午派国家二级心理咨询师到社区驻点，面向考生家长、失独家庭、\
            长期照护者等提供一对一倾听和疏导，严格保密，可电话预约或现场登记。",
        tags: &["心理疏导", "心理咨询"],
        quantity: Some((4, 8)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生", "志愿服务队"],
        title: "心肺复苏和AED应急救护培训",
        description: "由红十字会持证导师授课，教心肺复苏、AED使用、海姆立克急救和外伤止血包扎，\
            每期4小时，用模拟人实操，考核合格可领取救护员证，每期限30人。",
        tags: &["急救培训", "心肺复苏", "AED"],
        quantity: Some((20, 30)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["企业", "金融"],
        title: "捐赠安装自动体外除颤器",
        description: "{org}可出资为人流密集的社区广场、党群服务中心捐赠安装AED自动体外除颤器一至两\
            台，含设备箱、标识和三年维保，并配套培训一批会用的人员。",
        tags: &["AED", "除颤仪", "急救设备"],
        quantity: Some((1, 2)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "中医针灸推拿进社区",
        description: "{org}中医医师每月两次到社区开展中医理疗，提供针灸、拔罐、艾灸、\
            推拿和体质辨识，主要面向腰腿痛、颈椎病患者，耗材免费，每次约接诊40人。",
        tags: &["中医理疗", "针灸推拿"],
        quantity: Some((30, 40)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "适龄妇女“两癌”免费筛查",
        description: "面向35至64岁妇女开展宫颈癌、乳腺癌免费筛查，\
            社区统一报名后分批到{org}妇科检查，结果异常的由专人电话通知并安排复查。",
        tags: &["两癌筛查", "妇女健康"],
        quantity: Some((50, 200)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "儿童口腔检查和免费涂氟",
        description: "口腔科医生到社区或学校为3至12岁儿童检查牙齿、免费涂氟，\
            对六龄齿做窝沟封闭评估，同时给家长讲正确刷牙方法，一次可检查100名左右儿童。",
        tags: &["口腔健康", "涂氟", "儿童"],
        quantity: Some((60, 100)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生", "企业"],
        title: "老年人白内障眼病筛查",
        description: "{org}联合眼科医生带裂隙灯和验光设备到社区，为60岁以上老人免费查视力、\
            眼压和晶状体，对符合条件的白内障患者协助申请复明手术补助。",
        tags: &["眼科筛查", "白内障"],
        quantity: Some((50, 120)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "孕产妇和新手爸妈健康课堂",
        description: "妇产科和儿保科医生每月一次到社区讲孕期营养、产后恢复、母乳喂养、\
            新生儿护理和疫苗接种时间表，课后可单独咨询，准爸爸也欢迎参加。",
        tags: &["孕产期保健", "育儿指导"],
        quantity: Some((20, 40)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "流感和肺炎疫苗集中接种",
        description: "每年9月至11月，{org}开放流感疫苗和肺炎疫苗预约，\
            社区可统一组织60岁以上老人集中接种，医护人员可到社区现场讲解接种注意事项。",
        tags: &["疫苗接种", "流感"],
        quantity: Some((50, 200)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生"],
        title: "中风骨折术后居家康复指导",
        description: "{org}康复治疗师可上门评估中风、骨折术后居民的肢体功能，\
            制定居家康复训练计划并手把手教家属操作，每位患者连续指导四周。",
        tags: &["康复训练", "居家康复", "中风"],
        quantity: Some((5, 15)),
    },
    Offer {
        category: "医疗健康",
        kinds: &["医疗卫生", "企业"],
        title: "营养师讲老年人合理膳食",
        description: "注册营养师到社区讲“少盐少油”“三高人群怎么吃”，现场教居民看食品标签、\
            用控盐勺，活动后可为报名居民做简单的膳食评估，每场约一个半小时。",
        tags: &["合理膳食", "健康讲座"],
        quantity: Some((30, 60)),
    },
    // 法律服务
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "律师每周驻社区坐班答疑",
        description: "{org}安排执业律师或法律工作者每周二14:30—17:30在社区党群服务中心坐班，\
            免费解答婚姻家庭、房屋买卖、劳动用工、借贷纠纷等问题，也可在社区法律顾问微信群留言。",
        tags: &["法律咨询", "社区法律顾问"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "法律援助申请全程代办",
        description: "对低保、特困、残疾人、农民工等经济困难群众，{org}可在社区帮助申请法律援助、\
            代为准备材料，符合条件的由法律援助中心免费指派律师代理诉讼或仲裁。",
        tags: &["法律援助", "免费代理"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "人民调解员化解物业纠纷",
        description: "{org}派专职人民调解员进小区，针对物业收费、停车管理、公共维修资金使用等矛盾，\
            组织业主、物业、社区三方坐下来谈，调解成功可申请司法确认。",
        tags: &["人民调解", "物业纠纷"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务", "党政机关"],
        title: "农民工讨薪维权指导",
        description: "春节前后在工地和社区设点，教农民工收集考勤、转账记录等证据，\
            帮忙向劳动监察投诉或申请仲裁，对欠薪金额较大的案件直接提供法律援助。",
        tags: &["讨薪", "劳动争议", "农民工"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "婚姻家庭与继承法律咨询",
        description: "{org}每月派熟悉婚姻家事的律师到社区，专门解答离婚财产分割、抚养权、赡养老人、\
            房产继承等问题，可预约一对一咨询，每人约30分钟。",
        tags: &["婚姻家事", "继承", "赡养"],
        quantity: Some((8, 12)),
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "遗嘱公证上门办理",
        description: "对年满70岁或卧床、行动不便的老人，{org}可协调公证员上门办理遗嘱公证，\
            全程录像、两名公证员在场，老人只需准备身份证、户口本和房产证件。",
        tags: &["遗嘱公证", "上门服务"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["党政机关", "法律服务"],
        title: "民法典宣讲进社区",
        description: "结合居民身边案例，讲民法典里的居住权、高空抛物、离婚冷静期、遗嘱形式等规定，\
            每场一个半小时，可配合社区“法律明白人”培养计划连续开课。",
        tags: &["民法典", "普法"],
        quantity: Some((50, 100)),
    },
    Offer {
        category: "法律服务",
        kinds: &["党政机关"],
        title: "揭穿保健品和“以房养老”骗局",
        description: "{org}党员干部联合派出所民警，以真实案件为例，讲虚假保健品推销、“以房养老”、\
            养老公寓预售、收藏品投资等针对老年人的骗局，并教老人遇事先打110核实。",
        tags: &["养老诈骗", "老年人", "防骗"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["党政机关"],
        title: "法治副校长进校园进社区",
        description: "{org}协调担任学校法治副校长的法官、检察官到社区“四点半课堂”\
            或暑期班讲校园欺凌、网络安全、未成年人保护，每学期两次，采用模拟法庭形式。",
        tags: &["未成年人保护", "法治教育"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "小微商户合同免费审查",
        description: "为{street}街道沿街个体工商户、小微企业免费审查门面租赁、加盟、用工等合同，\
            指出风险条款，提供范本，每月集中受理一次，也可把合同拍照发给律师。",
        tags: &["合同审查", "个体工商户"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务", "社会组织"],
        title: "反家暴咨询和人身安全保护令协助",
        description: "为遭受家庭暴力的妇女、老人、儿童提供保密咨询，协助固定证据、\
            申请人身安全保护令，必要时联系庇护场所，24小时热线由{org}专人值守。",
        tags: &["反家暴", "保护令", "妇女权益"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "成立业委会的程序指导",
        description: "对准备成立业主委员会的小区，{org}可全程指导筹备组组建、业主大会议事规则起草、\
            投票表决程序和备案材料，避免因程序瑕疵被撤销。",
        tags: &["业委会", "业主大会"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["法律服务"],
        title: "邻里漏水噪音纠纷上门调解",
        description: "{org}调解员或律师接到社区转来的邻里纠纷后三个工作日内上门，先查看现场、\
            听双方说法，必要时请专业机构鉴定漏水原因，尽量当面达成调解协议。",
        tags: &["邻里纠纷", "调解"],
        quantity: None,
    },
    Offer {
        category: "法律服务",
        kinds: &["党政机关"],
        title: "安置帮教对象法治教育与帮扶",
        description: "由司法所牵头，对社区矫正对象和刑满释放人员开展法治教育、心理评估，\
            并联合人社部门推荐就业岗位，社区可提出需要重点帮扶的人员名单。",
        tags: &["安置帮教", "社区矫正"],
        quantity: None,
    },
    // 教育培训
    Offer {
        category: "教育培训",
        kinds: &["教育", "志愿服务队"],
        title: "四点半课堂作业辅导",
        description: "周一至周五16:30—18:30，{org}组织教师和师范生志愿者在社区活动室辅导小学生写作\
            业、读课外书，家长下班后接回，每班不超过25人，需提前在社区报名。",
        tags: &["四点半课堂", "作业辅导"],
        quantity: Some((15, 25)),
    },
    Offer {
        category: "教育培训",
        kinds: &["教育", "社会组织"],
        title: "暑期公益托管班",
        description: "暑假七、八月间，{org}在社区开设为期五周的公益托管班，上午写作业、\
            下午开展书法、体育、科学实验，提供午餐和午休，优先双职工和困难家庭孩子。",
        tags: &["暑期托管", "课后服务"],
        quantity: Some((30, 60)),
    },
    Offer {
        category: "教育培训",
        kinds: &["教育", "志愿服务队"],
        title: "大学生志愿者一对一学业帮扶",
        description: "组织在校大学生对学业困难的中小学生进行一对一辅导，科目以数学、英语为主，\
            每周两次、每次两小时，可在社区或学生家中进行，在家辅导时家长需在场。",
        tags: &["学业辅导", "一对一"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "教育培训",
        kinds: &["教育", "社会组织"],
        title: "家庭教育指导讲座",
        description: "由{org}心理教师和家庭教育指导师主讲，内容包括青春期沟通、手机使用管理、\
            隔代教育等，讲座后留出时间答疑，可按社区需求连续开设系列课程。",
        tags: &["家庭教育", "亲子沟通"],
        quantity: Some((30, 80)),
    },
    Offer {
        category: "教育培训",
        kinds: &["教育", "文化体育"],
        title: "老年大学课程开到社区",
        description: "{org}联合区老年大学，把书法、国画、声乐、摄影等热门课程开到社区，每周一次，\
            每门课程一学期十六次，学员报名免费，教材费自理，社区提供教室即可。",
        tags: &["老年大学", "终身学习"],
        quantity: Some((20, 40)),
    },
    Offer {
        category: "教育培训",
        kinds: &["金融"],
        title: "金融知识普及和防范非法集资",
        description: "{org}员工进社区讲存款保险、理财产品风险等级、非法集资常见套路，\
            教老人辨认假币、识破“高息养老”理财，每场赠送宣传折页和小礼品。",
        tags: &["金融知识", "非法集资"],
        quantity: None,
    },
    Offer {
        category: "教育培训",
        kinds: &["党政机关", "社会组织"],
        title: "网格员和楼栋长业务培训",
        description: "{org}为新任网格员、楼栋长开设培训，讲基础信息采集、矛盾纠纷排查、\
            入户走访技巧和常用政策，一期两天，结合案例和模拟演练，结束后发放工作手册。",
        tags: &["网格员培训", "楼栋长"],
        quantity: Some((30, 60)),
    },
    Offer {
        category: "教育培训",
        kinds: &["党政机关"],
        title: "机关党员领导干部送党课进社区",
        description: "{org}党员领导干部可按社区党组织需要，围绕党的创新理论、党史、\
            基层治理等主题送课上门，每次一个半小时，形式可选讲授、研讨或现场教学。",
        tags: &["送党课", "理论学习", "党员教育"],
        quantity: None,
    },
    Offer {
        category: "教育培训",
        kinds: &["教育", "文化体育"],
        title: "科普实验进社区",
        description: "{org}科技辅导员带着实验器材进社区，开展水火箭、简易电路、\
            显微镜观察等动手实验，每期适合8至12岁孩子，周末上午开课，每场限40人。",
        tags: &["科普", "科学实验", "青少年"],
        quantity: Some((30, 40)),
    },
    Offer {
        category: "教育培训",
        kinds: &["企业", "教育"],
        title: "少儿编程与机器人兴趣课",
        description: "{org}的技术骨干志愿者利用周末为社区孩子开设图形化编程和乐高机器人入门课，\
            电脑和器材由单位提供，每期八次课，结业时办一次作品展示。",
        tags: &["编程", "机器人", "兴趣课"],
        quantity: Some((15, 20)),
    },
    Offer {
        category: "教育培训",
        kinds: &["教育", "社会组织"],
        title: "特殊儿童融合教育指导",
        description: "{org}联合特教学校老师，为自闭症、智力障碍儿童家庭提供上门评估和家庭训练指导，\
            每月组织一次家长互助小组，帮助孩子逐步融入普通学校和社区生活。",
        tags: &["特殊儿童", "融合教育", "家长支持"],
        quantity: Some((5, 15)),
    },
    Offer {
        category: "教育培训",
        kinds: &["党政机关"],
        title: "禁毒宣传教育进社区",
        description: "{org}与禁毒社工一起带着毒品仿真样品和展板进社区，讲新型毒品伪装成奶茶、\
            糖果的情况，配合互动答题，适合青少年和家长共同参加，可与社区活动同步开展。",
        tags: &["禁毒宣传", "青少年"],
        quantity: None,
    },
    Offer {
        category: "教育培训",
        kinds: &["党政机关", "志愿服务队"],
        title: "暑假前防溺水安全教育课",
        description: "每年暑假前，{org}到社区和学校讲防溺水“六不”要求，演示岸上施救方法，\
            带孩子认识辖区危险水域，并给家长发放安全告知书。",
        tags: &["防溺水", "暑期安全"],
        quantity: None,
    },
    Offer {
        category: "教育培训",
        kinds: &["党政机关"],
        title: "医保社保新政策宣讲解读",
        description: "{org}党员业务骨干联合医保、社保经办人员到社区解读城乡居民医保缴费、\
            灵活就业人员参保、养老金领取资格认证等政策，现场教居民用手机办理，\
            每场后设一小时答疑。",
        tags: &["政策宣讲", "医保", "社保"],
        quantity: None,
    },
    // 文化体育
    Offer {
        category: "文化体育",
        kinds: &["文化体育"],
        title: "花灯滇剧文艺演出进社区",
        description: "{org}每季度组织演员到社区演出一场，节目有花灯小戏、滇剧折子戏、\
            民族歌舞和小品，时长约一个半小时，社区只需提供场地和电源，舞台音响自带。",
        tags: &["文艺演出", "花灯", "滇剧"],
        quantity: None,
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "社会组织"],
        title: "广场舞健身操专业老师指导",
        description: "{org}每周两次派舞蹈老师到社区广场，教规范的健身操和民族舞，\
            帮助广场舞队编排参赛节目，并提醒队员控制音量、避开居民休息时间。",
        tags: &["广场舞", "健身操"],
        quantity: None,
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育"],
        title: "流动图书车每月送书上门",
        description: "{org}协调流动图书车每月第一个周四到社区停靠半天，可现场借还图书、办理借阅证，\
            还能按社区书屋需求每季度轮换200册图书。",
        tags: &["流动图书", "借阅", "社区书屋"],
        quantity: Some((100, 200)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "社会组织"],
        title: "书法家现场写春联送福字",
        description: "春节前，{org}组织书法家到社区现场写春联、福字，居民可以说出想要的吉祥话，\
            当场书写赠送，同时可安排一场书法讲座。",
        tags: &["写春联", "书法"],
        quantity: Some((200, 500)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "教育"],
        title: "少儿足球篮球公益训练营",
        description: "{org}持证教练每周六上午在社区周边场地开设少儿足球和篮球训练，\
            面向6至12岁孩子，免费提供球和训练背心，每期十二次课。",
        tags: &["少儿体育", "足球", "篮球"],
        quantity: Some((20, 40)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "社会组织"],
        title: "太极拳八段锦晨练教学",
        description: "每周一、三、五早上7:30—8:30，{org}的社会体育指导员在社区广场教二十四式太极拳\
            和八段锦，适合中老年人，不需要任何基础。",
        tags: &["太极拳", "八段锦", "晨练"],
        quantity: Some((20, 50)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "社会组织"],
        title: "非遗扎染刺绣体验课",
        description: "{org}邀请白族扎染、彝族刺绣传承人进社区，手把手教居民制作扎染方巾和刺绣小件，\
            材料全部提供，每期约三小时，适合亲子和妇女参加。",
        tags: &["非遗", "扎染", "手工"],
        quantity: Some((20, 30)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育"],
        title: "夏季露天电影免费放映",
        description: "六月至九月，{org}联合电影放映队每月到社区放映两场露天电影，\
            有新片也有经典老片，映前可插播社区通知和安全宣传片，社区提供场地和电源。",
        tags: &["露天电影", "公益放映"],
        quantity: None,
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "社会组织"],
        title: "摄影志愿者给老人拍全家福",
        description: "{org}摄影志愿者带着影棚设备到社区，为金婚老人拍婚纱照、为困难家庭拍全家福，\
            照片修好后冲印装框，两周内送到家。",
        tags: &["全家福", "摄影", "金婚"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育"],
        title: "专业指挥辅导社区合唱队",
        description: "{org}每周派专业指挥和声乐老师到社区指导合唱队排练一次，帮助选曲、分声部、\
            练发声，可为“七一”“国庆”合唱比赛做专门辅导。",
        tags: &["合唱", "声乐指导"],
        quantity: None,
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "党政机关"],
        title: "民族团结文化交流活动",
        description: "结合火把节、三月三、泼水节等节日，{org}组织各民族群众到社区表演民族歌舞、\
            展示民族服饰和美食，促进各族居民相识相知。",
        tags: &["民族团结", "民族节日"],
        quantity: None,
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育"],
        title: "全民健身赛事组织和裁判支持",
        description: "{org}可帮助社区策划趣味运动会、乒乓球赛、象棋赛，派出持证裁判和计分人员，\
            提供号码布、奖牌和比赛规程。",
        tags: &["运动会", "裁判", "赛事组织"],
        quantity: Some((3, 10)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育"],
        title: "社区文艺骨干培训班",
        description: "{org}面向社区文艺队长、活动积极分子开设培训，讲节目编排、舞台调度、\
            活动主持和短视频拍摄，一期四个半天，结业后颁发证书。",
        tags: &["文艺骨干", "培训"],
        quantity: Some((20, 40)),
    },
    Offer {
        category: "文化体育",
        kinds: &["文化体育", "社会组织"],
        title: "象棋围棋进社区活动",
        description: "{org}每月在社区举办一次棋类交流，老少同场对弈，请棋艺高手讲残局，\
            另设少儿围棋启蒙班，棋具由主办方提供。",
        tags: &["象棋", "围棋"],
        quantity: Some((20, 40)),
    },
    // 养老助残
    Offer {
        category: "养老助残",
        kinds: &["企业", "社会组织"],
        title: "长者饭堂送餐上门",
        description: "{org}与长者饭堂合作，每天为{street}街道高龄、独居老人配送午餐，两荤一素一汤，\
            软烂少盐，每餐老人自付十元左右，不能下楼的由送餐员送到家门口。",
        tags: &["长者饭堂", "送餐上门", "助餐"],
        quantity: Some((30, 120)),
    },
    Offer {
        category: "养老助残",
        kinds: &["党政机关", "企业", "教育"],
        title: "单位食堂错峰开放给老人就餐",
        description: "每天11:00—11:30职工就餐前，{org}食堂向周边60岁以上老人开放，\
            凭老年证按成本价打饭，菜品与职工相同，每天限约50人。",
        tags: &["老年助餐", "食堂开放"],
        quantity: Some((30, 50)),
    },
    Offer {
        category: "养老助残",
        kinds: &["企业", "社会组织"],
        title: "居家适老化改造",
        description: "{org}联合专业施工队上门评估，为高龄、失能老人家中安装卫生间扶手、防滑地砖、\
            感应夜灯、淋浴椅等，困难老人可申请政府补贴，自付部分最低可到零。",
        tags: &["适老化改造", "防跌倒"],
        quantity: Some((10, 40)),
    },
    Offer {
        category: "养老助残",
        kinds: &["社会组织", "企业"],
        title: "失能老人上门助浴",
        description: "{org}引进的助浴车配备折叠浴缸和热水设备，由两名护理员上门为卧床、\
            失能老人洗澡、洗头、剪指甲，每次约一小时，先上门评估身体状况再预约。",
        tags: &["上门助浴", "失能老人"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "养老助残",
        kinds: &["企业", "金融"],
        title: "独居老人智能呼叫手环",
        description: "{org}出资为独居、空巢老人配发带一键呼叫和跌倒报警的智能手环，\
            接入24小时值守平台，老人按键后由话务员联系家属和社区，必要时呼叫120。",
        tags: &["一键呼叫", "智能手环", "独居老人"],
        quantity: Some((20, 100)),
    },
    Offer {
        category: "养老助残",
        kinds: &["社会组织", "医疗卫生"],
        title: "轮椅助行器等辅具免费借用",
        description: "{org}辅具租借点有轮椅、助行器、坐便椅、护理床等，\
            残疾人和术后康复居民凭证明可免费借用三个月，到期可续借，社区也可集中代借。",
        tags: &["辅具借用", "轮椅"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "养老助残",
        kinds: &["社会组织"],
        title: "残疾人日间照料与托养",
        description: "{org}联合辖区“残疾人之家”，为16至59岁智力、精神残疾人提供工作日日间照料，\
            开展生活自理训练、手工劳动和康复游戏，提供午餐，早送晚接，家属可以放心上班。",
        tags: &["日间照料", "托养", "智力残疾"],
        quantity: Some((10, 25)),
    },
    Offer {
        category: "养老助残",
        kinds: &["医疗卫生", "社会组织"],
        title: "家庭照护者护理技能培训",
        description: "{org}请专业护士教照顾卧床老人的家属怎么翻身拍背、预防褥疮、鼻饲喂食、\
            安全转移，每期三个半天，理论加实操，结业发照护技能证书。",
        tags: &["照护培训", "卧床老人"],
        quantity: Some((15, 30)),
    },
    Offer {
        category: "养老助残",
        kinds: &["志愿服务队", "企业", "物业"],
        title: "为老人代购代办跑腿",
        description: "老人打电话或在楼栋群里说一声，{org}的志愿者就帮忙代买药品和菜、\
            代缴水电燃气费、代取快递，一般两小时内办好，全程免费。",
        tags: &["代购代办", "跑腿", "高龄老人"],
        quantity: None,
    },
    Offer {
        category: "养老助残",
        kinds: &["社会组织", "医疗卫生"],
        title: "认知症老人防走失服务",
        description: "{org}为患认知症的老人免费发放带定位和联系方式的防走失手环或衣物标签，\
            开展认知功能筛查，并培训社区、保安识别和帮助走失老人。",
        tags: &["防走失", "认知症", "阿尔茨海默病"],
        quantity: Some((10, 50)),
    },
    Offer {
        category: "养老助残",
        kinds: &["社会组织", "企业"],
        title: "养老机构短期托养喘息服务",
        description: "{org}与辖区养老机构合作，照顾失能老人的家属需要休息或外出时，\
            可送老人短期托养七至三十天，费用按日计，低保、特困家庭每年可享受一次免费。",
        tags: &["喘息服务", "短期托养"],
        quantity: Some((2, 6)),
    },
    Offer {
        category: "养老助残",
        kinds: &["党政机关", "金融", "企业"],
        title: "重阳节走访慰问高龄老人",
        description: "重阳节前后，{org}党员带着慰问金和牛奶、米油到社区，看望八十岁以上和百岁老人，\
            陪老人过节、拉家常，为高龄老人送上生日蛋糕。",
        tags: &["重阳节", "敬老慰问"],
        quantity: Some((20, 60)),
    },
    Offer {
        category: "养老助残",
        kinds: &["企业", "物业"],
        title: "单元门无障碍坡道和扶手改造",
        description: "{org}可为小区单元门口、社区服务站入口修建无障碍坡道、安装扶手和防滑条，\
            施工前免费设计，一般一个单元门一至两天完工。",
        tags: &["无障碍", "坡道"],
        quantity: Some((2, 10)),
    },
    Offer {
        category: "养老助残",
        kinds: &["社会组织"],
        title: "盲人按摩师进社区服务",
        description: "{org}组织持证盲人按摩师定期到社区为老人提供保健按摩，价格远低于市场价，\
            既方便老人，也为视障人士增加收入，每周可安排一个半天。",
        tags: &["盲人按摩", "助残"],
        quantity: Some((10, 20)),
    },
    // 就业创业
    Offer {
        category: "就业创业",
        kinds: &["企业", "物业"],
        title: "就近招用保洁保安等岗位",
        description: "{org}长期招收保洁员、保安员、绿化工、餐厅帮工，\
            优先录用{street}街道辖区的大龄失业人员，缴纳社保，工作地点离家近，可到社区报名推荐。",
        tags: &["就近就业", "保洁保安", "大龄失业"],
        quantity: Some((5, 20)),
    },
    Offer {
        category: "就业创业",
        kinds: &["社会组织", "企业"],
        title: "家政育婴员免费技能培训",
        description: "{org}联合职业培训学校开设家政服务员、育婴员、养老护理员免费培训班，每期15天，\
            结业参加技能鉴定，合格后推荐上岗，培训期间有误工补贴。",
        tags: &["家政培训", "育婴员", "技能鉴定"],
        quantity: Some((20, 40)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业", "金融", "党政机关"],
        title: "高校毕业生就业见习岗位",
        description: "{org}每年提供行政、财务、营销等见习岗位，面向离校两年内未就业的高校毕业生，\
            见习期三到六个月，发放见习补贴，表现优秀的可直接留用。",
        tags: &["就业见习", "高校毕业生"],
        quantity: Some((3, 10)),
    },
    Offer {
        category: "就业创业",
        kinds: &["金融"],
        title: "创业担保贷款政策解读和办理",
        description: "{org}工作人员到社区讲解个人创业担保贷款政策，符合条件的最高可贷三十万元、\
            财政贴息，现场初审材料，帮助填写申请表，缩短办理时间。",
        tags: &["创业贷款", "贴息"],
        quantity: None,
    },
    Offer {
        category: "就业创业",
        kinds: &["企业", "社会组织"],
        title: "电商直播带货培训",
        description: "{org}邀请电商讲师教居民和农户用手机开网店、拍短视频、做直播，结合斗南鲜花、\
            高原蔬菜等本地特产讲选品和售后，每期五天，结业后可入驻合作直播间。",
        tags: &["电商培训", "直播带货"],
        quantity: Some((20, 50)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业", "社会组织"],
        title: "残疾人辅助性就业岗位",
        description: "{org}设置手工包装、简单组装、客服接线等适合残疾人的岗位，按工作量计酬，\
            提供上下班接送和无障碍工位，社区可推荐有劳动能力的残疾人。",
        tags: &["残疾人就业", "辅助性就业"],
        quantity: Some((5, 15)),
    },
    Offer {
        category: "就业创业",
        kinds: &["党政机关", "企业"],
        title: "招聘会开到社区门口",
        description: "{org}每季度联合辖区用人单位到社区办一场小型招聘会，岗位涵盖餐饮、零售、物流、\
            保洁等，现场面试，社区可提前收集求职人员信息做针对性匹配。",
        tags: &["招聘会", "家门口就业"],
        quantity: Some((50, 200)),
    },
    Offer {
        category: "就业创业",
        kinds: &["党政机关"],
        title: "公益性岗位托底安置",
        description: "{org}为就业困难人员开发公益性岗位，如社区协管、环境巡查、公共设施看护等，\
            按规定给予岗位补贴和社保补贴，由社区推荐、人社部门审核。",
        tags: &["公益性岗位", "就业困难人员"],
        quantity: Some((2, 8)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业"],
        title: "电工焊工持证技能培训",
        description: "{org}联合职业培训机构开设低压电工、焊工、叉车司机等特种作业培训，\
            考证通过率高，对持就业创业证的人员免培训费，每月开班，可在社区集中报名。",
        tags: &["技能培训", "特种作业", "考证"],
        quantity: Some((20, 40)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业", "金融"],
        title: "简历修改和模拟面试",
        description: "由{org}人力资源主管和外请就业指导老师为求职青年一对一改简历、做模拟面试，\
            讲清楚不同行业的面试要点，每月一期，每期限20人。",
        tags: &["求职指导", "模拟面试"],
        quantity: Some((10, 20)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业"],
        title: "创业孵化基地免费工位",
        description: "{org}利用自有办公楼设立孵化空间，为返乡青年、大学生创业者提供一年免费工位、\
            注册地址和代理记账服务，定期组织创业导师辅导和项目路演。",
        tags: &["创业孵化", "免费工位"],
        quantity: Some((5, 15)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业", "社会组织"],
        title: "米线饵块等小吃制作培训",
        description: "{org}请来烹饪老师和餐饮师傅教米线、饵块、包子、馒头等小吃制作和厨房卫生规范，\
            学成后可开早点摊或进餐饮企业，每期二十天，免学费。",
        tags: &["厨师培训", "面点小吃"],
        quantity: Some((15, 30)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业"],
        title: "骑手招募与灵活就业权益讲座",
        description: "{org}联合外卖、快递站点为居民推荐全职和兼职骑手岗位，门槛低、时间灵活，\
            上岗前讲解交通安全、意外保险和工伤认定，帮助灵活就业人员了解自身权益。",
        tags: &["灵活就业", "骑手", "权益保障"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "就业创业",
        kinds: &["企业", "社会组织"],
        title: "刑满释放人员过渡性就业",
        description: "{org}愿意为刑满释放、社区矫正解除人员提供仓储、搬运、绿化等过渡性岗位，\
            签订劳动合同，由社区和司法所共同跟踪帮扶半年。",
        tags: &["过渡性就业", "安置帮教"],
        quantity: Some((2, 5)),
    },
    // 物资捐赠
    Offer {
        category: "物资捐赠",
        kinds: &["企业", "金融", "党政机关"],
        title: "爱心超市捐赠米面油",
        description: "{org}每季度向社区爱心超市捐赠大米、面条、食用油、洗衣粉等生活用品，\
            困难群众凭积分兑换，捐赠清单和发放情况在社区公示。",
        tags: &["爱心超市", "米面油"],
        quantity: Some((50, 200)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["企业", "社会组织"],
        title: "冬季棉被棉衣捐赠",
        description: "入冬前，{org}发动员工捐赠八成新以上的冬衣，\
            消毒整理后连同新购的棉被一起送到社区，发放给低保户、独居老人和外来务工困难家庭。",
        tags: &["棉被", "冬衣", "过冬"],
        quantity: Some((50, 150)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["金融", "企业", "党政机关"],
        title: "开学季书包文具爱心捐赠",
        description: "每年开学前，{org}为困难家庭、留守儿童捐赠新书包、文具套装和课外读物，\
            可按年级准备，由社区核实名单后统一发放。",
        tags: &["书包文具", "开学", "困难学生"],
        quantity: Some((20, 60)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["企业", "医疗卫生"],
        title: "防护口罩和消毒用品",
        description: "{org}可向社区捐赠医用口罩、手套、消毒液、额温枪等防护物资，供网格员、\
            楼栋长和社区工作人员入户、值守时使用，可根据需要分批配送。",
        tags: &["防护物资", "消毒用品"],
        quantity: Some((500, 2000)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["金融", "企业", "党政机关"],
        title: "淘汰电脑打印机捐给社区",
        description: "{org}每年更新办公设备，淘汰的台式电脑、笔记本、\
            打印机经格式化和检修后可捐给社区，用于党群服务站、儿童电脑室等，\
            数量视当年更换情况而定。",
        tags: &["电脑捐赠", "办公设备"],
        quantity: Some((3, 10)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["教育", "金融", "企业"],
        title: "捐赠图书充实社区书屋",
        description: "{org}发起“一人捐一本好书”活动，集中整理少儿绘本、科普读物、\
            养生保健和文学类图书，送到社区书屋并帮忙分类上架。",
        tags: &["图书捐赠", "社区书屋"],
        quantity: Some((200, 800)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["金融", "企业"],
        title: "困难学生助学金资助",
        description: "{org}每年设立助学金，资助辖区考上大学的低保、特困家庭学生，\
            每人一次性资助三千至五千元，社区推荐、单位审核，九月前发放到位。",
        tags: &["助学金", "困难学生"],
        quantity: Some((3, 10)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["企业"],
        title: "新鲜蔬菜水果爱心直供",
        description: "{org}联系合作种植基地，每周从地里直接采摘青菜、土豆、时令水果送到社区，\
            分装后发给困难群众和一线值守人员，遇到突发事件可加大供应量。",
        tags: &["爱心蔬菜", "农产品"],
        quantity: Some((100, 500)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["企业", "金融"],
        title: "灭火器和家庭应急包捐赠",
        description: "{org}为老旧小区楼道配备干粉灭火器，为独居老人、残疾人家庭配发含手电、哨子、\
            急救药品的家庭应急包，并教会使用。",
        tags: &["灭火器", "应急包", "消防"],
        quantity: Some((30, 100)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["企业", "医疗卫生"],
        title: "助听器老花镜爱心捐赠",
        description: "{org}联合验配机构到社区为老人免费测听力、验视力，\
            对听力下降的困难老人捐赠助听器，为有需要的老人配送老花镜。",
        tags: &["助听器", "老花镜"],
        quantity: Some((20, 80)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["党政机关", "金融", "企业"],
        title: "春节中秋节日慰问品",
        description: "春节、中秋前，{org}为社区困难党员、老党员、低保户准备大米、食用油、\
            月饼等慰问品，由单位党员和社区干部一起入户发放。",
        tags: &["节日慰问", "慰问品"],
        quantity: Some((20, 60)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["企业", "党政机关"],
        title: "雨衣雨靴等防汛物资",
        description: "{org}可捐赠雨衣、雨靴、强光手电、编织袋、抽水泵等防汛物资，\
            供社区防汛小分队在雨季使用，汛前统一配送到位。",
        tags: &["防汛物资", "雨具"],
        quantity: Some((20, 50)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["党政机关", "金融", "企业"],
        title: "闲置办公桌椅文件柜捐赠",
        description: "{org}办公室调整后有一批八成新的办公桌椅、文件柜、会议桌，\
            可以捐赠给新建的党群服务站、网格工作站使用，受赠方自行清运。",
        tags: &["办公家具", "桌椅"],
        quantity: Some((5, 30)),
    },
    Offer {
        category: "物资捐赠",
        kinds: &["企业", "社会组织"],
        title: "母婴用品和奶粉捐赠",
        description: "{org}向社区困难家庭捐赠婴幼儿奶粉、纸尿裤、婴儿衣物，\
            重点关注单亲妈妈和残疾人家庭，按孩子月龄配送。",
        tags: &["母婴用品", "奶粉"],
        quantity: Some((10, 40)),
    },
    // 环境治理
    Offer {
        category: "环境治理",
        kinds: &["企业", "志愿服务队", "社会组织"],
        title: "垃圾分类宣传和桶边督导",
        description: "{org}派督导员在早晚投放高峰时段到小区垃圾桶旁，手把手教居民分清厨余、可回收、\
            有害和其他垃圾，配合开展积分兑换，连续督导一个月。",
        tags: &["垃圾分类", "桶边督导"],
        quantity: Some((2, 6)),
    },
    Offer {
        category: "环境治理",
        kinds: &["企业", "党政机关"],
        title: "环卫力量支援卫生死角清理",
        description: "{org}可协调清扫车、洒水车和环卫工，集中清理背街小巷、\
            城中村卫生死角和积存垃圾，每月安排一次，社区提前报清理点位。",
        tags: &["环境卫生", "卫生死角"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["企业", "物业"],
        title: "小区树木修剪和绿化养护",
        description: "{org}联系园林队伍带高空作业车上门修剪遮挡采光、碰触电线的高大树木，\
            补种草皮和灌木，修剪下的枝叶当天清运，居民提出需求后一周内安排。",
        tags: &["树木修剪", "绿化养护"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["物业", "志愿服务队", "企业"],
        title: "楼道小广告清理和墙面粉刷",
        description: "{org}组织志愿者用专业清洗剂铲除楼道、电箱上的小广告，\
            对污损严重的墙面重新粉刷，涂料和工具由单位提供，一次可完成两三栋楼。",
        tags: &["牛皮癣", "楼道整治", "粉刷"],
        quantity: Some((2, 3)),
    },
    Offer {
        category: "环境治理",
        kinds: &["企业", "物业"],
        title: "下水管网疏通和化粪池清掏",
        description: "{org}可协调管道疏通车和吸污车，对老旧小区堵塞的下水管、化粪池进行疏通清掏，\
            并用管道机器人排查破损点，汛前为社区免费做一次全面检查。",
        tags: &["管道疏通", "化粪池"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["志愿服务队", "党政机关", "企业"],
        title: "入滇河道沟渠巡查护河",
        description: "{org}组建护河志愿队，每周巡查{street}街道辖区入滇河道和沟渠，捡拾漂浮垃圾，\
            劝阻倾倒污水，发现排污口异常即时报告河长。",
        tags: &["护河", "滇池保护", "巡河"],
        quantity: Some((10, 30)),
    },
    Offer {
        category: "环境治理",
        kinds: &["企业"],
        title: "通信线缆“蜘蛛网”规整",
        description: "{org}协调各家通信运营商对老旧小区楼体外墙上杂乱的通信线缆进行清理，\
            拆除废弃线、捆扎规整在用线，施工期间不影响居民正常上网。",
        tags: &["线缆整治", "飞线"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["医疗卫生", "企业"],
        title: "灭鼠灭蟑病媒防制",
        description: "{org}联合专业消杀队伍为老旧小区、农贸市场周边投放灭鼠毒饵站、灭蟑胶饵，\
            对垃圾房、化粪池周边喷药消杀，每季度一次，不影响居民正常生活。",
        tags: &["病媒防制", "灭鼠", "消杀"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["党政机关", "企业"],
        title: "餐饮油烟和夜间噪声检测",
        description: "{org}可联合环境监测机构到居民反映强烈的烧烤摊、\
            餐馆周边检测油烟浓度和夜间噪声，出具检测数据，督促商户安装净化设备、调整营业时间。",
        tags: &["油烟", "噪声", "检测"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["企业", "物业"],
        title: "装修垃圾和大件垃圾清运",
        description: "{org}提供装修垃圾和大件垃圾预约清运，社区集中收集后由车辆统一拉走，\
            困难家庭和老人搬家产生的旧家具可免费清运。",
        tags: &["建筑垃圾", "大件垃圾", "清运"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["企业", "社会组织"],
        title: "小区闲置空地微景观改造",
        description: "{org}邀请景观设计师与居民一起商量方案，把小区里杂草丛生的空地改造成小花园、\
            晾晒区或口袋公园，材料由单位捐赠，居民出工共建。",
        tags: &["微改造", "口袋公园"],
        quantity: None,
    },
    Offer {
        category: "环境治理",
        kinds: &["社会组织", "教育"],
        title: "厨余垃圾堆肥和阳台种菜",
        description: "{org}教居民用家里的果皮菜叶做酵素和堆肥，在楼顶或阳台种菜种花，\
            配套提供堆肥桶和种子，孩子和老人都能参与。",
        tags: &["厨余堆肥", "种植"],
        quantity: Some((20, 50)),
    },
    Offer {
        category: "环境治理",
        kinds: &["党政机关"],
        title: "文明养犬宣传和免费狂犬疫苗",
        description: "{org}联合动物防疫部门到社区宣讲文明养犬规定，现场免费为犬只接种狂犬疫苗、\
            登记办证，发放拾便袋和牵引绳，劝导遛狗不牵绳、狗粪不清理的行为。",
        tags: &["文明养犬", "狂犬疫苗"],
        quantity: Some((50, 150)),
    },
    Offer {
        category: "环境治理",
        kinds: &["企业", "物业"],
        title: "路灯和楼道灯检修更换",
        description: "{org}可组织电工对小区和巷道内损坏的路灯、楼道声控灯进行检修更换，\
            老旧线路同步排查隐患，社区报送故障点位后三天内处理。",
        tags: &["路灯维修", "公共照明"],
        quantity: None,
    },
];

pub struct Ask {
    /// One of the ten categories, e.g. 养老助残.
    pub category: &'static str,
    /// 6–30 characters.
    pub title: &'static str,
    /// 40–160 characters; may use {community} (full name, e.g. 金马社区).
    pub description: &'static str,
    /// 2–5 tags, each at most 8 characters.
    pub tags: &'static [&'static str],
    /// A min–max range when countable (places, people, items), None otherwise.
    pub quantity: Option<(i32, i32)>,
    /// "low" | "normal" | "high".
    pub urgency: &'static str,
}

pub static ASKS: &[Ask] = &[
    // 场地设施
    Ask {
        category: "场地设施",
        title: "社区没有像样的地方开居民议事会",
        description: "{community}党群服务站只有一间二十来平方米的办公室，\
            每月一次的居民议事会和党员大会常常挤不下，希望附近单位能在晚上或周末借一间能坐三四十\
            人的会议室。",
        tags: &["议事场所", "会议室"],
        quantity: Some((30, 40)),
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "老旧小区晚上停车位严重不足",
        description: "{community}是八十年代建的老小区，没有地下车库，晚上车辆沿路乱停，\
            消防通道经常被堵，希望周边单位在夜间开放内部停车场，缓解居民停车难。",
        tags: &["停车难", "消防通道"],
        quantity: Some((20, 50)),
        urgency: "high",
    },
    Ask {
        category: "场地设施",
        title: "放学后孩子们没有安全的运动场地",
        description: "辖区孩子多，但小区里只有窄窄的过道，孩子们只能在马路边踢球打闹，家长很担心，\
            希望附近学校或单位在假期和傍晚开放操场、球场。",
        tags: &["运动场地", "儿童安全"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "楼道里电瓶车飞线充电隐患大",
        description: "{community}不少居民把电瓶车推进楼道，从窗户拉电线下来充电，\
            去年还发生过一次冒烟，急需在小区里建一处集中充电的地方。",
        tags: &["飞线充电", "消防隐患", "电动车"],
        quantity: Some((30, 60)),
        urgency: "high",
    },
    Ask {
        category: "场地设施",
        title: "环卫工和外卖小哥没地方歇脚",
        description: "辖区主干道上环卫工人、快递员、外卖骑手多，中午只能蹲在路边吃冷饭，\
            想找几家临街单位提供能喝口热水、热热饭、避避雨的地方。",
        tags: &["户外劳动者", "休息点"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "七一表彰会缺一个两百人的场地",
        description: "七一前后街道要在{community}片区办一场政策宣讲和先进表彰，预计到场两百人左右，\
            社区活动室太小，需要借一个带音响和大屏的礼堂或报告厅。",
        tags: &["礼堂", "宣讲", "表彰"],
        quantity: Some((150, 200)),
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "防汛沙袋和救生衣没有地方放",
        description: "雨季前社区领到了一批沙袋、救生衣和应急灯，但{community}没有库房，\
            只能堆在办公室走廊，想借一处干燥、车能开到门口的仓库。",
        tags: &["防汛物资", "库房"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "中秋游园会缺桌椅帐篷和音响",
        description: "{community}准备在中秋节办邻里游园会，设猜灯谜、包月饼、文艺表演等摊位，\
            还缺十来顶遮阳棚、二三十张桌子和一套扩音设备。",
        tags: &["游园会", "桌椅", "扩音设备"],
        quantity: Some((10, 30)),
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "居民盼着小区门口有个修补摊",
        description: "附近原来的修鞋配钥匙摊被取缔后，居民改裤脚、修拉链、配钥匙都要跑很远，\
            希望有单位能提供一间小门面，引进手艺人开个便民服务点。",
        tags: &["便民维修", "门面"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "场地设施",
        title: "老楼想加装电梯不知道从哪下手",
        description: "{community}有十多栋六层无电梯住宅，住着不少腿脚不便的老人，居民加装意愿强，\
            但不清楚怎么申请补贴、怎么分摊费用，需要专业团队来指导。",
        tags: &["加装电梯", "适老", "老旧小区"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "网格员缺少固定的办公和接待点",
        description: "{community}新划分了8个网格，网格员平时只能在居民家门口登记信息，\
            下雨天更麻烦，想在小区内找一间一楼的房间作为网格工作站。",
        tags: &["网格员", "工作站"],
        quantity: Some((1, 2)),
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "菜市场附近找厕所难",
        description: "农贸市场每天早上人流量很大，周边却只有一座公厕且经常排队，\
            摊贩和买菜老人意见很大，希望沿街单位能把内部卫生间对外开放。",
        tags: &["如厕难", "农贸市场"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "场地设施",
        title: "带娃外出的妈妈找不到地方喂奶",
        description: "{community}靠近商业街，带婴儿出门的妈妈多，但附近没有母婴室，\
            只能在车里或楼梯间喂奶，希望商场、银行等单位能开放母婴室。",
        tags: &["母婴室", "哺乳"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "场地设施",
        title: "小区健身器材老化存在安全隐患",
        description: "小区广场上的健身路径是十年前安装的，扶手锈蚀、螺丝松动，\
            上个月有老人在漫步机上摔倒，希望有单位帮忙更换一批新器材。",
        tags: &["健身器材", "安全隐患"],
        quantity: Some((6, 12)),
        urgency: "high",
    },
    // 志愿服务
    Ask {
        category: "志愿服务",
        title: "夜间小区巡查人手不够",
        description: "老旧小区没有封闭式物业，晚上常有电动车电瓶被盗，\
            {community}仅靠几位退休党员轮流巡逻，年纪大、人手少，急需年轻力量加入夜间巡查。",
        tags: &["治安巡查", "防盗"],
        quantity: Some((6, 12)),
        urgency: "high",
    },
    Ask {
        category: "志愿服务",
        title: "老人接连接到诈骗电话",
        description: "近来{community}多位老人接到冒充公检法和“保健品回访”的电话，\
            有一位阿姨差点转账五万元，希望有人来给老人们讲讲怎么识别骗局。",
        tags: &["电信诈骗", "老年人"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "志愿服务",
        title: "校门口电动车不戴头盔闯红灯多",
        description: "社区门口的十字路口紧挨着小学，早晚接送孩子的电动车多，不戴头盔、闯红灯、\
            逆行的现象很普遍，想请志愿者在上下学时段劝导。",
        tags: &["电动车", "交通安全"],
        quantity: Some((4, 8)),
        urgency: "normal",
    },
    Ask {
        category: "志愿服务",
        title: "行动不便的老人理发难",
        description: "{community}有三十多位卧床或坐轮椅的老人，出门理发很困难，有的半年没剪过头发，\
            家属希望能有理发师定期上门。",
        tags: &["上门理发", "失能老人"],
        quantity: Some((20, 35)),
        urgency: "normal",
    },
    Ask {
        category: "志愿服务",
        title: "电饭锅电视坏了找不到人修",
        description: "居民家里的小家电坏了，拿到店里修价格高，丢了又可惜，老人尤其舍不得，\
            希望能定期有师傅来社区集中修一修。",
        tags: &["小家电", "维修"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "志愿服务",
        title: "邻里运动会缺现场工作人员",
        description: "{community}计划十月举办第一届邻里运动会，预计三百人参加，\
            社区工作人员只有九个，签到、引导、计分、后勤都需要志愿者帮忙。",
        tags: &["运动会", "人手不足"],
        quantity: Some((15, 25)),
        urgency: "normal",
    },
    Ask {
        category: "志愿服务",
        title: "听障居民来办事说不明白",
        description: "辖区有十多位聋哑居民，到社区办残疾人补贴、医保时只能靠写字沟通，\
            很多政策讲不清楚，希望有懂手语的人定期来帮忙。",
        tags: &["聋哑人", "沟通", "手语"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "志愿服务",
        title: "独居老人平时没人说说话",
        description: "{community}登记在册的独居老人有四十多位，子女大多在外地，\
            很多老人一整天不说一句话，情绪低落，希望有人定期上门陪陪他们。",
        tags: &["精神慰藉", "空巢老人"],
        quantity: Some((20, 40)),
        urgency: "normal",
    },
    Ask {
        category: "志愿服务",
        title: "老年人不会用手机挂号和扫码",
        description: "现在看病要在手机上挂号、交水电费要扫码，很多老人不会操作，常到社区来求助，\
            工作人员忙不过来，希望有人来系统地教一教。",
        tags: &["智能手机", "老年人"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "志愿服务",
        title: "背街小巷的隐患发现得太晚",
        description: "{community}背街小巷多，井盖破损、电线垂落、\
            杂物堵路这些问题往往要等居民投诉才知道，希望经常在片区跑的人能帮忙随手发现随手报。",
        tags: &["隐患排查", "背街小巷"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "志愿服务",
        title: "外籍租户多缺少外语帮手",
        description: "辖区靠近高校和商务区，来自东南亚和南亚的租户越来越多，居住登记、\
            垃圾分类讲不明白，通知也看不懂，需要懂外语的志愿者协助。",
        tags: &["外籍人员", "翻译"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "志愿服务",
        title: "想给居民搞一次地震逃生演练",
        description: "昆明处在地震带上，{community}居民大多没参加过疏散演练，\
            想请专业救援队伍来指导，组织一次全社区参加的避险逃生演练。",
        tags: &["演练", "地震避险"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "志愿服务",
        title: "医保参保动员入户人手紧张",
        description: "每年九月到十二月是城乡居民医保集中缴费期，社区要逐户动员登记，\
            网格员每人要跑三百多户，希望有单位能派人帮忙入户和电话提醒。",
        tags: &["入户动员", "医保缴费"],
        quantity: Some((5, 10)),
        urgency: "high",
    },
    Ask {
        category: "志愿服务",
        title: "孤寡老人家里年前需要大扫除",
        description: "春节将至，社区有十来户孤寡和低保老人家里多年没好好打扫，油烟重、灯泡坏，\
            老人爬不了高，想请志愿者帮他们过个干净年。",
        tags: &["大扫除", "孤寡老人"],
        quantity: Some((8, 12)),
        urgency: "normal",
    },
    // 医疗健康
    Ask {
        category: "医疗健康",
        title: "高龄老人行动不便看病难",
        description: "{community}80岁以上老人有一百多位，不少人腿脚不便、子女上班，\
            去医院一趟要折腾一整天，希望医生能定期上门看看，开点常用药。",
        tags: &["上门看病", "高龄老人"],
        quantity: Some((50, 100)),
        urgency: "high",
    },
    Ask {
        category: "医疗健康",
        title: "居民想在家门口量量血压测测血糖",
        description: "社区卫生站离小区较远，很多中老年居民平时不测血压血糖，\
            有的已经头晕手麻还不知道，希望医院定期来小区里给大家测一测、问问诊。",
        tags: &["量血压", "测血糖"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "医疗健康",
        title: "空巢老人多年没做过全面检查",
        description: "摸底发现，{community}有近两百位老人三年以上没体检过，子女不在身边，\
            自己也嫌麻烦，希望有医院能组织一次集中体检并帮忙接送。",
        tags: &["老人体检", "空巢老人"],
        quantity: Some((150, 200)),
        urgency: "normal",
    },
    Ask {
        category: "医疗健康",
        title: "慢性病老人吃药随意没人管",
        description: "不少患高血压、糖尿病的老人觉得不舒服才吃药，好了就停，\
            还有人听信广告乱买保健品，希望有医生定期跟踪，告诉他们该怎么吃药。",
        tags: &["慢性病", "用药指导"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "医疗健康",
        title: "考生家长焦虑需要情绪疏导",
        description: "每到中考高考前，{community}的不少家长失眠、焦虑，亲子关系紧张，\
            有家长找到社区哭诉，希望能请专业的心理老师来做团体辅导和个别谈话。",
        tags: &["情绪压力", "心理健康", "家长"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "医疗健康",
        title: "社区里没人会心肺复苏",
        description: "前段时间小区有老人晨练时突然晕倒，旁边的人都不知道怎么施救，\
            社区工作人员和楼栋长也没学过急救，想组织大家系统学一次。",
        tags: &["急救技能", "心肺复苏"],
        quantity: Some((20, 40)),
        urgency: "high",
    },
    Ask {
        category: "医疗健康",
        title: "广场人流大希望配一台除颤仪",
        description: "{community}文化广场每天早晚有上千人跳舞健身，附近却没有任何急救设备，\
            一旦有人心脏骤停只能干等救护车，希望能安装一台AED。",
        tags: &["除颤仪", "急救设备"],
        quantity: Some((1, 1)),
        urgency: "high",
    },
    Ask {
        category: "医疗健康",
        title: "老人腰腿疼想做推拿拔罐",
        description: "社区老人普遍有颈椎、腰椎毛病，外面理疗店收费贵还常推销，\
            老人们希望有正规医院的中医大夫来社区做做推拿、拔罐、艾灸。",
        tags: &["腰腿痛", "中医", "推拿"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "医疗健康",
        title: "妇女希望做宫颈和乳腺检查",
        description: "辖区不少四五十岁的家庭妇女和外来务工女性从来没做过妇科检查，\
            社区宣传后报名很积极，希望能对接一批免费筛查名额。",
        tags: &["妇科检查", "女性健康"],
        quantity: Some((80, 150)),
        urgency: "normal",
    },
    Ask {
        category: "医疗健康",
        title: "小学生蛀牙多需要看看牙",
        description: "社区“四点半课堂”的孩子里一半以上有蛀牙，家长普遍觉得乳牙坏了不要紧，\
            希望牙科医生来给孩子们检查一下，顺便给家长上一课。",
        tags: &["蛀牙", "儿童牙齿"],
        quantity: Some((40, 80)),
        urgency: "low",
    },
    Ask {
        category: "医疗健康",
        title: "老人看东西越来越模糊",
        description: "{community}很多老人说眼睛像蒙了一层雾，看电视、穿针都困难，\
            但舍不得花钱去医院，担心是白内障，希望有眼科医生来查一查。",
        tags: &["视力下降", "老人眼病"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "医疗健康",
        title: "新手妈妈缺少科学育儿指导",
        description: "社区近两年新生儿增多，不少年轻父母带孩子全靠老人经验和网上搜索，喂养、\
            打疫苗、发烧处理一头雾水，希望有医生来讲讲。",
        tags: &["育儿", "新生儿护理"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "医疗健康",
        title: "秋冬想组织老人打流感疫苗",
        description: "去年冬天{community}有好几位老人得了流感转成肺炎住院，\
            今年想提前组织老人打流感疫苗和肺炎疫苗，需要医院安排集中接种时间。",
        tags: &["流感疫苗", "老人"],
        quantity: Some((60, 150)),
        urgency: "normal",
    },
    Ask {
        category: "医疗健康",
        title: "中风后居民在家不会做康复",
        description: "辖区有十几位中风、骨折后出院的居民，出院后没人指导康复，家属也不会帮着练，\
            有的手脚越来越僵，希望有康复师上门教一教。",
        tags: &["康复指导", "中风后遗症"],
        quantity: Some((10, 15)),
        urgency: "normal",
    },
    // 法律服务
    Ask {
        category: "法律服务",
        title: "居民遇到法律问题不知道找谁",
        description: "{community}居民遇到借钱不还、房屋买卖、遗产分割等问题，常常跑到社区来问，\
            社区工作人员不是专业的，不敢乱答，希望有律师定期来坐坐班。",
        tags: &["法律问题", "律师"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "法律服务",
        title: "困难群众打官司请不起律师",
        description: "辖区有位低保户老人被人骗走积蓄，想起诉又请不起律师，类似情况每年都有几起，\
            希望有法律机构能免费帮忙代理。",
        tags: &["打官司", "低保户"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "法律服务",
        title: "业主和物业因为收费闹得很僵",
        description: "{community}某小区物业费调价后，半数业主拒交，物业扬言停止清运垃圾，\
            双方在业主群里吵得不可开交，急需第三方来居中调停。",
        tags: &["物业费", "矛盾调处"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "法律服务",
        title: "年底农民工工资被拖欠",
        description: "辖区一个在建工地有二十多名农民工被拖欠三个月工资，工人们情绪激动，\
            多次到社区反映，不知道该去哪里投诉、怎么拿回工钱。",
        tags: &["欠薪", "农民工"],
        quantity: Some((20, 30)),
        urgency: "high",
    },
    Ask {
        category: "法律服务",
        title: "老人想提前安排好房子怎么分",
        description: "不少老人担心身后子女为房子起争执，想提前把财产安排清楚，\
            但不知道遗嘱怎么写才有效、要不要公证，希望有专业人士讲解。",
        tags: &["遗嘱", "房产", "老年人"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "法律服务",
        title: "卧床老人想立遗嘱却出不了门",
        description: "{community}有位九十岁的卧床老人想把房子留给照顾她多年的小女儿，\
            家属担心手写遗嘱以后有争议，但老人去不了公证处，希望能上门办理。",
        tags: &["卧床老人", "公证"],
        quantity: Some((1, 1)),
        urgency: "normal",
    },
    Ask {
        category: "法律服务",
        title: "居民对民法典新规定了解很少",
        description: "居民对高空抛物谁负责、居住权怎么设立、离婚冷静期这些规定都不太清楚，\
            想办几期通俗易懂的讲座，培养一批懂法的楼栋长。",
        tags: &["法律知识", "楼栋长"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "法律服务",
        title: "老人被保健品推销骗钱",
        description: "小区门口常有人发鸡蛋、办免费讲座，引老人去买高价保健品，\
            {community}已有老人花掉几万元，家属投诉很多，希望执法部门来揭揭底。",
        tags: &["保健品推销", "老人受骗"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "法律服务",
        title: "校园欺凌和孩子沉迷网络",
        description: "辖区中小学生多，家长反映有孩子被同学欺负不敢说，也有孩子沉迷网游偷偷充值，\
            想请法官或检察官给孩子和家长一起上上课。",
        tags: &["未成年人", "校园欺凌"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "法律服务",
        title: "临街小商户签租房合同常吃亏",
        description: "社区沿街有六十多家小店，很多店主租门面时没仔细看合同，\
            被房东提前收回或随意涨租却说不清理，希望有律师帮忙把把关。",
        tags: &["租赁合同", "小商户"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "法律服务",
        title: "家暴受害妇女不知道怎么求助",
        description: "社区近期接到两起家暴求助，当事人担心报警后遭报复，又不懂怎么保留证据、\
            去哪里申请保护，社区工作人员缺乏处理经验。",
        tags: &["家庭暴力", "求助"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "法律服务",
        title: "小区想成立业委会但不懂程序",
        description: "{community}一个六百多户的商品房小区，业主想成立业主委员会，\
            但对筹备组怎么组成、票怎么投、需要哪些材料一无所知，担心走弯路。",
        tags: &["业委会筹备", "程序"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "法律服务",
        title: "楼上漏水楼下遭殃邻里吵了半年",
        description: "两户邻居因为卫生间漏水互相指责，楼下天花板发霉脱落，楼上拒不承认，\
            社区调解了几次都没结果，双方差点动手。",
        tags: &["漏水纠纷", "邻里矛盾"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "法律服务",
        title: "社区矫正人员需要帮教",
        description: "社区有几名社区矫正和刑满释放人员，有的整天在外游荡，和家人关系紧张，\
            社区担心他们重新走上歪路，需要专业的帮教和法治教育。",
        tags: &["社区矫正", "帮教"],
        quantity: Some((2, 5)),
        urgency: "normal",
    },
    // 教育培训
    Ask {
        category: "教育培训",
        title: "双职工家庭孩子放学后没人管",
        description: "{community}双职工家庭多，孩子下午四点多放学后只能在小区里乱跑或者一个人在家看\
            电视，家长很不放心，希望有人帮忙看管、辅导作业。",
        tags: &["课后看护", "双职工"],
        quantity: Some((20, 30)),
        urgency: "high",
    },
    Ask {
        category: "教育培训",
        title: "暑假孩子没人带",
        description: "暑假一到，不少家长上班只能把孩子锁在家里或带到单位，\
            {community}想办一个暑期托管班，但缺老师和课程，也缺活动经费。",
        tags: &["暑假", "看护"],
        quantity: Some((30, 50)),
        urgency: "high",
    },
    Ask {
        category: "教育培训",
        title: "困难家庭孩子成绩跟不上",
        description: "社区低保、单亲家庭的孩子有十几个，家长没能力辅导功课，也请不起家教，\
            孩子数学和英语成绩落后，希望能有大学生一对一帮一帮。",
        tags: &["学习困难", "困难家庭"],
        quantity: Some((10, 15)),
        urgency: "normal",
    },
    Ask {
        category: "教育培训",
        title: "家长不会和青春期孩子沟通",
        description: "不少家长反映孩子上初中后不爱说话、成天玩手机，一管就吵，\
            {community}想请专家给家长讲讲怎么和孩子好好沟通。",
        tags: &["亲子关系", "青春期"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "教育培训",
        title: "退休老人想学书法和唱歌",
        description: "社区退休人员多，很多人想学书法、国画、唱歌，但老年大学名额难抢、离家又远，\
            希望能在社区就近开几个班。",
        tags: &["兴趣班", "退休人员"],
        quantity: Some((20, 40)),
        urgency: "low",
    },
    Ask {
        category: "教育培训",
        title: "老人存钱理财容易上当",
        description: "有老人把养老钱投进所谓“高息理财”，结果血本无归，\
            还有人分不清银行存款和保险产品，{community}想请专业人员讲讲怎么守好钱袋子。",
        tags: &["理财风险", "老人存款"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "教育培训",
        title: "新上岗的网格员业务不熟",
        description: "今年{community}招了六名新网格员，大多刚毕业，入户不知道问什么、\
            遇到吵架不会调解，系统软件也用不熟，亟需一次系统的岗前培训。",
        tags: &["岗前培训", "网格员"],
        quantity: Some((6, 10)),
        urgency: "normal",
    },
    Ask {
        category: "教育培训",
        title: "社区党支部缺少讲党课的老师",
        description: "社区党员以退休老党员为主，主题党日常常是读读文件，形式单一，\
            老党员们希望能有专业老师来讲讲党史和新理论，讲得生动一点。",
        tags: &["党课", "党员学习"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "教育培训",
        title: "孩子们想动手做做科学实验",
        description: "社区孩子对科学很感兴趣，但学校实验课少，家长也不会带着做，\
            希望有单位能带器材来社区开展科学小实验、小发明活动。",
        tags: &["动手实践", "科学兴趣"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "教育培训",
        title: "自闭症孩子家长不知道怎么带",
        description: "{community}有几户家庭的孩子是自闭症，家长为康复训练辞了职，\
            经济和精神压力都很大，不知道在家该怎么训练，渴望得到专业指导。",
        tags: &["自闭症", "家庭支持"],
        quantity: Some((3, 6)),
        urgency: "normal",
    },
    Ask {
        category: "教育培训",
        title: "青少年禁毒教育形式单一",
        description: "辖区靠近娱乐场所，家长担心孩子接触新型毒品，社区过去只发传单、挂横幅，\
            效果不好，希望有更直观、更互动的禁毒教育。",
        tags: &["禁毒", "青少年"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "教育培训",
        title: "担心暑期孩子私自下河游泳",
        description: "去年夏天附近河道发生过孩子溺水事件，{community}靠近水库和沟渠，\
            家长担心暑假孩子偷偷下水，想在放假前给孩子和家长好好上一堂安全课。",
        tags: &["溺水", "安全教育"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "教育培训",
        title: "居民看不懂医保缴费新政",
        description: "今年城乡居民医保缴费标准和报销比例有调整，不少居民不知道要不要继续交、\
            在哪儿交，社区电话被打爆，希望有人来集中讲清楚。",
        tags: &["医保政策", "答疑"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "教育培训",
        title: "想学编程的孩子找不到机会",
        description: "社区里有些孩子对电脑和机器人特别着迷，但校外编程班一学期要好几千，\
            普通家庭负担不起，希望有企业能开公益课。",
        tags: &["编程兴趣", "公益课"],
        quantity: None,
        urgency: "low",
    },
    // 文化体育
    Ask {
        category: "文化体育",
        title: "春节想办一台居民喜闻乐见的晚会",
        description: "{community}每年春节只是发发慰问品，居民希望今年能办一台热热闹闹的晚会，\
            最好有花灯、滇剧这些老人爱看的节目。",
        tags: &["春节晚会", "文艺节目"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "文化体育",
        title: "广场舞队缺专业老师",
        description: "社区有三支广场舞队，动作全靠看视频学，不太规范，还经常因为抢场地、\
            音量大和居民闹矛盾，希望有专业老师来指导，也帮着协调。",
        tags: &["广场舞", "指导老师"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "文化体育",
        title: "社区书屋的书又少又旧",
        description: "{community}书屋只有几百本书，大多是十几年前的，孩子们借不到想看的，\
            希望能补充一批新书，或者定期轮换。",
        tags: &["社区书屋", "图书"],
        quantity: Some((200, 500)),
        urgency: "normal",
    },
    Ask {
        category: "文化体育",
        title: "春节想给居民送手写春联",
        description: "往年社区买印刷春联发给居民，大家觉得没有年味，今年想请书法家现场写，\
            给老人和困难户每家送一副。",
        tags: &["春联", "年味"],
        quantity: Some((200, 300)),
        urgency: "low",
    },
    Ask {
        category: "文化体育",
        title: "孩子想踢球却没人教",
        description: "社区里好多男孩女孩爱踢球，但只能在空地上瞎踢，容易受伤，\
            家长希望能有专业教练周末带一带。",
        tags: &["足球", "青少年体育"],
        quantity: Some((20, 30)),
        urgency: "low",
    },
    Ask {
        category: "文化体育",
        title: "老人想学养生功法",
        description: "每天早上公园里都有老人自发锻炼，但动作不规范，有的还伤了膝盖，\
            {community}的老人们希望有人系统教一教太极拳或八段锦。",
        tags: &["养生", "老人锻炼"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "文化体育",
        title: "全职妈妈想学一门手工",
        description: "社区有不少全职妈妈和随迁老人，白天空闲时间多，想学扎染、刺绣、编织这类手工，\
            既丰富生活，将来说不定还能贴补家用。",
        tags: &["手工技艺", "妇女"],
        quantity: Some((15, 30)),
        urgency: "low",
    },
    Ask {
        category: "文化体育",
        title: "夏天晚上想看露天电影",
        description: "老人们怀念小时候在院坝看露天电影的日子，{community}想在夏天每月放一两场，\
            也顺便把邻居们聚到一起。",
        tags: &["电影", "夏夜"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "文化体育",
        title: "金婚老人想补拍婚纱照",
        description: "社区有二十多对结婚五十年的老夫妻，年轻时条件不好没拍过婚纱照，\
            想在重阳节前后给他们补拍一套。",
        tags: &["婚纱照", "金婚"],
        quantity: Some((20, 25)),
        urgency: "low",
    },
    Ask {
        category: "文化体育",
        title: "老年合唱队排练没人指导",
        description: "社区老年合唱队有四十多人，准备参加区里的合唱比赛，但没人懂指挥和分声部，\
            唱起来总是不齐，急需专业老师。",
        tags: &["合唱队", "比赛"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "文化体育",
        title: "各民族居民交流机会少",
        description: "{community}住着彝族、白族、回族、哈尼族等十多个民族的居民，平时来往不多，\
            想办一场展示各民族歌舞和美食的联谊会。",
        tags: &["民族团结", "联谊"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "文化体育",
        title: "社区运动会缺裁判和奖品",
        description: "社区第一次办运动会，拔河、跳绳、乒乓球项目都定好了，但没有懂规则的裁判，\
            奖牌奖品也没着落。",
        tags: &["运动会", "裁判", "奖品"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "文化体育",
        title: "文艺队长们想学编排和主持",
        description: "社区几支文艺队的队长都是热心人，但编节目、主持活动、拍视频都是自己摸索，\
            希望能参加系统一点的培训。",
        tags: &["文艺队", "能力提升"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "文化体育",
        title: "象棋爱好者想办个比赛",
        description: "小区凉亭每天都有老人下象棋，围观的人很多，大家想办一场正式的象棋比赛，\
            也想让孩子们学学下棋。",
        tags: &["象棋", "比赛"],
        quantity: None,
        urgency: "low",
    },
    // 养老助残
    Ask {
        category: "养老助残",
        title: "独居老人吃饭难",
        description: "{community}有六十多位独居老人，有的腿脚不便买不了菜，有的一碗面吃两顿，\
            营养跟不上，社区想为他们解决每天一顿热乎的午饭。",
        tags: &["吃饭难", "独居老人"],
        quantity: Some((40, 60)),
        urgency: "high",
    },
    Ask {
        category: "养老助残",
        title: "附近没有老年食堂",
        description: "社区老年人口占三成多，但方圆两公里没有一家老年食堂，\
            不少老人希望就近有个吃饭便宜、口味清淡的地方。",
        tags: &["老年食堂", "就餐"],
        quantity: Some((30, 80)),
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "高龄老人在家洗澡容易摔倒",
        description: "去年{community}有三位老人在卫生间滑倒骨折，老房子卫生间没有扶手，地面又滑，\
            家属想改造又不知道找谁、要花多少钱。",
        tags: &["防摔", "卫生间改造"],
        quantity: Some((10, 30)),
        urgency: "high",
    },
    Ask {
        category: "养老助残",
        title: "卧床老人好几个月没洗过澡",
        description: "有些失能老人家中只有年迈的老伴照顾，根本抱不动，老人长期只能擦身，\
            身上长了湿疹，家属希望有人上门帮忙洗澡。",
        tags: &["失能老人", "洗澡难"],
        quantity: Some((10, 20)),
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "独居老人出了意外没人知道",
        description: "上个月小区有位独居老人在家摔倒，两天后才被邻居发现，社区很后怕，\
            想给独居老人配上能紧急呼救的设备。",
        tags: &["紧急呼救", "独居安全"],
        quantity: Some((30, 60)),
        urgency: "high",
    },
    Ask {
        category: "养老助残",
        title: "残疾居民出门缺轮椅",
        description: "{community}有几位下肢残疾和骨折术后的居民，家里没有轮椅，\
            看病复查都要靠家人背下楼，想借几台轮椅和助行器应急。",
        tags: &["轮椅", "残疾人出行"],
        quantity: Some((3, 8)),
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "智力残疾人白天家里没人看",
        description: "社区有十几户家庭有成年智力残疾子女，父母年纪大了还要上班或照顾孙辈，\
            白天把孩子一个人留在家很不放心，希望能有个白天托管的地方。",
        tags: &["智力残疾", "白天托管"],
        quantity: Some((10, 15)),
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "家属不会护理卧床老人",
        description: "照顾卧床老人的多是子女或保姆，不会翻身、不懂防褥疮，\
            有老人生了严重褥疮才送医，{community}想请专业护士教教大家。",
        tags: &["护理知识", "褥疮"],
        quantity: Some((15, 25)),
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "高龄老人取药缴费不方便",
        description: "不少八九十岁的老人每月要去医院开药，还要到营业厅交电费、燃气费，\
            来回几趟累得够呛，希望能有人帮忙跑腿。",
        tags: &["跑腿", "高龄老人"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "认知障碍老人走失过好几次",
        description: "{community}有几位患老年痴呆的老人，出门后常常找不到家，今年已经走失过三次，\
            都是靠派出所找回来的，家属急需防走失办法。",
        tags: &["老年痴呆", "走失"],
        quantity: Some((5, 10)),
        urgency: "high",
    },
    Ask {
        category: "养老助残",
        title: "长期照护老人的家属快累垮了",
        description: "有位七十岁的阿姨独自照顾瘫痪在床十年的老伴，自己也一身病，\
            想住院检查都走不开，希望老伴能临时有个地方托付几天。",
        tags: &["照护者", "短期托付"],
        quantity: Some((1, 3)),
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "重阳节想上门慰问百岁老人",
        description: "辖区有三位百岁老人和一百多位八十岁以上老人，重阳节想组织一次上门走访慰问，\
            但社区经费有限，慰问品不够。",
        tags: &["高龄慰问", "重阳"],
        quantity: Some((100, 130)),
        urgency: "low",
    },
    Ask {
        category: "养老助残",
        title: "单元门台阶多轮椅推不上去",
        description: "{community}老小区单元门口都有三四级台阶，坐轮椅的居民每次出门都要邻居帮忙抬，\
            下雨天更危险，希望修个坡道。",
        tags: &["台阶", "无障碍出行"],
        quantity: Some((3, 8)),
        urgency: "normal",
    },
    Ask {
        category: "养老助残",
        title: "视力残疾居民想靠按摩手艺挣钱",
        description: "社区有几位视力残疾居民学过按摩，但一直没有固定工作，收入很低，\
            想找机会在社区或附近门店提供按摩服务。",
        tags: &["视障", "按摩", "助残"],
        quantity: Some((3, 5)),
        urgency: "normal",
    },
    // 就业创业
    Ask {
        category: "就业创业",
        title: "四五十岁下岗人员找工作难",
        description: "{community}有三十多名“4050”失业人员，文化程度不高，网上找工作也不会，\
            希望附近单位能提供保洁、保安、后勤一类的岗位。",
        tags: &["4050人员", "再就业"],
        quantity: Some((20, 30)),
        urgency: "high",
    },
    Ask {
        category: "就业创业",
        title: "全职妈妈想学门手艺重返职场",
        description: "不少妈妈孩子上学后想出去工作，但多年没上班，缺乏技能，对家政、育婴、\
            月嫂这些工作感兴趣，希望有免费培训。",
        tags: &["妈妈就业", "技能提升"],
        quantity: Some((15, 30)),
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "毕业没找到工作的大学生需要见习",
        description: "社区登记的离校未就业大学生有十多人，有的在家待了一年多，缺乏工作经验，\
            投简历屡屡没回音，希望企业提供见习机会。",
        tags: &["未就业大学生", "工作经验"],
        quantity: Some((10, 15)),
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "想开小店但缺启动资金",
        description: "几位居民想开早点铺、理发店，手里只有几万块，不够租门面和装修，\
            不知道政府有没有创业贷款，也不知道怎么申请。",
        tags: &["创业资金", "小本经营"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "农户的山货和鲜花卖不出去",
        description: "{community}城郊的种植户有蔬菜、鲜花和菌子，靠中间商收购价格压得很低，\
            大家想学学网上卖货，但不会拍视频、不会开店。",
        tags: &["农产品销售", "网店"],
        quantity: Some((20, 40)),
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "残疾人想找份力所能及的活",
        description: "社区有二十多位有劳动能力的残疾人，很想自食其力，但一般企业不愿招，\
            希望能有适合他们的岗位。",
        tags: &["残疾人", "就业岗位"],
        quantity: Some((5, 20)),
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "居民希望在家门口找工作",
        description: "很多居民特别是带孩子的妈妈和大龄居民不方便跑远，希望在{community}附近找工作，\
            盼着能把招聘会开到社区来。",
        tags: &["就近招聘", "求职"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "低保家庭有劳动力却长期待业",
        description: "社区低保户里有几位四十来岁、身体健康的，但长期没有工作，靠低保过日子，\
            社区想帮他们找到稳定岗位，尽快走出困境。",
        tags: &["低保家庭", "托底就业"],
        quantity: Some((3, 8)),
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "年轻人想考电工证找活干",
        description: "几个初中毕业的年轻人在社区闲着，打零工收入不稳定，想学电工、焊工这类技术，\
            考个证好找工作，但不知道哪里培训可靠。",
        tags: &["技能证书", "青年就业"],
        quantity: Some((5, 10)),
        urgency: "low",
    },
    Ask {
        category: "就业创业",
        title: "应届生面试屡屡失败",
        description: "有些应届毕业生投了几十份简历，面试总是过不了，家长着急也帮不上忙，\
            希望有专业人士给看看简历、练练面试。",
        tags: &["求职技巧", "面试"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "就业创业",
        title: "返乡青年创业缺场地",
        description: "几位从外地回来的年轻人想做文创和农特产品电商，但租不起办公室，\
            注册公司也没有地址，希望有地方能免费或低价入驻。",
        tags: &["返乡创业", "办公场地"],
        quantity: Some((3, 6)),
        urgency: "low",
    },
    Ask {
        category: "就业创业",
        title: "想学做小吃摆摊谋生",
        description: "社区有些失业居民想学做米线、饵块、包子这些小吃，开个早点摊养家，\
            但没有师傅带，希望能有短期的厨艺培训。",
        tags: &["小吃制作", "谋生技能"],
        quantity: Some((10, 20)),
        urgency: "low",
    },
    Ask {
        category: "就业创业",
        title: "跑外卖开网约车的居民不清楚权益",
        description: "辖区跑外卖、开网约车的居民多，出了交通事故不知道算不算工伤，\
            保险怎么买也说不清，希望有人讲讲灵活就业的参保和维权。",
        tags: &["灵活就业", "权益保障"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "就业创业",
        title: "回归人员急需一份过渡工作",
        description: "社区有两名刑满释放人员回来半年了还没有工作，家庭困难、情绪低落，\
            社区担心他们重新犯错，想找愿意接收的企业。",
        tags: &["回归社会", "就业帮扶"],
        quantity: Some((1, 3)),
        urgency: "normal",
    },
    // 物资捐赠
    Ask {
        category: "物资捐赠",
        title: "爱心超市货架快空了",
        description: "{community}爱心超市开了两年，靠居民积分兑换生活用品，现在米、油、\
            洗衣液基本兑完了，急需爱心单位补货。",
        tags: &["爱心超市", "补货"],
        quantity: Some((100, 200)),
        urgency: "high",
    },
    Ask {
        category: "物资捐赠",
        title: "困难家庭过冬缺棉被",
        description: "昆明冬天早晚温差大，社区几户低保、独居老人家里还盖着薄被子，\
            有的连一件像样的棉衣都没有，希望能募集一批保暖物品。",
        tags: &["保暖物资", "过冬"],
        quantity: Some((20, 40)),
        urgency: "high",
    },
    Ask {
        category: "物资捐赠",
        title: "困难家庭孩子开学缺文具",
        description: "社区有二十多个困难家庭孩子和留守儿童马上开学，书包破旧、文具不全，\
            家长负担重，希望能有单位资助一些学习用品。",
        tags: &["学习用品", "开学"],
        quantity: Some((20, 30)),
        urgency: "normal",
    },
    Ask {
        category: "物资捐赠",
        title: "网格员入户缺少防护用品",
        description: "流感高发期，{community}网格员每天要入户走访，口罩、手套、消毒液用量很大，\
            社区经费买不了太多，急需补充。",
        tags: &["口罩", "网格员防护"],
        quantity: Some((500, 1000)),
        urgency: "high",
    },
    Ask {
        category: "物资捐赠",
        title: "社区电脑老旧系统都打不开",
        description: "社区办公电脑用了快十年，开机要好几分钟，政务系统经常卡死，\
            儿童活动室也想有几台电脑给孩子上网课。",
        tags: &["电脑", "办公条件"],
        quantity: Some((3, 6)),
        urgency: "normal",
    },
    Ask {
        category: "物资捐赠",
        title: "困难户平时吃不上新鲜蔬菜",
        description: "有些低保老人为了省钱很少买菜，天天咸菜就饭，社区想找个稳定的蔬菜来源，\
            定期给他们送一些新鲜菜。",
        tags: &["新鲜蔬菜", "困难户"],
        quantity: Some((20, 50)),
        urgency: "normal",
    },
    Ask {
        category: "物资捐赠",
        title: "考上大学的困难学生凑不齐学费",
        description: "社区今年有三名低保家庭孩子考上大学，家里东拼西凑还差好几千学费和生活费，\
            家长愁得睡不着。",
        tags: &["学费", "大学新生"],
        quantity: Some((3, 3)),
        urgency: "high",
    },
    Ask {
        category: "物资捐赠",
        title: "老旧小区楼道没有灭火器",
        description: "{community}老旧楼栋多，楼道里没有任何消防器材，一旦起火后果不堪设想，\
            想给每个单元配两具灭火器。",
        tags: &["消防器材", "楼道安全"],
        quantity: Some((60, 120)),
        urgency: "high",
    },
    Ask {
        category: "物资捐赠",
        title: "老人听不清看不清影响生活",
        description: "社区不少困难老人耳背、眼花，听不见电话、看不清药盒上的字，买助听器又太贵，\
            希望有人能帮帮忙。",
        tags: &["耳背", "眼花", "困难老人"],
        quantity: Some((10, 30)),
        urgency: "normal",
    },
    Ask {
        category: "物资捐赠",
        title: "春节慰问困难党员的物资不够",
        description: "今年社区需慰问的困难党员、老党员和低保户有八十多户，街道下拨的慰问经费有限，\
            每户只能分到一桶油，想争取更多支持。",
        tags: &["春节慰问", "困难党员"],
        quantity: Some((60, 90)),
        urgency: "normal",
    },
    Ask {
        category: "物资捐赠",
        title: "防汛小分队缺雨具和手电",
        description: "雨季快到了，社区防汛小分队要在暴雨夜巡查低洼路段和地下车库，\
            现在只有几件旧雨衣，缺雨靴、手电和抽水设备。",
        tags: &["防汛装备", "雨具"],
        quantity: Some((15, 30)),
        urgency: "high",
    },
    Ask {
        category: "物资捐赠",
        title: "新建党群服务站缺桌椅柜子",
        description: "{community}新的党群服务站刚装修完，办公桌、椅子、档案柜都没有着落，\
            想请有闲置家具的单位支援一批。",
        tags: &["家具", "党群服务站"],
        quantity: Some((10, 20)),
        urgency: "normal",
    },
    Ask {
        category: "物资捐赠",
        title: "单亲妈妈买奶粉开支大",
        description: "社区有几位单亲妈妈带着婴儿，收入低，奶粉和纸尿裤每月要上千元，生活非常拮据，\
            希望有母婴用品方面的帮助。",
        tags: &["单亲妈妈", "婴儿用品"],
        quantity: Some((5, 10)),
        urgency: "normal",
    },
    Ask {
        category: "物资捐赠",
        title: "停电时独居老人家里没有应急照明",
        description: "老小区线路老化，时常停电，独居老人家里连手电筒都没有，摸黑走动容易摔倒，\
            想给他们配一些应急灯和常用药品。",
        tags: &["应急照明", "应急包"],
        quantity: Some((20, 40)),
        urgency: "low",
    },
    // 环境治理
    Ask {
        category: "环境治理",
        title: "居民垃圾混投分类难推进",
        description: "{community}设了分类垃圾桶，但大部分居民还是一袋子全扔，\
            厨余和其他垃圾混在一起，光靠社区喊口号没用，需要有人在桶边盯着教。",
        tags: &["垃圾混投", "分类习惯"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "环境治理",
        title: "背街小巷卫生死角多",
        description: "社区有几条背街小巷和城中村巷道长期没人管，垃圾、杂物堆积，夏天蚊蝇成群，\
            居民反映了很多次，社区自己清不动。",
        tags: &["背街小巷", "脏乱差"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "环境治理",
        title: "大树挡光枝条压着电线",
        description: "小区里的几棵老桉树长得比五楼还高，低楼层一年到头见不到太阳，\
            有的树枝已经压在电线上，一刮大风居民就担心。",
        tags: &["大树遮光", "电线安全"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "环境治理",
        title: "楼道里牛皮癣小广告贴满墙",
        description: "{community}老楼道里贴满了开锁、疏通、办证的小广告，墙面发黑掉灰，\
            居民看着心烦，想一起把楼道整理干净。",
        tags: &["小广告", "楼道环境"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "环境治理",
        title: "下水道经常堵还返臭味",
        description: "老小区下水管道老化，一楼住户家里经常返水、返臭，化粪池也多年没清掏，\
            一下大雨污水就漫到路面上。",
        tags: &["下水道", "污水外溢"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "环境治理",
        title: "小河沟有人偷倒垃圾污水",
        description: "流经社区的一条小河沟常被人倒生活垃圾和洗车污水，河水发黑发臭，\
            这条沟最后流进滇池，居民很担忧。",
        tags: &["河沟污染", "滇池"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "环境治理",
        title: "楼外电线乱得像蜘蛛网",
        description: "{community}老楼外墙上的网线、电话线、有线电视线乱拉乱挂，很多已经废弃，\
            垂到一楼窗口，既难看又有安全隐患。",
        tags: &["乱拉线", "安全隐患"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "环境治理",
        title: "老旧小区老鼠蟑螂多",
        description: "小区靠近农贸市场，老鼠白天都敢在垃圾房附近跑，不少居民家里蟑螂成灾，\
            自己买药效果不大，希望能统一消杀。",
        tags: &["老鼠", "蟑螂"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "环境治理",
        title: "夜市烧烤油烟噪音扰民",
        description: "社区楼下夜市的烧烤摊每晚营业到凌晨两三点，油烟直冲楼上住户窗户，吆喝声、\
            酒瓶声吵得人睡不着，投诉很多。",
        tags: &["夜市扰民", "油烟", "噪音"],
        quantity: None,
        urgency: "high",
    },
    Ask {
        category: "环境治理",
        title: "装修垃圾和旧家具随处乱堆",
        description: "小区正在装修的人家多，装修垃圾和旧沙发、床垫随手堆在楼下和绿化带里，\
            几个月没人清理，占了车位还招老鼠。",
        tags: &["装修垃圾", "乱堆放"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "环境治理",
        title: "小区空地杂草丛生",
        description: "{community}有一块几百平米的闲置空地，长满杂草，有人在那里倒垃圾、偷偷种菜，\
            居民希望能改成大家可以休息的小花园。",
        tags: &["闲置空地", "小花园"],
        quantity: None,
        urgency: "low",
    },
    Ask {
        category: "环境治理",
        title: "想带居民学学厨余堆肥",
        description: "社区有一批热心的阿姨想带头做厨余堆肥，把果皮菜叶变成肥料种花，\
            也给孩子们讲讲垃圾减量，但缺少方法和工具。",
        tags: &["垃圾减量", "堆肥"],
        quantity: Some((20, 30)),
        urgency: "low",
    },
    Ask {
        category: "环境治理",
        title: "遛狗不牵绳狗粪随地拉",
        description: "小区养狗的越来越多，很多人遛狗不牵绳，狗粪也不清理，还有孩子被狗扑倒吓哭，\
            居民之间矛盾越来越大。",
        tags: &["养犬", "狗粪"],
        quantity: None,
        urgency: "normal",
    },
    Ask {
        category: "环境治理",
        title: "巷子路灯坏了晚上漆黑一片",
        description: "社区通往公交站的那条巷子路灯坏了大半年，晚上下班的人只能打着手机手电走，\
            已经有人摔倒，女孩子都不敢走。",
        tags: &["路灯", "夜间出行"],
        quantity: None,
        urgency: "high",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const CATEGORIES: [&str; 10] = crate::domain::categories::DEFAULTS;
    const KINDS: [&str; 10] = [
        "医疗卫生",
        "教育",
        "法律服务",
        "企业",
        "党政机关",
        "社会组织",
        "志愿服务队",
        "文化体育",
        "金融",
        "物业",
    ];

    fn chars(s: &str) -> usize {
        s.chars().count()
    }

    /// Removes the allowed placeholders and checks no other braces remain.
    fn only_placeholders(s: &str, allowed: &[&str]) -> bool {
        let rest = allowed
            .iter()
            .fold(s.to_owned(), |acc, p| acc.replace(p, ""));
        !rest.contains('{') && !rest.contains('}')
    }

    /// Fills placeholders with long-ish realistic values.
    fn expand(s: &str) -> String {
        s.replace("{org}", "中国邮政储蓄银行昆明盘龙支行")
            .replace("{street}", "太平新城")
            .replace("{community}", "吴井新村社区")
    }

    fn check_common(title: &str, description: &str, tags: &[&str], quantity: Option<(i32, i32)>) {
        assert!(
            (6..=30).contains(&chars(title)),
            "title length {}: {title}",
            chars(title)
        );
        assert!(!title.contains('{'), "placeholder in title: {title}");
        assert!(
            (40..=160).contains(&chars(description)),
            "description length {}: {title}",
            chars(description)
        );
        let expanded = expand(description);
        assert!(
            (40..=160).contains(&chars(&expanded)),
            "expanded description too long: {title}"
        );
        assert!(
            (2..=5).contains(&tags.len()),
            "{} tags: {title}",
            tags.len()
        );
        let unique: HashSet<_> = tags.iter().collect();
        assert_eq!(unique.len(), tags.len(), "duplicate tag: {title}");
        for t in tags {
            assert!((1..=8).contains(&chars(t)), "tag {t:?} in {title}");
            assert!(!t.contains(' '), "tag {t:?} in {title}");
        }
        if let Some((lo, hi)) = quantity {
            assert!(lo >= 1 && lo <= hi, "quantity {lo}..{hi}: {title}");
        }
    }

    #[test]
    fn org_kinds_cover_all_ten_with_patterns() {
        let kinds: Vec<_> = ORG_KINDS.iter().map(|k| k.kind).collect();
        assert_eq!(kinds.len(), KINDS.len());
        for k in KINDS {
            assert!(kinds.contains(&k), "missing kind {k}");
        }
        for k in ORG_KINDS {
            assert!(
                k.patterns.len() >= 6,
                "{} has {} patterns",
                k.kind,
                k.patterns.len()
            );
            let unique: HashSet<_> = k.patterns.iter().collect();
            assert_eq!(
                unique.len(),
                k.patterns.len(),
                "duplicate pattern in {}",
                k.kind
            );
            for p in k.patterns {
                assert!(
                    only_placeholders(p, &["{district}", "{short}", "{street}", "{n}"]),
                    "bad pattern {p}"
                );
                assert!(p.contains('{'), "pattern {p} never varies");
            }
        }
    }

    #[test]
    fn person_names() {
        assert!(SURNAMES.len() >= 40);
        assert!(GIVEN_NAMES.len() >= 60);
        assert_eq!(
            SURNAMES.iter().collect::<HashSet<_>>().len(),
            SURNAMES.len(),
            "duplicate surname"
        );
        assert_eq!(
            GIVEN_NAMES.iter().collect::<HashSet<_>>().len(),
            GIVEN_NAMES.len(),
            "duplicate given name"
        );
        assert!(SURNAMES.iter().all(|s| chars(s) == 1));
        assert!(GIVEN_NAMES.iter().all(|s| (1..=2).contains(&chars(s))));
    }

    #[test]
    fn offers() {
        assert!(OFFERS.len() >= 140, "{} offers", OFFERS.len());
        for c in CATEGORIES {
            let n = OFFERS.iter().filter(|o| o.category == c).count();
            assert!(n >= 12, "{n} offers in {c}");
        }
        let mut titles = HashSet::new();
        for o in OFFERS {
            assert!(
                CATEGORIES.contains(&o.category),
                "unknown category {}",
                o.category
            );
            assert!(titles.insert(o.title), "duplicate offer title {}", o.title);
            assert!(!o.kinds.is_empty(), "no kinds: {}", o.title);
            for k in o.kinds {
                assert!(KINDS.contains(k), "unknown kind {k} in {}", o.title);
            }
            assert!(
                only_placeholders(o.description, &["{org}", "{street}"]),
                "bad placeholder: {}",
                o.title
            );
            check_common(o.title, o.description, o.tags, o.quantity);
        }
    }

    #[test]
    fn asks() {
        assert!(ASKS.len() >= 140, "{} asks", ASKS.len());
        for c in CATEGORIES {
            let n = ASKS.iter().filter(|a| a.category == c).count();
            assert!(n >= 12, "{n} asks in {c}");
        }
        let mut titles = HashSet::new();
        for a in ASKS {
            assert!(
                CATEGORIES.contains(&a.category),
                "unknown category {}",
                a.category
            );
            assert!(titles.insert(a.title), "duplicate ask title {}", a.title);
            assert!(
                ["low", "normal", "high"].contains(&a.urgency),
                "urgency {}: {}",
                a.urgency,
                a.title
            );
            assert!(
                only_placeholders(a.description, &["{community}"]),
                "bad placeholder: {}",
                a.title
            );
            check_common(a.title, a.description, a.tags, a.quantity);
        }
        for u in ["low", "normal", "high"] {
            assert!(ASKS.iter().any(|a| a.urgency == u), "no {u} asks");
        }
    }

    #[test]
    fn every_kind_has_offers() {
        for k in KINDS {
            let n = OFFERS.iter().filter(|o| o.kinds.contains(&k)).count();
            assert!(n >= 8, "only {n} offers for {k}");
        }
    }

    #[test]
    fn offer_and_ask_titles_do_not_collide() {
        let offers: HashSet<_> = OFFERS.iter().map(|o| o.title).collect();
        for a in ASKS {
            assert!(
                !offers.contains(a.title),
                "{} is both an offer and an ask",
                a.title
            );
        }
    }
}
