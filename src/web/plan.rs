//! 对接方案: the alliance's open needs assigned to its resources at once (the match plan, a
//! min-cost flow), each proposal ticked; the coordinator accepts all or unticks some, and
//! every kept proposal becomes a project waiting for review.

use askama::Template;
use axum::extract::State;

use super::pages::{self, Chrome, PageResult};
use super::session::{Posted, Visitor};
use crate::domain::match_plan::{
    self, AcceptItem, AcceptRequest, AcceptResource, Plan, PlanRequest,
};
use crate::error::{Error, Result};
use crate::state::AppState;

/// A proposal as its checkbox sends it: `need:resource=units,resource` (no units for a
/// resource that is not counted).
fn encode(p: &match_plan::PlannedProject) -> String {
    let resources: Vec<String> = p
        .resources
        .iter()
        .map(|r| match r.quantity {
            Some(q) => format!("{}={q}", r.id),
            None => r.id.to_string(),
        })
        .collect();
    format!("{}:{}", p.need_id, resources.join(","))
}

fn decode(value: &str) -> Option<AcceptItem> {
    let (need, resources) = value.split_once(':')?;
    let resources = resources
        .split(',')
        .map(|r| match r.split_once('=') {
            Some((id, q)) => Some(AcceptResource {
                id: id.parse().ok()?,
                quantity: Some(q.parse().ok()?),
            }),
            None => Some(AcceptResource {
                id: r.parse().ok()?,
                quantity: None,
            }),
        })
        .collect::<Option<Vec<_>>>()?;
    Some(AcceptItem {
        need_id: need.parse().ok()?,
        resources,
        title: None,
    })
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    plan: Plan,
    values: Vec<String>,
    error: Option<String>,
}

async fn plan_page(state: &AppState, v: &Visitor, error: Option<String>) -> Result<PlanPage> {
    let alliance = v
        .actor
        .alliance_id
        .ok_or_else(|| Error::forbidden("只有联盟协调员可以生成对接方案"))?;
    let request = PlanRequest {
        min_score: None,
        candidates: None,
    };
    let plan =
        match_plan::compute(state.read(), state.engine(), &v.actor, alliance, request).await?;
    Ok(PlanPage {
        chrome: Chrome::of(state, v, "/plan").await?,
        values: plan.proposals.iter().map(encode).collect(),
        plan,
        error,
    })
}

pub async fn show(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(pages::render(&plan_page(&state, &v, None).await?))
}

/// Accepts the ticked proposals: each becomes a project for review, all or none.
pub async fn accept(State(state): State<AppState>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let outcome = async {
        let alliance = v
            .actor
            .alliance_id
            .ok_or_else(|| Error::forbidden("只有联盟协调员可以接受对接方案"))?;
        let items: Vec<AcceptItem> = post
            .fields
            .all("item")
            .into_iter()
            .filter_map(decode)
            .collect();
        if items.is_empty() {
            return Err(Error::field("items", "请至少勾选一项"));
        }
        let tx = state.db.begin().await?;
        match_plan::accept(&tx, &v.actor, alliance, AcceptRequest { items }).await?;
        state.commit(tx).await
    }
    .await;
    super::forms::answer_action(outcome, "/projects?status=proposed", |m| {
        plan_page(&state, v, Some(m))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_reads_back_as_it_was_sent() {
        let item = decode("12:5=3,7").unwrap();
        assert_eq!(item.need_id, 12);
        assert_eq!(item.resources.len(), 2);
        assert_eq!(
            (item.resources[0].id, item.resources[0].quantity),
            (5, Some(3))
        );
        assert_eq!(
            (item.resources[1].id, item.resources[1].quantity),
            (7, None)
        );
        assert!(decode("12").is_none());
        assert!(decode("x:1").is_none());
        assert!(decode("1:2=x").is_none());
    }
}
