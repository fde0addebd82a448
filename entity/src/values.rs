//! The typed values of the tables' text columns (statuses, urgency, levels, roles): each
//! variant with the word stored in the database and written in JSON, and its Chinese label,
//! stated once in [`text_enum!`], which the pages, the exports and the messages all read.

/// Declares an enum stored as text: each variant is `Name = ("stored", "标签")`. It gets
/// `as_str`/`parse`/`label`/`ALL`, `Display`/`FromStr` on the stored word, serde and OpenAPI
/// on the same word, and sea-orm's value conversions, so an entity field can have the type.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = ($value:tt, $label:tt)),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema, sea_orm::DeriveValueType,
        )]
        #[sea_orm(value_type = "String")]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $value)] $variant),+
        }

        impl $name {
            /// Every value, in their order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The word stored and written in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($value => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The value in Chinese, as a coordinator reads it.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                Self::parse(s).ok_or_else(|| UnknownValue {
                    of: stringify!($name),
                    value: s.to_owned(),
                })
            }
        }
    };
}

/// A stored word that is none of its enum's values (a row written by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub of: &'static str,
    pub value: String,
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is no {}", self.value, self.of)
    }
}

impl std::error::Error for UnknownValue {}

text_enum! {
    /// Where a need is in its life.
    pub enum NeedStatus {
        Open = ("open", "待对接"),
        Matched = ("matched", "已对接"),
        Fulfilled = ("fulfilled", "已完成"),
        Closed = ("closed", "已关闭"),
    }
}

text_enum! {
    /// How soon a need should be met.
    pub enum Urgency {
        Low = ("low", "不急"),
        Normal = ("normal", "一般"),
        High = ("high", "紧急"),
    }
}

text_enum! {
    /// Whether a resource can still be matched.
    pub enum ResourceStatus {
        Available = ("available", "可对接"),
        Reserved = ("reserved", "已预留"),
        Exhausted = ("exhausted", "已用完"),
        Withdrawn = ("withdrawn", "已撤回"),
    }
}

text_enum! {
    /// The levels of the region tree (and of a resource's service scope, an alliance's
    /// region), from the city down.
    pub enum Level {
        City = ("city", "市"),
        District = ("district", "县（市、区）"),
        Street = ("street", "街道"),
        Community = ("community", "社区"),
    }
}

text_enum! {
    /// What a user may do.
    pub enum Role {
        /// City administrator: regions, categories, users; may do anything.
        Admin = ("admin", "管理员"),
        /// Street or community coordinator, scoped to one alliance.
        Coordinator = ("coordinator", "协调员"),
        /// A member unit's user, scoped to one organization.
        Member = ("member", "成员单位联络员"),
        /// Reviews project lists; reads everything.
        Reviewer = ("reviewer", "审核员"),
    }
}

text_enum! {
    /// A unit's part in an alliance (stored in Chinese, as the lists write it).
    pub enum MemberRole {
        Lead = ("牵头单位", "牵头单位"),
        Member = ("成员单位", "成员单位"),
    }
}

text_enum! {
    /// What a webhook sends: lianmeng's signed JSON, or a group robot's message (text with a
    /// link to the page), so events reach a coordinators' group chat.
    pub enum WebhookFormat {
        Json = ("json", "签名 JSON"),
        Wecom = ("wecom", "企业微信群机器人"),
        Dingtalk = ("dingtalk", "钉钉群机器人"),
        Feishu = ("feishu", "飞书群机器人"),
    }
}

text_enum! {
    /// Where a project (a matched pair agreed on) is in its review and work.
    pub enum ProjectStatus {
        /// 拟对接
        Proposed = ("proposed", "拟对接"),
        Approved = ("approved", "已批准"),
        Rejected = ("rejected", "已驳回"),
        InProgress = ("in_progress", "实施中"),
        Completed = ("completed", "已完成"),
        Cancelled = ("cancelled", "已取消"),
    }
}

text_enum! {
    /// Where a spreadsheet import is.
    pub enum ImportStatus {
        /// Waiting for the job before it (one import runs at a time).
        Queued = ("queued", "排队中"),
        Checking = ("checking", "检查中"),
        Writing = ("writing", "写入中"),
        /// Written (or, on a dry run, checked) without a problem.
        Succeeded = ("succeeded", "已完成"),
        /// Rows have problems: nothing was written.
        Rejected = ("rejected", "有问题，未导入"),
        /// Stopped by an error or a restart: nothing was written.
        Failed = ("failed", "失败，未导入"),
    }
}

text_enum! {
    /// Where a webhook delivery is.
    pub enum DeliveryStatus {
        Pending = ("pending", "待发送"),
        Delivered = ("delivered", "已送达"),
        Failed = ("failed", "发送失败"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_labels_and_json_agree() {
        for s in ProjectStatus::ALL {
            assert_eq!(s.as_str().parse::<ProjectStatus>(), Ok(*s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert_eq!(ProjectStatus::InProgress.as_str(), "in_progress");
        assert_eq!(MemberRole::Lead.to_string(), "牵头单位");
        assert_eq!(Urgency::High.label(), "紧急");
        assert!("nope".parse::<NeedStatus>().is_err());
        let v: sea_orm::Value = NeedStatus::Open.into();
        assert_eq!(v, sea_orm::Value::String(Some("open".into())));
    }
}
