//! The tags of a resource or need: a list of short words, stored as a JSON array in a text
//! column (the same on SQLite and PostgreSQL, and readable in a dump).

use std::fmt;
use std::str::FromStr;

use sea_orm::DeriveValueType;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, DeriveValueType)]
#[serde(transparent)]
#[sea_orm(value_type = "String", column_type = "Text")]
pub struct Tags(pub Vec<String>);

impl From<Vec<String>> for Tags {
    fn from(tags: Vec<String>) -> Self {
        Tags(tags)
    }
}

impl std::ops::Deref for Tags {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for Tags {
    /// The stored form: a JSON array.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(&self.0).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Tags {
    type Err = std::convert::Infallible;

    /// Every write goes through `Display`, so a value that is not a JSON array of strings
    /// was put there by hand; it reads as no tags rather than failing the whole row.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Tags(serde_json::from_str(s).unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_as_a_json_array_and_read_back() {
        let tags = Tags(vec!["义诊".into(), "a\"b".into()]);
        assert_eq!(tags.to_string(), r#"["义诊","a\"b"]"#);
        assert_eq!(tags.to_string().parse::<Tags>().unwrap(), tags);
        assert_eq!("not json".parse::<Tags>().unwrap(), Tags::default());
    }
}
