//! Kunming's region tree for the demo city: real district and street names, plausible communities.
//!
//! Districts are Kunming's county-level divisions with their administrative codes.
//! Streets (街道) are concentrated in the six urban districts the city piloted first
//! (五华, 盘龙, 官渡, 西山, 呈贡, 安宁): 68 in all, matching the city's 68 street
//! party-building alliances (街道党建联盟). Counties get the street of their seat town
//! (石林 also 板桥, named in the news), and 富民 and 禄劝 none. The 332 communities (社区)
//! match the 332 community joint meetings (社区党建联席会议). Community names follow local
//! naming (roads, old villages, estates); a few come from news reports (金马社区,
//! 吴井新村社区, 秀苑社区), most are illustrative.

pub struct District {
    pub code: &'static str,
    pub name: &'static str,
    pub short: &'static str,
    pub streets: &'static [Street],
}

pub struct Street {
    pub name: &'static str,
    pub communities: &'static [&'static str],
}

pub static DISTRICTS: &[District] = &[
    District {
        code: "530102",
        name: "五华区",
        short: "五华",
        streets: &[
            Street {
                name: "华山街道",
                communities: &[
                    "翠湖社区",
                    "文林社区",
                    "华山西路社区",
                    "钱局街社区",
                    "五一路社区",
                    "武成路社区",
                    "光华社区",
                ],
            },
            Street {
                name: "护国街道",
                communities: &[
                    "正义路社区",
                    "南屏街社区",
                    "景星社区",
                    "人民中路社区",
                    "祥云街社区",
                    "崇仁社区",
                ],
            },
            Street {
                name: "大观街道",
                communities: &[
                    "大观楼社区",
                    "篆塘社区",
                    "西坝社区",
                    "福林社区",
                    "大观路社区",
                    "鸡鸣桥社区",
                ],
            },
            Street {
                name: "龙翔街道",
                communities: &[
                    "学府路社区",
                    "新闻里社区",
                    "一二一大街社区",
                    "龙翔社区",
                    "建设路社区",
                    "文化巷社区",
                ],
            },
            Street {
                name: "丰宁街道",
                communities: &[
                    "丰宁社区",
                    "小菜园社区",
                    "教场中路社区",
                    "北仓坡社区",
                    "海源路社区",
                    "师大社区",
                ],
            },
            Street {
                name: "莲华街道",
                communities: &[
                    "莲花池社区",
                    "茭菱路社区",
                    "莲华社区",
                    "昆师路社区",
                    "学林苑社区",
                    "科普路社区",
                ],
            },
            Street {
                name: "红云街道",
                communities: &[
                    "红云社区",
                    "红锦社区",
                    "云星社区",
                    "王旗营社区",
                    "高新花园社区",
                    "沣源路社区",
                ],
            },
            Street {
                name: "黑林铺街道",
                communities: &[
                    "黑林铺社区",
                    "滇缅大道社区",
                    "海屯路社区",
                    "黄土坡社区",
                    "昌源社区",
                    "眠山社区",
                ],
            },
            Street {
                name: "普吉街道",
                communities: &[
                    "普吉社区",
                    "王家桥社区",
                    "陈家营社区",
                    "锦苑社区",
                    "小普吉社区",
                ],
            },
            Street {
                name: "西翥街道",
                communities: &["沙朗社区", "厂口社区", "桃园社区", "杨梅山社区"],
            },
        ],
    },
    District {
        code: "530103",
        name: "盘龙区",
        short: "盘龙",
        streets: &[
            Street {
                name: "拓东街道",
                communities: &[
                    "拓东路社区",
                    "白塔社区",
                    "塘子巷社区",
                    "双塔社区",
                    "南强社区",
                    "东寺街社区",
                ],
            },
            Street {
                name: "鼓楼街道",
                communities: &[
                    "圆通社区",
                    "北门社区",
                    "青年路社区",
                    "华山东路社区",
                    "长春路社区",
                    "大绿水河社区",
                ],
            },
            Street {
                name: "东华街道",
                communities: &[
                    "东华社区",
                    "东风东路社区",
                    "北京路社区",
                    "金康园社区",
                    "白龙路社区",
                    "穿金路社区",
                    "大树营社区",
                ],
            },
            Street {
                name: "联盟街道",
                communities: &[
                    "联盟社区",
                    "金星社区",
                    "北辰社区",
                    "岗头社区",
                    "小坝社区",
                    "万宏社区",
                ],
            },
            Street {
                name: "金辰街道",
                communities: &[
                    "金辰社区",
                    "金江社区",
                    "新迎社区",
                    "张官营社区",
                    "江东花城社区",
                    "金尚社区",
                ],
            },
            Street {
                name: "青云街道",
                communities: &[
                    "青云社区",
                    "金沙社区",
                    "桃源社区",
                    "东方社区",
                    "小河社区",
                    "席子营社区",
                ],
            },
            Street {
                name: "龙泉街道",
                communities: &[
                    "龙泉社区",
                    "龙头街社区",
                    "司家营社区",
                    "宝云社区",
                    "瓦窑社区",
                    "羊肠村社区",
                ],
            },
            Street {
                name: "茨坝街道",
                communities: &["茨坝社区", "落索坡社区", "金殿社区", "鸣凤社区", "双哨社区"],
            },
            Street {
                name: "双龙街道",
                communities: &["双龙社区", "小河口社区", "竹园社区", "上营社区"],
            },
            Street {
                name: "松华街道",
                communities: &["松华社区", "大摆社区", "麦地冲社区", "坝口社区"],
            },
            Street {
                name: "滇源街道",
                communities: &["滇源社区", "白邑社区", "甸尾社区"],
            },
            Street {
                name: "阿子营街道",
                communities: &["阿子营社区", "铁冲社区", "甸头社区"],
            },
        ],
    },
    District {
        code: "530111",
        name: "官渡区",
        short: "官渡",
        streets: &[
            Street {
                name: "关上街道",
                communities: &[
                    "关上社区",
                    "春城路社区",
                    "董家湾社区",
                    "民航路社区",
                    "关兴路社区",
                    "西庄社区",
                    "机场路社区",
                ],
            },
            Street {
                name: "太和街道",
                communities: &[
                    "太和社区",
                    "鸣泉社区",
                    "塘双路社区",
                    "环城东路社区",
                    "昌宏社区",
                    "新迎东社区",
                ],
            },
            Street {
                name: "吴井街道",
                communities: &[
                    "吴井新村社区",
                    "吴井路社区",
                    "双凤社区",
                    "五里多社区",
                    "巫家坝社区",
                    "永平路社区",
                ],
            },
            Street {
                name: "金马街道",
                communities: &[
                    "金马社区",
                    "东站社区",
                    "金马寺社区",
                    "十里铺社区",
                    "羊方凹社区",
                    "小石坝社区",
                ],
            },
            Street {
                name: "小板桥街道",
                communities: &[
                    "小板桥社区",
                    "云秀社区",
                    "前兴路社区",
                    "五甲塘社区",
                    "雨龙社区",
                    "张家庙社区",
                ],
            },
            Street {
                name: "官渡街道",
                communities: &[
                    "官渡古镇社区",
                    "世纪城社区",
                    "宝海社区",
                    "珥季社区",
                    "新二村社区",
                    "螺蛳湾社区",
                ],
            },
            Street {
                name: "矣六街道",
                communities: &[
                    "矣六社区",
                    "金刀营社区",
                    "宏仁社区",
                    "广卫社区",
                    "前卫营社区",
                ],
            },
            Street {
                name: "六甲街道",
                communities: &["六甲社区", "宝丰社区", "福保社区", "五腊社区", "小河嘴社区"],
            },
            Street {
                name: "大板桥街道",
                communities: &[
                    "大板桥社区",
                    "长水社区",
                    "一朵云社区",
                    "阿底社区",
                    "沙沟社区",
                ],
            },
            Street {
                name: "阿拉街道",
                communities: &[
                    "阿拉社区",
                    "高坡社区",
                    "彩云北路社区",
                    "清水社区",
                    "普照社区",
                ],
            },
        ],
    },
    District {
        code: "530112",
        name: "西山区",
        short: "西山",
        streets: &[
            Street {
                name: "金碧街道",
                communities: &[
                    "金碧路社区",
                    "书林街社区",
                    "同仁街社区",
                    "金马碧鸡坊社区",
                    "南华社区",
                    "甬道社区",
                ],
            },
            Street {
                name: "永昌街道",
                communities: &[
                    "永昌社区",
                    "西昌路社区",
                    "东风西路社区",
                    "西园社区",
                    "富春社区",
                    "兴苑社区",
                ],
            },
            Street {
                name: "前卫街道",
                communities: &[
                    "前卫社区",
                    "秀苑社区",
                    "广福路社区",
                    "日新社区",
                    "船房社区",
                    "新亚洲社区",
                    "滇池路社区",
                ],
            },
            Street {
                name: "福海街道",
                communities: &[
                    "福海社区",
                    "福德社区",
                    "福新社区",
                    "海埂社区",
                    "草海社区",
                    "大坝社区",
                ],
            },
            Street {
                name: "棕树营街道",
                communities: &[
                    "棕树营社区",
                    "白马社区",
                    "鱼课社区",
                    "梁家河社区",
                    "人民西路社区",
                    "杨家地社区",
                ],
            },
            Street {
                name: "西苑街道",
                communities: &[
                    "西苑社区",
                    "西华园社区",
                    "红联社区",
                    "黑土凹社区",
                    "西城社区",
                ],
            },
            Street {
                name: "马街街道",
                communities: &[
                    "马街社区",
                    "明波社区",
                    "苏家塘社区",
                    "电机厂社区",
                    "小渔村社区",
                    "普坪社区",
                ],
            },
            Street {
                name: "碧鸡街道",
                communities: &["高峣社区", "观音山社区", "碧鸡社区", "车家壁社区"],
            },
            Street {
                name: "海口街道",
                communities: &["中宝社区", "海口社区", "白鱼口社区", "山冲社区"],
            },
            Street {
                name: "团结街道",
                communities: &["团结社区", "龙潭社区", "乐居社区"],
            },
        ],
    },
    District {
        code: "530113",
        name: "东川区",
        short: "东川",
        streets: &[Street {
            name: "铜都街道",
            communities: &[
                "铜都社区",
                "东川新村社区",
                "姑海社区",
                "深沟社区",
                "达德社区",
            ],
        }],
    },
    District {
        code: "530114",
        name: "呈贡区",
        short: "呈贡",
        streets: &[
            Street {
                name: "龙城街道",
                communities: &[
                    "龙城社区",
                    "龙街社区",
                    "中庄社区",
                    "大古城社区",
                    "春城花园社区",
                ],
            },
            Street {
                name: "洛龙街道",
                communities: &["洛龙社区", "白龙潭社区", "大学城社区", "彩云湖社区"],
            },
            Street {
                name: "吴家营街道",
                communities: &[
                    "吴家营社区",
                    "缪家营社区",
                    "大冲社区",
                    "郑家营社区",
                    "高校新城社区",
                ],
            },
            Street {
                name: "乌龙街道",
                communities: &["乌龙社区", "梅子村社区", "段家营社区", "江尾社区"],
            },
            Street {
                name: "雨花街道",
                communities: &["雨花社区", "毓秀社区", "石龙社区", "回回营社区"],
            },
            Street {
                name: "斗南街道",
                communities: &["斗南社区", "花卉社区", "可乐村社区", "小古城社区"],
            },
            Street {
                name: "大渔街道",
                communities: &["大渔社区", "海晏社区", "月角社区"],
            },
            Street {
                name: "七甸街道",
                communities: &["七甸社区", "马郎社区", "老寨社区"],
            },
            Street {
                name: "马金铺街道",
                communities: &["马金铺社区", "新册社区", "大营社区", "白云社区"],
            },
            Street {
                name: "洛羊街道",
                communities: &["洛羊社区", "倪家营社区", "石碑社区", "锦绣社区"],
            },
        ],
    },
    District {
        code: "530115",
        name: "晋宁区",
        short: "晋宁",
        streets: &[Street {
            name: "昆阳街道",
            communities: &["昆阳社区", "郑和社区", "月山社区", "金砂社区", "大春河社区"],
        }],
    },
    District {
        code: "530124",
        name: "富民县",
        short: "富民",
        streets: &[],
    },
    District {
        code: "530125",
        name: "宜良县",
        short: "宜良",
        streets: &[Street {
            name: "匡远街道",
            communities: &["匡远社区", "汇东社区", "南关社区", "岩泉社区"],
        }],
    },
    District {
        code: "530126",
        name: "石林彝族自治县",
        short: "石林",
        streets: &[
            Street {
                name: "鹿阜街道",
                communities: &["鹿阜社区", "阿诗玛社区", "城北社区", "北大村社区"],
            },
            Street {
                name: "板桥街道",
                communities: &["板桥社区", "海宜社区", "小屯社区"],
            },
        ],
    },
    District {
        code: "530127",
        name: "嵩明县",
        short: "嵩明",
        streets: &[Street {
            name: "嵩阳街道",
            communities: &["嵩阳社区", "秀嵩社区", "黄龙社区", "兰茂社区"],
        }],
    },
    District {
        code: "530128",
        name: "禄劝彝族苗族自治县",
        short: "禄劝",
        streets: &[],
    },
    District {
        code: "530129",
        name: "寻甸回族彝族自治县",
        short: "寻甸",
        streets: &[Street {
            name: "仁德街道",
            communities: &["仁德社区", "凤梧社区", "塘子社区"],
        }],
    },
    District {
        code: "530181",
        name: "安宁市",
        short: "安宁",
        streets: &[
            Street {
                name: "连然街道",
                communities: &[
                    "连然社区",
                    "大屯社区",
                    "宁湖社区",
                    "东湖社区",
                    "百花社区",
                    "螳螂川社区",
                ],
            },
            Street {
                name: "金方街道",
                communities: &[
                    "金方社区",
                    "昆钢新村社区",
                    "朝阳社区",
                    "团山社区",
                    "龙山社区",
                ],
            },
            Street {
                name: "八街街道",
                communities: &["八街社区", "凤凰山社区", "湖塘社区"],
            },
            Street {
                name: "温泉街道",
                communities: &["温泉社区", "曹溪社区", "九渡社区", "温汤社区"],
            },
            Street {
                name: "太平新城街道",
                communities: &["太平社区", "妥睦社区", "安丰营社区", "新城社区"],
            },
            Street {
                name: "青龙街道",
                communities: &["青龙社区", "新街社区", "鸣矣河社区"],
            },
            Street {
                name: "草铺街道",
                communities: &["草铺社区", "权甫社区", "石江社区"],
            },
            Street {
                name: "县街街道",
                communities: &["县街社区", "麒麟社区", "大村社区"],
            },
            Street {
                name: "禄脿街道",
                communities: &["禄脿社区", "元山社区", "罗家营社区"],
            },
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn streets() -> impl Iterator<Item = &'static Street> {
        DISTRICTS.iter().flat_map(|d| d.streets.iter())
    }

    #[test]
    fn districts_are_kunmings_fourteen_divisions() {
        assert_eq!(DISTRICTS.len(), 14);
        let codes: HashSet<_> = DISTRICTS.iter().map(|d| d.code).collect();
        assert_eq!(codes.len(), DISTRICTS.len(), "duplicate district code");
        let names: HashSet<_> = DISTRICTS.iter().map(|d| d.name).collect();
        assert_eq!(names.len(), DISTRICTS.len(), "duplicate district name");
        for d in DISTRICTS {
            assert!(
                d.code.len() == 6 && d.code.starts_with("5301"),
                "{}: bad code {}",
                d.name,
                d.code
            );
            assert!(
                d.code.bytes().all(|b| b.is_ascii_digit()),
                "{}: bad code {}",
                d.name,
                d.code
            );
            assert!(
                d.name.starts_with(d.short),
                "{}: short name {} is not a prefix",
                d.name,
                d.short
            );
            assert!(
                ["区", "县", "市"].iter().any(|s| d.name.ends_with(s)),
                "{}",
                d.name
            );
        }
    }

    #[test]
    fn sixty_eight_streets_with_unique_names() {
        assert_eq!(streets().count(), 68);
        let mut seen = HashSet::new();
        for s in streets() {
            assert!(
                s.name.ends_with("街道") && s.name.chars().count() > 2,
                "bad street name {}",
                s.name
            );
            assert!(seen.insert(s.name), "duplicate street {}", s.name);
        }
    }

    #[test]
    fn three_hundred_thirty_two_communities() {
        assert_eq!(streets().map(|s| s.communities.len()).sum::<usize>(), 332);
        for s in streets() {
            assert!(
                (3..=7).contains(&s.communities.len()),
                "{} has {} communities",
                s.name,
                s.communities.len()
            );
        }
    }

    #[test]
    fn community_names_are_well_formed_and_unique() {
        let mut city = HashSet::new();
        for s in streets() {
            let mut local = HashSet::new();
            for c in s.communities {
                assert!(
                    c.ends_with("社区") && c.chars().count() > 2,
                    "bad community name {c} in {}",
                    s.name
                );
                assert!(
                    !c.chars().any(|ch| ch.is_ascii_digit()),
                    "placeholder-like community name {c}"
                );
                assert!(local.insert(*c), "duplicate community {c} in {}", s.name);
                assert!(
                    city.insert(*c),
                    "community {c} appears in more than one street"
                );
            }
        }
    }
}
