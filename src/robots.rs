//! Group robots: a webhook declared as a 企业微信, 钉钉 or 飞书 group robot gets each event as
//! that robot's message — a title, a line or two, and a link to the page — instead of
//! lianmeng's signed JSON, so 「新项目待审核」 and new matches reach a coordinators' group
//! chat. The event's JSON is kept as queued; the message is made from it when sent, so the
//! link follows the configured address of the pages.

use serde_json::{Value, json};

use crate::domain::webhooks::WebhookFormat;

/// An event in words: its title, its lines, and the page it is about.
struct Said {
    title: String,
    lines: Vec<String>,
    page: Option<String>,
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn project_status(word: &str) -> &'static str {
    crate::domain::projects::Status::parse(word).map_or("", |s| s.label())
}

/// What an event says, from the data it was queued with.
fn say(event: &str, data: &Value) -> Said {
    if event == crate::domain::webhooks::MATCH_FOUND {
        let need = &data["need"];
        let resource = &data["resource"];
        let mut lines = vec![format!(
            "资源：{}（{}）",
            text(&resource["title"]),
            text(&resource["organization"])
        )];
        let words: Vec<&str> = data["matched_terms"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default();
        if !words.is_empty() {
            lines.push(format!("匹配词：{}", words.join("、")));
        }
        return Said {
            title: format!("需求「{}」有新的匹配资源", text(&need["title"])),
            lines,
            page: need["id"].as_i64().map(|id| format!("/needs/{id}")),
        };
    }
    if let Some(to) = event.strip_prefix("project.") {
        let project = &data["project"];
        let name = text(&project["title"]);
        let title = match to {
            "proposed" => format!("新项目待审核：{name}"),
            _ => format!("项目「{name}」{}", project_status(to)),
        };
        let mut lines = Vec::new();
        let who = text(&data["actor"]["name"]);
        if !who.is_empty() {
            lines.push(format!("办理人：{who}"));
        }
        let note = text(&data["note"]);
        if !note.is_empty() {
            lines.push(format!("说明：{note}"));
        }
        return Said {
            title,
            lines,
            page: project["id"].as_i64().map(|id| format!("/projects/{id}")),
        };
    }
    Said {
        title: "党建联盟资源对接：测试消息".into(),
        lines: vec!["群机器人已接通，之后的新匹配和项目进展会发到这里。".into()],
        page: Some("/".into()),
    }
}

/// The body a group robot's webhook takes for `event`, or `None` for lianmeng's own JSON.
/// `payload` is the delivery as queued (`{"event", "data", …}`); `public_url` is where people
/// open the pages, for the link (without it the message has none).
pub fn message(
    format: WebhookFormat,
    event: &str,
    payload: &str,
    public_url: Option<&str>,
) -> Option<String> {
    if format == WebhookFormat::Json {
        return None;
    }
    let queued: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
    let said = say(event, &queued["data"]);
    let link = match (public_url, &said.page) {
        (Some(base), Some(page)) => Some(format!("{}{page}", base.trim_end_matches('/'))),
        _ => None,
    };
    // Every message names the service: 钉钉 robots often only take messages holding an
    // agreed keyword, and 「党建联盟」 is the one to agree on.
    let title = if said.title.contains("党建联盟") {
        said.title.clone()
    } else {
        format!("【党建联盟】{}", said.title)
    };
    let body = match format {
        WebhookFormat::Wecom | WebhookFormat::Dingtalk => {
            let mut md = format!("### {title}\n");
            for line in &said.lines {
                md.push_str(&format!("> {line}\n"));
            }
            if let Some(l) = &link {
                md.push_str(&format!("\n[查看详情]({l})\n"));
            }
            if format == WebhookFormat::Wecom {
                json!({"msgtype": "markdown", "markdown": {"content": md}})
            } else {
                json!({"msgtype": "markdown", "markdown": {"title": title, "text": md}})
            }
        }
        WebhookFormat::Feishu => {
            let mut t = title.clone();
            for line in &said.lines {
                t.push('\n');
                t.push_str(line);
            }
            if let Some(l) = &link {
                t.push_str(&format!("\n查看详情：{l}"));
            }
            json!({"msg_type": "text", "content": {"text": t}})
        }
        WebhookFormat::Json => unreachable!("answered above"),
    };
    Some(body.to_string())
}

/// A robot's message signed the way the robot checks it when its 加签 is on, with the
/// robot's own `secret`: 钉钉 in the address (`timestamp` in milliseconds and `sign`, the
/// HMAC-SHA256 of "timestamp\nsecret" under the secret), 飞书 in the body (`timestamp` in
/// seconds and `sign`, the HMAC-SHA256 of nothing under "timestamp\nsecret"). Answers the
/// address and the body to send.
pub fn signed(
    format: WebhookFormat,
    url: &str,
    body: String,
    secret: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> (String, String) {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let mac = |key: &[u8], message: &[u8]| {
        let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key");
        m.update(message);
        base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
    };
    match format {
        WebhookFormat::Dingtalk => {
            let timestamp = now.timestamp_millis();
            let sign = mac(
                secret.as_bytes(),
                format!("{timestamp}\n{secret}").as_bytes(),
            );
            let url = match url::Url::parse(url) {
                Ok(mut u) => {
                    u.query_pairs_mut()
                        .append_pair("timestamp", &timestamp.to_string())
                        .append_pair("sign", &sign);
                    u.to_string()
                }
                Err(_) => url.to_owned(),
            };
            (url, body)
        }
        WebhookFormat::Feishu => {
            let timestamp = now.timestamp();
            let sign = mac(format!("{timestamp}\n{secret}").as_bytes(), b"");
            let mut value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            if let Some(o) = value.as_object_mut() {
                o.insert("timestamp".into(), json!(timestamp.to_string()));
                o.insert("sign".into(), json!(sign));
            }
            (url.to_owned(), value.to_string())
        }
        WebhookFormat::Json | WebhookFormat::Wecom => (url.to_owned(), body),
    }
}

/// Whether a robot's answer says the message was taken: the robots answer 200 even when they
/// refuse, with a non-zero `errcode` (企业微信, 钉钉) or `code` (飞书) and a reason.
pub fn refused(format: WebhookFormat, answer: &[u8]) -> Option<String> {
    if format == WebhookFormat::Json {
        return None;
    }
    let v: Value = serde_json::from_slice(answer).ok()?;
    let code = v
        .get("errcode")
        .or_else(|| v.get("code"))
        .or_else(|| v.get("StatusCode"))
        .and_then(Value::as_i64)?;
    if code == 0 {
        return None;
    }
    let why = v
        .get("errmsg")
        .or_else(|| v.get("msg"))
        .or_else(|| v.get("StatusMessage"))
        .and_then(Value::as_str)
        .unwrap_or("");
    Some(format!("群机器人拒收（错误码 {code}）：{why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signatures as the robots' documents compute them (checked against Python's
    /// `hmac`, an implementation of its own).
    #[test]
    fn signed_as_dingtalk_and_feishu_check_it() {
        use chrono::TimeZone;
        let at = chrono::Utc.timestamp_millis_opt(1_765_000_000_000).unwrap();
        let (url, body) = signed(
            WebhookFormat::Dingtalk,
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "{}".into(),
            "SECabc123",
            at,
        );
        assert_eq!(
            url,
            "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1765000000000\
             &sign=HFmOemV5t8ccz5UphSWWORDy8gu9RCtLbEO4uol%2BcBo%3D"
        );
        assert_eq!(body, "{}");
        let (url, body) = signed(
            WebhookFormat::Feishu,
            "https://open.feishu.cn/open-apis/bot/v2/hook/x",
            r#"{"msg_type":"text"}"#.into(),
            "fsK3y",
            at,
        );
        assert_eq!(url, "https://open.feishu.cn/open-apis/bot/v2/hook/x");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["timestamp"], "1765000000");
        assert_eq!(body["sign"], "/9DupW9LYwteXyhj6ddOWrjL7MoT8Oo6EMxsnqZm+hY=");
        assert_eq!(body["msg_type"], "text");
    }

    fn queued(event: &str, data: Value) -> String {
        json!({"event": event, "data": data}).to_string()
    }

    #[test]
    fn a_proposed_project_reads_as_waiting_for_review_in_each_robot() {
        let payload = queued(
            "project.proposed",
            json!({"project": {"id": 7, "title": "老人量血压"}, "actor": {"name": "华山街道协调员"}, "note": null}),
        );
        let wecom = message(
            WebhookFormat::Wecom,
            "project.proposed",
            &payload,
            Some("https://lm.example.cn/"),
        )
        .unwrap();
        let v: Value = serde_json::from_str(&wecom).unwrap();
        assert_eq!(v["msgtype"], "markdown");
        let md = v["markdown"]["content"].as_str().unwrap();
        assert!(md.contains("【党建联盟】新项目待审核：老人量血压"), "{md}");
        assert!(
            md.contains("[查看详情](https://lm.example.cn/projects/7)"),
            "{md}"
        );
        let ding: Value = serde_json::from_str(
            &message(WebhookFormat::Dingtalk, "project.proposed", &payload, None).unwrap(),
        )
        .unwrap();
        assert_eq!(
            ding["markdown"]["title"],
            "【党建联盟】新项目待审核：老人量血压"
        );
        assert!(
            !ding["markdown"]["text"]
                .as_str()
                .unwrap()
                .contains("查看详情"),
            "no address, no link"
        );
        let feishu: Value = serde_json::from_str(
            &message(
                WebhookFormat::Feishu,
                "project.proposed",
                &payload,
                Some("https://lm.example.cn"),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(feishu["msg_type"], "text");
        assert!(
            feishu["content"]["text"]
                .as_str()
                .unwrap()
                .ends_with("查看详情：https://lm.example.cn/projects/7")
        );
        assert!(message(WebhookFormat::Json, "project.proposed", &payload, None).is_none());
    }

    #[test]
    fn a_match_names_the_need_the_resource_and_the_words() {
        let payload = queued(
            "match.found",
            json!({"need": {"id": 3, "title": "独居老人助餐"}, "resource": {"title": "爱心午餐", "organization": "某某餐饮"},
                   "matched_terms": ["助餐", "老人"]}),
        );
        let v: Value = serde_json::from_str(
            &message(
                WebhookFormat::Wecom,
                "match.found",
                &payload,
                Some("http://x"),
            )
            .unwrap(),
        )
        .unwrap();
        let md = v["markdown"]["content"].as_str().unwrap();
        assert!(md.contains("需求「独居老人助餐」有新的匹配资源"));
        assert!(md.contains("资源：爱心午餐（某某餐饮）"));
        assert!(md.contains("匹配词：助餐、老人"));
        assert!(md.contains("(http://x/needs/3)"));
    }

    #[test]
    fn robots_refuse_with_a_code_in_a_200_answer() {
        assert_eq!(
            refused(WebhookFormat::Wecom, br#"{"errcode":0,"errmsg":"ok"}"#),
            None
        );
        assert_eq!(
            refused(
                WebhookFormat::Wecom,
                br#"{"errcode":93000,"errmsg":"invalid webhook url"}"#
            )
            .unwrap(),
            "群机器人拒收（错误码 93000）：invalid webhook url"
        );
        assert!(
            refused(
                WebhookFormat::Feishu,
                br#"{"code":19021,"msg":"sign match fail"}"#
            )
            .is_some()
        );
        assert_eq!(refused(WebhookFormat::Json, br#"{"errcode":1}"#), None);
    }
}
