//! Prometheus metrics: request counts and latencies by route and status, and the search
//! index's state.
//!
//! Each `AppState` owns its own recorder (recorded into with `with_local_recorder`) instead of
//! installing a process-global one, so many servers in one test process stay independent.

use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};

pub struct Metrics {
    recorder: PrometheusRecorder,
}

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

impl Metrics {
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets(LATENCY_BUCKETS)
            .expect("latency buckets are not empty")
            .build_recorder();
        Self { recorder }
    }

    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let labels = [
            ("method", method.to_owned()),
            ("route", route.to_owned()),
            ("status", status.to_string()),
        ];
        metrics::with_local_recorder(&self.recorder, || {
            metrics::counter!("lianmeng_http_requests_total", &labels).increment(1);
            metrics::histogram!("lianmeng_http_request_duration_seconds", &labels)
                .record(elapsed.as_secs_f64());
        });
    }

    /// The search index's state: outbox rows not applied yet, and whether applying fails or
    /// the index is being rebuilt (1) or not (0).
    pub fn record_index(&self, lag: i64, failing: bool, broken: bool) {
        metrics::with_local_recorder(&self.recorder, || {
            metrics::gauge!("lianmeng_search_index_lag").set(lag as f64);
            metrics::gauge!("lianmeng_search_index_failing").set(f64::from(u8::from(failing)));
            metrics::gauge!("lianmeng_search_index_broken").set(f64::from(u8::from(broken)));
        });
    }

    /// The embedder's state: rows waiting for a vector, and vectors held for scoring.
    pub fn record_embeddings(&self, pending: usize, held: usize) {
        metrics::with_local_recorder(&self.recorder, || {
            metrics::gauge!("lianmeng_embeddings_pending").set(pending as f64);
            metrics::gauge!("lianmeng_embeddings_held").set(held as f64);
        });
    }

    pub fn render(&self) -> String {
        self.recorder.handle().render()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
