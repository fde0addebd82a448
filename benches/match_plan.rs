//! An alliance's match plan at 500 needs × 5,000 resources, in process:
//! `cargo bench --bench match_plan`.
//!
//! Builds the demo city plus synthetic resources up to 5,000, moves 500 of the city's open
//! needs (their real texts) into one street alliance and its communities, and computes that
//! alliance's plan end to end (ranking every need, the database re-check, the flow) several
//! times: prints `RESULT` lines with the time and the plan's total score beside the greedy
//! plan's. Criterion then times the optimisation alone on the same instance size with
//! generated scores (500 needs, 5,000 resources, 20 candidates each).

use std::time::{Duration, Instant};

use criterion::Criterion;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use lianmeng::config::Config;
use lianmeng::domain::match_plan::{self, PlanRequest, flow};

const ADMIN_PASSWORD: &str = "bench-admin-password";
const NEEDS: usize = 500;
const RESOURCES: usize = 5_000;
const RUNS: usize = 7;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    end_to_end(&rt);
    let mut criterion = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    flow_alone(&mut criterion);
    criterion.final_summary();
}

fn end_to_end(rt: &tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("plan.db").display());
    let config = Config::new(url, dir.path().to_path_buf());
    let state = rt
        .block_on(lianmeng::AppState::open(config, Some(ADMIN_PASSWORD)))
        .expect("prepare");
    let db = state.db.clone();
    let alliance = rt.block_on(async {
        lianmeng::demo::seed(&db, &state.config)
            .await
            .expect("demo city");
        let have = entity::resource::Entity::find()
            .count(&db.read)
            .await
            .expect("count") as usize;
        lianmeng::demo::synthetic::seed_resources(&db, RESOURCES.saturating_sub(have), 0x91A)
            .await
            .expect("synthetic resources");
        // The first street alliance takes 500 open needs, spread over its communities.
        let street = entity::region::Entity::find()
            .filter(entity::region::Column::Level.eq("street"))
            .order_by_asc(entity::region::Column::Id)
            .one(&db.read)
            .await
            .expect("street")
            .expect("a street");
        let alliance = entity::alliance::Entity::find()
            .filter(entity::alliance::Column::RegionId.eq(street.id))
            .one(&db.read)
            .await
            .expect("alliance")
            .expect("the street's alliance");
        let communities: Vec<i64> = entity::region::Entity::find()
            .select_only()
            .column(entity::region::Column::Id)
            .filter(entity::region::Column::ParentId.eq(street.id))
            .into_tuple()
            .all(&db.read)
            .await
            .expect("communities");
        let needs: Vec<i64> = entity::need::Entity::find()
            .select_only()
            .column(entity::need::Column::Id)
            .filter(entity::need::Column::Status.eq("open"))
            .order_by_asc(entity::need::Column::Id)
            .limit(NEEDS as u64)
            .into_tuple()
            .all(&db.read)
            .await
            .expect("open needs");
        assert_eq!(needs.len(), NEEDS, "the demo city has enough open needs");
        let tx = db.begin().await.expect("tx");
        for (i, id) in needs.iter().enumerate() {
            entity::need::Entity::update_many()
                .col_expr(entity::need::Column::AllianceId, Expr::value(alliance.id))
                .col_expr(
                    entity::need::Column::PlaceRegionId,
                    Expr::value(communities[i % communities.len()]),
                )
                .filter(entity::need::Column::Id.eq(*id))
                .exec(&tx)
                .await
                .expect("move need");
        }
        tx.commit().await.expect("commit");
        state.search.rebuild(&db).await.expect("index");
        alliance.id
    });

    let admin = rt
        .block_on(lianmeng::domain::users::by_username(&db.read, "admin"))
        .expect("admin")
        .expect("admin exists");
    let actor = lianmeng::domain::auth::actor_of(&admin, None).expect("actor");
    let mut times = Vec::new();
    let mut plan = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let p = rt
            .block_on(match_plan::compute(
                &db.read,
                state.engine(),
                &actor,
                alliance,
                PlanRequest::default(),
            ))
            .expect("plan");
        times.push(t.elapsed());
        plan = Some(p);
    }
    let plan = plan.expect("ran");
    times.sort();
    let covered = plan.proposals.len();
    let partly = plan
        .proposals
        .iter()
        .filter(|p| p.covered < p.demand)
        .count();
    println!(
        "RESULT plan needs={} resources_considered={} p50_ms={:.0} min_ms={:.0} max_ms={:.0}",
        plan.needs_considered,
        plan.resources_considered,
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
    );
    println!(
        "RESULT plan total_score={:.4} greedy_total_score={:.4} gain_over_greedy={:.2}% \
         needs_covered={covered} partly={partly} uncovered={}",
        plan.total_score,
        plan.greedy_total_score,
        (plan.total_score / plan.greedy_total_score - 1.0) * 100.0,
        plan.uncovered.len(),
    );
}

/// A generated instance of the same size: demands 1–30, capacities 1–`max_capacity` (a tenth
/// not counted), 20 candidates per need with gains as the plan computes them. With small
/// capacities the needs compete for the same resources, which is where greedy goes wrong.
fn instance(max_capacity: u64) -> (Vec<i64>, Vec<i64>, Vec<flow::Edge>) {
    let mut state = 0x5EEDu64;
    let mut below = |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let demand: Vec<i64> = (0..NEEDS).map(|_| 1 + below(30) as i64).collect();
    let total: i64 = demand.iter().sum();
    let capacity: Vec<i64> = (0..RESOURCES)
        .map(|_| {
            if below(10) == 0 {
                total
            } else {
                1 + below(max_capacity) as i64
            }
        })
        .collect();
    let mut edges = Vec::new();
    for (need, d) in demand.iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        while seen.len() < 20 {
            let resource = below(RESOURCES as u64) as usize;
            if seen.insert(resource) {
                let score = 0.4 + below(6000) as f64 / 10_000.0;
                edges.push(flow::Edge {
                    need,
                    resource,
                    gain: (score * 1e6 / *d as f64).round() as i64,
                });
            }
        }
    }
    (demand, capacity, edges)
}

fn flow_alone(c: &mut Criterion) {
    for (name, max_capacity) in [("ample", 60), ("scarce", 3)] {
        let (demand, capacity, edges) = instance(max_capacity);
        let started = Instant::now();
        let best = flow::total_gain(&edges, &flow::optimal(&demand, &capacity, &edges));
        let took = started.elapsed();
        let greedy = flow::total_gain(&edges, &flow::greedy(&demand, &capacity, &edges));
        println!(
            "RESULT flow {name} (capacities 1-{max_capacity}) optimal={best} greedy={greedy} \
             gain_over_greedy={:.2}% one_run_ms={:.1}",
            (best as f64 / greedy as f64 - 1.0) * 100.0,
            took.as_secs_f64() * 1e3
        );
        c.bench_function(&format!("match_plan_flow/{name}/500x5000"), |b| {
            b.iter(|| flow::optimal(&demand, &capacity, &edges))
        });
        c.bench_function(&format!("match_plan_greedy/{name}/500x5000"), |b| {
            b.iter(|| flow::greedy(&demand, &capacity, &edges))
        });
    }
}
