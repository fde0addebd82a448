//! The running service: the state, its workers and the router, started one way for `serve`,
//! the tests and anything else that serves HTTP.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::state::AppState;
use crate::workers::Workers;

pub struct App {
    pub state: AppState,
    workers: Option<Workers>,
}

impl App {
    /// Opens the state ([`AppState::open`]) and starts every worker.
    pub async fn build(config: Config, admin_password: Option<&str>) -> anyhow::Result<App> {
        Ok(App::start(AppState::open(config, admin_password).await?))
    }

    /// Starts every worker on a state already open (after loading the demo city, say).
    pub fn start(state: AppState) -> App {
        let workers = Some(Workers::start(&state));
        App { state, workers }
    }

    /// The HTTP service, with each request's peer address (for the login throttle).
    pub fn service(
        &self,
    ) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<axum::Router, SocketAddr> {
        crate::api::app(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>()
    }

    /// Serves on `listener` until `shutdown` resolves, lets open requests finish (for 10 s at
    /// most: a stuck client must not keep the process alive), then stops.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
        let service = self.service();
        let server = tokio::spawn(async move {
            axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = stop_rx.wait_for(|s| *s).await;
                })
                .await
        });
        shutdown.await;
        tracing::info!("shutting down: finishing open requests (at most 10 s)");
        let _ = stop_tx.send(true);
        match tokio::time::timeout(Duration::from_secs(10), server).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::error!(error = %e, "server error"),
            Ok(Err(e)) => tracing::error!(error = %e, "server task failed"),
            Err(_) => tracing::warn!("open connections did not finish in time; closing them"),
        }
        self.stop().await;
        Ok(())
    }

    /// Stops the workers, leaving what keeps the index up with the database when
    /// `keep_indexing` (so a test can run the other loops by hand).
    pub async fn stop_workers(&mut self, keep_indexing: bool) {
        if let Some(w) = self.workers.take() {
            w.stop().await;
        }
        if keep_indexing {
            self.workers = Some(Workers::indexing(&self.state));
        }
    }

    /// Stops the workers, releases the search index and closes the database.
    pub async fn stop(mut self) {
        self.stop_workers(false).await;
        self.state.search.stop();
        self.state.db.clone().close().await;
        tracing::info!("stopped");
    }
}
