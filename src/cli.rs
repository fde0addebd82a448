//! The command line: `serve`, `migrate`, `seed --demo [--synthetic N]`, `reindex`, `eval`,
//! `user create`.
//!
//! Every flag falls back to a `LIANMENG_*` environment variable, so the same binary is
//! configured by flags on a laptop and by environment in a service manager.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::Db;
use crate::domain::{Role, regions, users};
use crate::state::AppState;

#[derive(Parser, Debug)]
#[command(
    name = "lianmeng",
    version,
    about = "党建联盟资源对接服务 (party-building alliance resource matching)"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP service.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LIANMENG_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Password of user `admin`, created at start-up when no admin exists.
        #[arg(long, env = "LIANMENG_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
        /// Load the demo city into an empty database first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database and exit.
    Reindex,
    /// Write a consistent copy of the embedded SQLite database to FILE, while the service may
    /// be running (PostgreSQL: pg_dump).
    Backup {
        /// The copy to write (must not exist).
        file: PathBuf,
    },
    /// Replace the embedded SQLite database with the backup FILE, with the service stopped;
    /// the search index is rebuilt at the next start (PostgreSQL: pg_restore).
    Restore {
        /// A file written by `lianmeng backup`.
        file: PathBuf,
    },
    /// Move the whole deployment from the embedded SQLite database to an empty PostgreSQL
    /// database, and verify every table (row counts and checksums).
    MigrateData {
        /// The empty PostgreSQL database (postgres://…).
        #[arg(long)]
        to: String,
    },
    /// Measure matching quality on a labelled set (tests/fixtures/eval.json), against the
    /// baselines, in a fresh temporary database.
    Eval {
        /// The labelled set.
        #[arg(default_value = "tests/fixtures/eval.json")]
        file: PathBuf,
        /// Run on this (empty) database instead of a temporary SQLite file. Deliberately not
        /// read from the environment, so the evaluation never writes into a real database.
        #[arg(long)]
        empty_database: Option<String>,
        /// Print each need's top results.
        #[arg(long)]
        details: bool,
        /// Match with this synonym dictionary instead of the built-in one: measures an edited
        /// `synonyms.txt` before it is put in a data directory.
        #[arg(long)]
        synonyms: Option<PathBuf>,
    },
    /// Load data into the database.
    Seed {
        /// The deterministic demo city of Kunming (only into an empty database).
        #[arg(long, required = true)]
        demo: bool,
        /// Also add this many synthetic resources (for benchmarks at 10k, 100k, 1M), then
        /// rebuild the search index.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
        synthetic: Option<u32>,
    },
    /// Import a 资源清单 or 需求清单 from a CSV or XLSX file (told apart by its headers), all
    /// or nothing, as a user of the service would through the API. The server's index picks
    /// the new entries up from the outbox; this command does not need it.
    Import {
        /// The CSV (UTF-8, BOM or GBK) or XLSX file.
        file: PathBuf,
        /// The alliance needs are posted to; for resources, the units must be its members.
        #[arg(long)]
        alliance: Option<i64>,
        /// Check every row and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The user the entries are posted as (their role decides what they may post).
        #[arg(long = "as", default_value = "admin")]
        user: String,
        /// Import rows nearly the same as open entries anyway.
        #[arg(long)]
        allow_duplicates: bool,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create a user.
    Create {
        #[arg(long)]
        username: String,
        /// Read from LIANMENG_NEW_USER_PASSWORD when not given.
        #[arg(long, env = "LIANMENG_NEW_USER_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long)]
        display_name: String,
        /// admin, coordinator, member or reviewer.
        #[arg(long)]
        role: String,
        #[arg(long)]
        alliance_id: Option<i64>,
        #[arg(long)]
        organization_id: Option<i64>,
    },
}

pub fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // Everything was stopped and stored; an embedding computation still running on a blocking
    // thread is thrown away rather than waited for (the next start embeds that row again).
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives each thread that allocates its own heap arena (up to eight per core) and
/// rarely hands their free space back. Index queries run on whichever thread holds the
/// async worker's turn (`block_in_place` hands the worker role to fresh threads), so under
/// load the arenas multiply; two keep resident memory at a third for the same speed
/// (BENCHMARKS.md, "Memory under load"). Set before any thread starts; `MALLOC_ARENA_MAX`
/// still overrides.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("LIANMENG_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // Colour codes only for a person at a terminal, never into a journal or a log file.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    if std::env::var("LIANMENG_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The configuration, with its data directory made.
fn config(config: Config) -> anyhow::Result<Config> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create data directory {}: {e}",
            config.data_dir.display()
        )
    })?;
    Ok(config)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = config(cli.config)?;
    match cli.command {
        Command::Serve {
            bind,
            admin_password,
            demo,
        } => {
            let state = AppState::open(config, admin_password.as_deref()).await?;
            if demo {
                seed_demo(&state).await?;
            }
            serve(state, bind).await
        }
        Command::Eval {
            file,
            empty_database,
            details,
            synonyms,
        } => {
            let scores =
                crate::eval::run(&file, empty_database, details, synonyms.as_deref()).await?;
            crate::eval::print(&scores);
            Ok(())
        }
        Command::Reindex => {
            let dir = config.data_dir.join("index");
            crate::search::refuse_if_served(&dir)?;
            if dir.exists() {
                crate::search::empty_dir(&dir)
                    .map_err(|e| anyhow::anyhow!("无法删除旧索引 {}：{e}", dir.display()))?;
            }
            // Opening finds no index and rebuilds it from the database.
            let state = AppState::open(config, None).await?;
            state.search.stop();
            println!("搜索索引已重建（{} 条变更之后）", state.search.applied());
            state.db.close().await;
            Ok(())
        }
        Command::Import {
            file,
            alliance,
            dry_run,
            user,
            allow_duplicates,
        } => {
            let opts = crate::domain::spreadsheets::ImportOptions {
                alliance_id: alliance,
                dry_run,
                allow_duplicates,
            };
            import(config, &file, opts, &user).await
        }
        Command::Backup { file } => crate::ops::backup(&config, &file).await,
        Command::Restore { file } => crate::ops::restore(&config, &file).await,
        Command::MigrateData { to } => crate::ops::migrate::migrate_data(&config, &to).await,
        Command::Migrate => {
            let state = AppState::open(config, None).await?;
            tracing::info!("migrations applied");
            state.db.close().await;
            Ok(())
        }
        Command::Seed { demo: _, synthetic } => {
            let state = AppState::open(config, None).await?;
            seed_demo(&state).await?;
            if let Some(count) = synthetic {
                let started = std::time::Instant::now();
                let n = crate::demo::synthetic::seed_resources(&state.db, count as usize, 0x5EED)
                    .await?;
                if n == 0 {
                    anyhow::bail!("数据库里没有带联络员账号的成员单位，无法添加合成资源");
                }
                println!(
                    "已添加 {n} 条合成资源（{:.1} 秒），正在重建搜索索引……",
                    started.elapsed().as_secs_f64()
                );
                let started = std::time::Instant::now();
                state.search.rebuild(&state.db).await?;
                println!(
                    "搜索索引已重建（{:.1} 秒）",
                    started.elapsed().as_secs_f64()
                );
            }
            state.search.stop();
            state.db.close().await;
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    password,
                    display_name,
                    role,
                    alliance_id,
                    organization_id,
                },
        } => {
            let state = AppState::open(config, None).await?;
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("角色须为 admin、coordinator、member 或 reviewer")
            })?;
            let input = users::NewUser {
                username: Some(username),
                password: Some(password),
                display_name: Some(display_name),
                role: Some(role),
                alliance_id,
                organization_id,
                must_change_password: false,
            };
            let hash = users::PasswordHash::of(input.password.as_deref()).await?;
            let city = regions::ensure_city(
                state.read(),
                &state.config.city_code,
                &state.config.city_name,
            )
            .await?;
            let tx = state.db.begin().await?;
            let user = users::create(&tx, None, city.id, input, hash)
                .await
                .map_err(crate::error::Error::into_anyhow)?;
            tx.commit().await?;
            println!("已创建用户 {} (id {})", user.username, user.id);
            state.db.close().await;
            Ok(())
        }
    }
}

async fn seed_demo(state: &AppState) -> anyhow::Result<()> {
    match crate::demo::seed(&state.db, &state.config).await? {
        Some(logins) => {
            println!(
                "\n已载入演示数据：昆明市。演示账号（密码均为 {}）：",
                crate::demo::PASSWORD
            );
            for l in logins {
                println!("  {:<14} {}", l.username, l.description);
            }
            println!();
        }
        None => println!(
            "数据库中已有数据，未载入演示数据（演示账号密码为 {}）。",
            crate::demo::PASSWORD
        ),
    }
    Ok(())
}

async fn serve(state: AppState, bind: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    tracing::info!(address = %listener.local_addr()?, "lianmeng listening; API docs at /docs");
    crate::App::start(state)
        .serve(listener, shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

async fn import(
    config: Config,
    file: &Path,
    opts: crate::domain::spreadsheets::ImportOptions,
    username: &str,
) -> anyhow::Result<()> {
    use crate::domain::imports;
    let dry_run = opts.dry_run;
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", file.display()))?;
    let table = crate::sheets::read(&bytes).map_err(|m| anyhow::anyhow!("{m}"))?;
    let db = Db::connect(&config.database_url()).await?;
    db.migrate().await?;
    let user = users::by_username(&db.read, username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("用户 {username} 不存在（用 --as 指定发布人）"))?;
    let actor = crate::domain::auth::actor_of(&user, None)?;
    let bar = indicatif::ProgressBar::new(table.rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} 行")
            .expect("a valid template"),
    );
    let job = imports::start(&db, &actor, &table, &opts, Some(file.display().to_string()))
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let report = imports::run(
        &db,
        &actor,
        job.id,
        &table,
        &opts,
        &|step, done| {
            bar.set_message(step.label());
            bar.set_position(done as u64);
        },
        &|| {},
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    bar.finish_and_clear();
    db.close().await;
    for p in &report.problems {
        let column = if p.column.is_empty() {
            String::new()
        } else {
            format!("「{}」", p.column)
        };
        eprintln!("第 {} 行{column}：{}", p.row, p.message);
    }
    if !report.ignored_columns.is_empty() {
        println!("未导入的列：{}", report.ignored_columns.join("、"));
    }
    if !report.problems.is_empty() {
        anyhow::bail!(
            "{} 行中有 {} 处问题，未写入任何数据",
            report.rows,
            report.problems.len()
        );
    }
    if let Some(m) = &report.message {
        anyhow::bail!("{m}");
    }
    if dry_run {
        println!("检查通过：{} 行均可导入（试运行，未写入）", report.valid);
    } else {
        println!("已导入 {} 行", report.created);
    }
    Ok(())
}
