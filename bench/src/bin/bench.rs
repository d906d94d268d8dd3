//! `cargo run -p hubspot-bench --bin bench -- [--quick] [--write]`: measures
//! the connector through the sandbox and natively, on loopback against the
//! mock, and prints the tables of `BENCHMARKS.md` (`--write` replaces that
//! file). Progress goes to stderr.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use hubspot_bench::native::NativeTransport;
use hubspot_bench::stats::{Summary, micros, millis};
use hubspot_harness::wit::Connection;
use hubspot_harness::{COMPONENT, CompileCache, Connector, Invocation, Loaded, Sandbox};
use hubspot_mock::{MockConfig, MockServer, MockTls, TokenGrant};

const USAGE: &str = "usage: bench [--quick] [--write]
  --quick  fewer samples; finishes in well under a minute (CI runs it as a smoke test)
  --write  write the report to BENCHMARKS.md at the workspace root (default: stdout only)";

/// The actions timed one by one, with inputs the mock answers successfully.
const ACTIONS: &[(&str, &str)] = &[
    (
        "read",
        r#"{"entity": "contacts", "entityId": "1", "properties": ["email", "firstname"]}"#,
    ),
    (
        "update",
        r#"{"entity": "contacts", "entityId": "1", "properties": {"firstname": "Ann"}}"#,
    ),
    (
        "create",
        r#"{"entity": "companies", "properties": {"name": "Bench Inc", "domain": "bench.example"}}"#,
    ),
    (
        "search",
        r#"{"entity": "contacts", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "ann@example.com"}]}], "limit": 10}}"#,
    ),
];

/// The read every other measurement uses.
const READ: &str = r#"{"entity": "contacts", "entityId": "1", "properties": ["email", "firstname"]}"#;

/// Input that fails validation: the call instantiates and parses, sends nothing.
const INVALID: &str = r#"{"entity": "contacts"}"#;

#[derive(Debug, Clone, Copy)]
struct Plan {
    quick: bool,
    per_action: usize,
    warmup: usize,
    lifecycle: usize,
    calls_per_tenant: usize,
    tenants: &'static [usize],
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                quick,
                per_action: 200,
                warmup: 20,
                lifecycle: 200,
                calls_per_tenant: 1,
                tenants: &[1, 16, 256, 1024],
            }
        } else {
            Self {
                quick,
                per_action: 2000,
                warmup: 200,
                lifecycle: 2000,
                calls_per_tenant: 8,
                tenants: &[1, 16, 256, 1024],
            }
        }
    }
}

type Outcome<T> = Result<T, String>;

fn main() -> ExitCode {
    let mut quick = false;
    let mut write = false;
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "--quick" => quick = true,
            "--write" => write = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match run(Plan::new(quick)) {
        Ok(report) => {
            print!("{report}");
            if write {
                let path = workspace().join("BENCHMARKS.md");
                if let Err(error) = std::fs::write(&path, &report) {
                    eprintln!("{}: {error}", path.display());
                    return ExitCode::FAILURE;
                }
                eprintln!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("the benchmark failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn progress(step: &str) {
    eprintln!("bench: {step}");
}

fn runtime() -> Outcome<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("no runtime: {error}"))
}

/// The host's defaults without its per-account rate budget: the mock
/// enforces no rate limits, and the budget's waits (HubSpot's 100 requests
/// per 10 s) would measure HubSpot's limits, not the sandbox.
fn sandbox() -> Sandbox {
    Sandbox {
        rate_limits: None,
        ..Sandbox::default()
    }
}

/// A mock with the seeded contact, accepting `tenants` tokens.
fn mock(tenants: usize, tls: Option<MockTls>) -> Outcome<MockServer> {
    let tokens = (0..tenants.max(1))
        .map(|n| TokenGrant::private_app(token(n), hubspot_mock::all_scopes()))
        .collect();
    let server = MockServer::start(MockConfig {
        tokens,
        tls,
        ..MockConfig::default()
    })
    .map_err(|error| format!("the mock did not start: {error}"))?;
    server
        .seed_record("contacts", "1", &[("email", "ann@example.com"), ("firstname", "Ann")])
        .map_err(|error| error.to_string())?;
    Ok(server)
}

fn token(tenant: usize) -> String {
    format!("pat-na1-bench-{tenant:04}")
}

fn connection(server: &MockServer, tenant: usize) -> Connection {
    Connection {
        access_token: token(tenant),
        api_base: Some(server.base_url()),
        api_version: None,
    }
}

fn invocation(connection: &Connection, action: &str, input: &str) -> Invocation {
    Invocation {
        connection: connection.clone(),
        action: action.to_owned(),
        input: input.to_owned(),
    }
}

/// One call through the component; `Err` unless it succeeded (or, with
/// `expect_invalid`, failed validation).
async fn component_call(connector: &Connector, invocation: &Invocation, expect_invalid: bool) -> Outcome<Duration> {
    let started = Instant::now();
    let call = connector
        .invoke(invocation)
        .await
        .map_err(|error| format!("{}: {error}", invocation.action))?;
    let elapsed = started.elapsed();
    match (&call.result, expect_invalid) {
        (Ok(_), false) | (Err(hubspot_harness::wit::Error::InvalidInput(_)), true) => Ok(elapsed),
        (result, _) => Err(format!("{} answered {result:?}", invocation.action)),
    }
}

fn native_call(
    transport: &mut NativeTransport,
    connection: &Connection,
    action: &str,
    input: &str,
) -> Outcome<Duration> {
    let connection = hubspot_connector::connection::Connection {
        access_token: connection.access_token.clone(),
        api_base: connection.api_base.clone(),
        api_version: connection.api_version.clone(),
    };
    let started = Instant::now();
    let result = hubspot_connector::tool::invoke(transport, &connection, action, input);
    let elapsed = started.elapsed();
    result
        .map(|_| elapsed)
        .map_err(|error| format!("native {action}: {error:?}"))
}

fn times_component(
    runtime: &tokio::runtime::Runtime,
    connector: &Connector,
    invocation: &Invocation,
    plan: Plan,
    count: usize,
    expect_invalid: bool,
) -> Outcome<(Summary, Duration)> {
    runtime.block_on(async {
        for _ in 0..plan.warmup {
            component_call(connector, invocation, expect_invalid).await?;
        }
        let mut samples = Vec::with_capacity(count);
        let started = Instant::now();
        for _ in 0..count {
            samples.push(component_call(connector, invocation, expect_invalid).await?);
        }
        let total = started.elapsed();
        Ok((Summary::of(&samples).ok_or("no samples")?, total))
    })
}

/// A minimal component's `fetch` of the exact request the connector's `read`
/// sends (taken from the mock's log), timed as the connector's calls are.
fn floor(runtime: &tokio::runtime::Runtime, server: &MockServer, tenant: &Connection, plan: Plan) -> Outcome<Summary> {
    let sent = server
        .requests()
        .into_iter()
        .rev()
        .find(|request| request.method == "GET")
        .ok_or("the connector's read sent no GET")?;
    let url = match &sent.query {
        Some(query) => format!("{}{}?{query}", server.base_url(), sent.path),
        None => format!("{}{}", server.base_url(), sent.path),
    };
    let input = serde_json::json!({
        "url": url,
        "headers": { "authorization": format!("Bearer {}", tenant.access_token) },
    })
    .to_string();
    let component = build_wasm("hostile-component", "component-build", &[])?;
    let minimal = Connector::new(&component, sandbox()).map_err(|error| error.to_string())?;
    let fetch = invocation(tenant, "fetch", &input);
    // The minimal component reports any answer as success; check it got the record.
    let first = runtime
        .block_on(minimal.invoke(&fetch))
        .map_err(|error| format!("fetch: {error}"))?;
    let report: serde_json::Value = first
        .result
        .as_deref()
        .ok()
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or_else(|| format!("fetch answered {:?}", first.result))?;
    if report.pointer("/outcome/status") != Some(&serde_json::Value::from(200)) {
        return Err(format!("fetch did not get the record: {report}"));
    }
    times_component(runtime, &minimal, &fetch, plan, plan.per_action, false).map(|(summary, _)| summary)
}

/// `Connector::instantiate`: a fresh store and instance, dropped unused.
fn times_instantiation(runtime: &tokio::runtime::Runtime, connector: &Connector, plan: Plan) -> Outcome<Summary> {
    runtime.block_on(async {
        let mut samples = Vec::with_capacity(plan.lifecycle);
        for round in 0..plan.warmup + plan.lifecycle {
            let elapsed = connector.instantiate().await.map_err(|error| error.to_string())?;
            if round >= plan.warmup {
                samples.push(elapsed);
            }
        }
        Summary::of(&samples).ok_or_else(|| "no samples".to_owned())
    })
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn per_second(count: usize, total: Duration) -> String {
    format!("{:.0}/s", count as f64 / total.as_secs_f64().max(f64::MIN_POSITIVE))
}

/// Resident memory of this process, in bytes (`None` off Linux).
fn resident_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc (unknown)".to_owned());
    let profile = if cfg!(debug_assertions) {
        "dev profile (dependencies at opt-level 1, as `cargo test` builds them)"
    } else {
        "release profile"
    };
    // Other work on the machine shows in every number; say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|load| load.split_whitespace().next().map(str::to_owned))
        .map_or_else(String::new, |load| {
            format!("; load average {load} when the run started")
        });
    format!(
        "{cpu}, {cores} cores available, {} {}; {rustc}; {profile}{load}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

struct Report {
    text: String,
    /// What, goal, measured, and whether it was met (`None`: not measured).
    targets: Vec<(String, String, String, Option<bool>)>,
}

impl Report {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn target(&mut self, what: &str, goal: &str, measured: String, met: bool) {
        self.targets
            .push((what.to_owned(), goal.to_owned(), measured, Some(met)));
    }

    fn unmeasured(&mut self, what: &str, goal: &str) {
        let measured = "not measured in this run (see above)".to_owned();
        self.targets.push((what.to_owned(), goal.to_owned(), measured, None));
    }
}

fn run(plan: Plan) -> Outcome<String> {
    let runtime = runtime()?;
    let mut report = Report {
        text: String::new(),
        targets: Vec::new(),
    };
    let mode = if plan.quick { "quick" } else { "full" };
    report.line("# Benchmarks");
    report.line("");
    report.line(&format!(
        "Written by `cargo run{} -p hubspot-bench --bin bench -- --write` ({mode} mode{}); every number and ratio below comes from that one run, on loopback against the mock (`hubspot-mock`, one thread), which enforces no rate limits, with the host's per-account rate budget off.",
        if cfg!(debug_assertions) { "" } else { " --release" },
        if plan.quick { ", `--quick`" } else { "" }
    ));
    report.line("");
    report.line(&format!("Machine: {}.", machine()));
    report.line("");

    progress("compiling the component");
    let compile_started = Instant::now();
    let connector = std::sync::Arc::new(Connector::embedded(sandbox()).map_err(|error| error.to_string())?);
    let compile = compile_started.elapsed();

    // 1. Per action: component against native.
    let server = mock(1, None)?;
    let tenant = connection(&server, 0);
    let mut native = NativeTransport::new().map_err(|error| error.to_string())?;
    report.line("## Per call: through the component against the same logic compiled natively");
    report.line("");
    report.line(&format!(
        "{} sequential calls per action after {} warm-up calls. *Native* is `hubspot_connector::tool::invoke` — the component's own pure logic — compiled into the host, sending through one hyper HTTP/1.1 keep-alive connection; *component* is `Connector::invoke`: a fresh sandboxed instance per call, the requests through the host's shared keep-alive client.",
        plan.per_action, plan.warmup
    ));
    report.line("");
    report.line("| action | native median | native p99 | component median | component p99 | component / native (median) | component throughput |");
    report.line("|---|---|---|---|---|---|---|");
    let mut read_ratio = None;
    for (action, input) in ACTIONS {
        progress(&format!("per call: {action}"));
        for _ in 0..plan.warmup {
            native_call(&mut native, &tenant, action, input)?;
        }
        let mut samples = Vec::with_capacity(plan.per_action);
        for _ in 0..plan.per_action {
            samples.push(native_call(&mut native, &tenant, action, input)?);
        }
        let native_summary = Summary::of(&samples).ok_or("no samples")?;
        let (component, total) = times_component(
            &runtime,
            &connector,
            &invocation(&tenant, action, input),
            plan,
            plan.per_action,
            false,
        )?;
        let factor = ratio(component.median, native_summary.median);
        if *action == "read" {
            read_ratio = Some((factor, component.median, native_summary.median));
        }
        report.line(&format!(
            "| `{action}` | {} | {} | {} | {} | {factor:.2}× | {} |",
            micros(native_summary.median),
            micros(native_summary.p99),
            micros(component.median),
            micros(component.p99),
            per_second(plan.per_action, total),
        ));
    }
    report.line("");
    report.line(&format!(
        "Connections: the native client opened {}, the component's host {} (for {} requests each, warm-up included).",
        native.opened,
        connector.connections_opened(),
        ACTIONS.len() * (plan.per_action + plan.warmup)
    ));
    report.line("");
    progress("per call: the floor of one GET through wasi:http");
    let floor = floor(&runtime, &server, &tenant, plan)?;
    report.line(&format!(
        "The floor: a minimal component (`tests/hostile-component`, action `fetch`, built with the same profile) that sends the same GET through `wasi:http`, reads the answer and does nothing else takes {} (p99 {}) per call in the same sandbox: what any component pays here for a fresh instance and one request through wasmtime-wasi-http, {:.2}× the native client on its own.",
        micros(floor.median),
        micros(floor.p99),
        read_ratio.map_or(0.0, |(_, _, native)| ratio(floor.median, native)),
    ));
    report.line("");
    if let Some((factor, component, native)) = read_ratio {
        report.target(
            "warm `read` through the component vs native",
            "≤ 1.2×",
            format!(
                "{factor:.2}× ({} vs {}; a minimal component making the same GET: {:.2}×)",
                micros(component),
                micros(native),
                ratio(floor.median, native)
            ),
            factor <= 1.2,
        );
    }

    // 1b. HubSpot's official SDKs, each when it is installed.
    progress("official SDKs");
    report.line("## HubSpot's official SDKs on the same mock");
    report.line("");
    let component = read_ratio.map(|(_, component, _)| component).unwrap_or_default();
    let sdks = [
        (
            "Python SDK",
            format!(
                "`hubspot-api-client` (PyPI, in the interpreter named by `{PYTHON_VARIABLE}`): `crm.contacts.basic_api.get_by_id`"
            ),
            format!(
                "set `{PYTHON_VARIABLE}` to a Python with `hubspot-api-client` installed (`python -m venv v && v/bin/pip install hubspot-api-client`)"
            ),
            python_sdk(&server, plan)?,
        ),
        (
            "Node.js SDK",
            "`@hubspot/api-client` (npm, the version `bench/sdk/package-lock.json` pins, run by `node`): `crm.contacts.basicApi.getById`".to_owned(),
            "install it with `npm ci --prefix bench/sdk`".to_owned(),
            node_sdk(&server, plan)?,
        ),
    ];
    report.line(&format!(
        "Each SDK reads the same contact with the same properties, {} calls after {} warm-up calls, in its own process:",
        plan.per_action, plan.warmup
    ));
    report.line("");
    for (name, how, _, _) in &sdks {
        report.line(&format!("- {name}: {how}."));
    }
    report.line("");
    if sdks.iter().any(|(_, _, _, timings)| timings.is_some()) {
        report.line("| client | median | p99 | component / SDK (median) |");
        report.line("|---|---|---|---|");
        for (name, _, _, timings) in &sdks {
            if let Some(sdk) = timings {
                report.line(&format!(
                    "| {name} | {} | {} | {:.2}× |",
                    micros(sdk.median),
                    micros(sdk.p99),
                    ratio(component, sdk.median)
                ));
            }
        }
        report.line("");
    }
    for (name, _, enable, timings) in &sdks {
        let what = format!("faster per call than the official {name}");
        let goal = "component median < SDK median";
        match timings {
            Some(sdk) => report.target(
                &what,
                goal,
                format!("{} vs {}", micros(component), micros(sdk.median)),
                component < sdk.median,
            ),
            None => {
                report.line(&format!("{name} not measured in this run: {enable}."));
                report.line("");
                report.unmeasured(&what, goal);
            }
        }
    }

    // 2. Lifecycle.
    progress("lifecycle: cache, instantiation");
    let cache_dir = std::env::temp_dir().join(format!("hubspot-bench-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache_dir);
    let cache = CompileCache::new(&cache_dir);
    let first = Connector::with_cache(COMPONENT, sandbox(), &cache).map_err(|error| error.to_string())?;
    if *first.loaded() != Loaded::CompiledAndCached {
        return Err(format!("the cache was not filled: {:?}", first.loaded()));
    }
    drop(first);
    let load_started = Instant::now();
    let cached = Connector::with_cache(COMPONENT, sandbox(), &cache).map_err(|error| error.to_string())?;
    let from_cache = load_started.elapsed();
    if *cached.loaded() != Loaded::FromCache {
        return Err(format!("the cache was not used: {:?}", cached.loaded()));
    }
    drop(cached);
    let _ = std::fs::remove_dir_all(&cache_dir);

    let on_demand = Connector::embedded(Sandbox {
        instance_slots: None,
        ..sandbox()
    })
    .map_err(|error| error.to_string())?;
    let pooled_alone = times_instantiation(&runtime, &connector, plan)?;
    let on_demand_alone = times_instantiation(&runtime, &on_demand, plan)?;
    let invalid = invocation(&tenant, "read", INVALID);
    let (pooled_instantiate, _) = times_component(&runtime, &connector, &invalid, plan, plan.lifecycle, true)?;
    let (on_demand_instantiate, _) = times_component(&runtime, &on_demand, &invalid, plan, plan.lifecycle, true)?;
    let (pooled_read, _) = times_component(
        &runtime,
        &connector,
        &invocation(&tenant, "read", READ),
        plan,
        plan.lifecycle,
        false,
    )?;
    let (on_demand_read, _) = times_component(
        &runtime,
        &on_demand,
        &invocation(&tenant, "read", READ),
        plan,
        plan.lifecycle,
        false,
    )?;
    drop(on_demand);
    let process = cli_process(&server)?;

    report.line("## The component's lifecycle");
    report.line("");
    report.line("| step | time |");
    report.line("|---|---|");
    report.line(&format!(
        "| compile (Cranelift) and pre-instantiate, once per process without the cache | {} |",
        millis(compile)
    ));
    report.line(&format!(
        "| load the compiled component from the compile cache instead | {} |",
        millis(from_cache)
    ));
    for (step, summary) in [
        (
            "instantiate in a fresh store and drop it (`Connector::instantiate`), pooling allocator",
            pooled_alone,
        ),
        ("the same, on-demand allocator", on_demand_alone),
        (
            "a call that fails validation (instantiate + parse, no HTTP), pooling allocator",
            pooled_instantiate,
        ),
        ("the same, on-demand allocator", on_demand_instantiate),
    ] {
        report.line(&format!(
            "| {step}: median / p99 | {} / {} |",
            micros(summary.median),
            micros(summary.p99)
        ));
    }
    report.line(&format!(
        "| `read`, pooling allocator / on-demand allocator (medians) | {} / {} |",
        micros(pooled_read.median),
        micros(on_demand_read.median)
    ));
    match process {
        Some((cold, warm)) => report.line(&format!(
            "| `hubspot-harness invoke read …` as a whole process against a running mock: cache empty / cache warm (median of 5) | {} / {} |",
            millis(cold),
            millis(warm)
        )),
        None => report.line(&format!(
            "| `hubspot-harness invoke read …` as a whole process | not measured: build the binary first (`cargo build{}`) |",
            if cfg!(debug_assertions) { "" } else { " --release" }
        )),
    }
    report.line("");
    report.target(
        "instantiation per call",
        "≤ 25 µs",
        format!(
            "{} pooled ({} with a call that rejects its input)",
            micros(pooled_alone.median),
            micros(pooled_instantiate.median)
        ),
        pooled_alone.median <= Duration::from_micros(25),
    );
    if let Some((_, warm)) = process {
        report.target(
            "`hubspot-harness invoke read` process, warm cache",
            "≤ 30 ms",
            millis(warm),
            warm <= Duration::from_millis(30),
        );
    }

    // 3. Tenants at once.
    report.line("## Tenants calling at once");
    report.line("");
    report.line(&format!(
        "Each tenant has its own token and makes {} `read` call(s); all start together on a 2-worker tokio runtime. Memory is the growth of the process's resident set during the run, divided by the tenants.",
        plan.calls_per_tenant
    ));
    report.line("");
    report.line("| tenants | calls | throughput | median | p99 | resident growth per tenant |");
    report.line("|---|---|---|---|---|---|");
    let many = mock(*plan.tenants.iter().max().unwrap_or(&1), None)?;
    let mut throughputs = Vec::new();
    let mut per_tenant_memory = None;
    for &tenants in plan.tenants {
        progress(&format!("{tenants} tenants at once"));
        let before = resident_bytes("VmRSS:");
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let invocations: Vec<Invocation> = (0..tenants)
            .map(|n| invocation(&connection(&many, n), "read", READ))
            .collect();
        let started = Instant::now();
        let samples: Vec<Duration> = runtime.block_on(async {
            let sampler = {
                let peak = std::sync::Arc::clone(&peak);
                tokio::spawn(async move {
                    loop {
                        if let Some(now) = resident_bytes("VmRSS:") {
                            peak.fetch_max(now, std::sync::atomic::Ordering::Relaxed);
                        }
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                })
            };
            let calls = invocations.into_iter().map(|invocation| {
                let connector = std::sync::Arc::clone(&connector);
                async move {
                    let mut times = Vec::new();
                    for _ in 0..plan.calls_per_tenant {
                        times.push(component_call(&connector, &invocation, false).await?);
                    }
                    Ok::<_, String>(times)
                }
            });
            let results = join_all(calls).await;
            sampler.abort();
            results.into_iter().collect::<Outcome<Vec<_>>>().map(|all| all.concat())
        })?;
        let total = started.elapsed();
        let summary = Summary::of(&samples).ok_or("no samples")?;
        let growth = before.map(|before| peak.load(std::sync::atomic::Ordering::Relaxed).saturating_sub(before));
        let per_tenant = growth.map(|growth| growth / tenants as u64);
        if tenants == 1024 {
            per_tenant_memory = per_tenant;
        }
        throughputs.push(samples.len() as f64 / total.as_secs_f64());
        report.line(&format!(
            "| {tenants} | {} | {} | {} | {} | {} |",
            samples.len(),
            per_second(samples.len(), total),
            micros(summary.median),
            micros(summary.p99),
            per_tenant.map_or_else(|| "n/a".to_owned(), |bytes| format!("{:.0} KiB", bytes as f64 / 1024.0)),
        ));
    }
    report.line("");
    report.line(&format!(
        "Connections opened by the host in all: {} (the mock accepted {} for this table).",
        connector.connections_opened(),
        many.connections_accepted()
    ));
    report.line("");
    if let Some(bytes) = per_tenant_memory {
        report.target(
            "memory per instance (1,024 at once)",
            "≤ 1 MiB",
            format!("{:.0} KiB", bytes as f64 / 1024.0),
            bytes <= 1024 * 1024,
        );
    }
    let grows = throughputs.windows(2).take(1).all(|pair| pair[1] >= pair[0] * 0.95);
    report.target(
        "throughput grows with tenants until the cores are busy",
        "1 → 16 tenants: more calls per second",
        throughputs
            .iter()
            .map(|t| format!("{t:.0}/s"))
            .collect::<Vec<_>>()
            .join(" → "),
        grows,
    );

    // 4. HTTPS.
    progress("HTTPS");
    let https = https(&runtime, plan)?;
    report.line("## HTTPS");
    report.line("");
    report.line("The same `read` against the mock served over TLS with a certificate this run made (rcgen), its CA trusted through `Sandbox::extra_ca` (`--extra-ca`).");
    report.line("");
    report.line("| | median | p99 | connections opened |");
    report.line("|---|---|---|---|");
    report.line(&format!(
        "| `read` over HTTPS, {} calls | {} | {} | {} |",
        https.0.count,
        micros(https.0.median),
        micros(https.0.p99),
        https.1
    ));
    report.line(&format!(
        "| `read` over HTTPS, a new connector per call (a new connection and TLS handshake each, {} calls) | {} | {} | {} |",
        https.2.count,
        micros(https.2.median),
        micros(https.2.p99),
        https.2.count
    ));
    report.line("");

    // 5. Size.
    let size = COMPONENT.len();
    report.line("## Size");
    report.line("");
    report.line(&format!(
        "The component this host embeds: {size} bytes ({:.0} KiB).",
        size as f64 / 1024.0
    ));
    report.line("");
    let mut optimized_size = None;
    if plan.quick {
        report.line("The build steps below are measured in full mode only (they rebuild the component).");
        report.line("");
    } else {
        progress("size: building the component with each step");
        report.line("Each step rebuilds the component (`--profile component`, wasm32-wasip2) with the workspace's settings overridden as shown:");
        report.line("");
        report.line("| step | bytes | change |");
        report.line("|---|---|---|");
        let mut previous: Option<u64> = None;
        for (step, overrides) in SIZE_STEPS {
            let bytes = build_component(overrides)?.len() as u64;
            let change = previous.map_or_else(String::new, |before| {
                format!("{:+.1} %", (bytes as f64 - before as f64) / before as f64 * 100.0)
            });
            report.line(&format!("| {step} | {bytes} | {change} |"));
            previous = Some(bytes);
        }
        report.line("");
        progress("size: wasm-opt");
        match wasm_opt() {
            Some(wasm_opt) => {
                let optimized = optimized_component(&wasm_opt)?;
                check_answers_alike(&runtime, &tenant, &connector, &optimized.bytes)?;
                let bytes = optimized.bytes.len() as u64;
                report.line(&format!(
                    "Not in the default build: `wasm-opt -Oz` (binaryen {}, `npm ci --prefix bench/tools`) on the connector's core module, wrapped as a component again with `wit-component`: {bytes} bytes ({:+.1} % against the component above; it answers the benchmark's `read` as the embedded one does). This run wrote it to `{}`; `HUBSPOT_CONNECTOR_WASM` makes the harness embed it.",
                    optimized.binaryen,
                    (bytes as f64 - size as f64) / size as f64 * 100.0,
                    optimized
                        .path
                        .strip_prefix(workspace())
                        .unwrap_or(&optimized.path)
                        .display()
                ));
                optimized_size = Some(bytes);
            }
            None => report.line(
                "`wasm-opt` was not measured: `npm ci --prefix bench/tools` installs the binaryen this benchmark uses.",
            ),
        }
        report.line("");
        progress("size: attributing the code to crates");
        let unstripped = build_component(&[("CARGO_PROFILE_COMPONENT_STRIP", "false")])?;
        let parts = hubspot_bench::size::breakdown(&unstripped)?;
        let code: u64 = parts.code_by_crate.iter().map(|(_, bytes)| bytes).sum();
        let stripped = size as u64;
        report.line("What the component's bytes are: function bodies by the crate each function comes from (read from the name section of an unstripped build of the same code; an inlined function counts where it ends up, a generic one under the crate that defines it, whatever types it is instantiated with), its data, and the rest of the file (types, imports and exports, the component's own sections and glue).");
        report.line("");
        report.line("| part | bytes | share |");
        report.line("|---|---|---|");
        let share = |bytes: u64| format!("{:.1} %", bytes as f64 / stripped.max(1) as f64 * 100.0);
        let mut other_code = 0u64;
        for (owner, bytes) in &parts.code_by_crate {
            if *bytes * 100 >= code {
                let owner = if owner.contains(' ') {
                    owner.clone()
                } else {
                    format!("`{owner}`")
                };
                report.line(&format!("| code: {owner} | {bytes} | {} |", share(*bytes)));
            } else {
                other_code += bytes;
            }
        }
        report.line(&format!(
            "| code: every other crate (under 1 % of the code each) | {other_code} | {} |",
            share(other_code)
        ));
        report.line(&format!("| data segments | {} | {} |", parts.data, share(parts.data)));
        let rest = stripped.saturating_sub(code + parts.data);
        report.line(&format!("| the rest of the file | {rest} | {} |", share(rest)));
        report.line("");
    }
    report.target(
        "component size",
        "≤ 400 KiB",
        match optimized_size {
            Some(optimized) => format!(
                "{:.0} KiB ({:.0} KiB after `wasm-opt -Oz`, not in the default build)",
                size as f64 / 1024.0,
                optimized as f64 / 1024.0
            ),
            None => format!("{:.0} KiB", size as f64 / 1024.0),
        },
        size <= 400 * 1024,
    );

    report.line("## Targets");
    report.line("");
    report.line("| target | goal | measured | met |");
    report.line("|---|---|---|---|");
    let mut rows = String::new();
    for (what, goal, measured, met) in &report.targets {
        let _ = writeln!(
            rows,
            "| {what} | {goal} | {measured} | {} |",
            match met {
                Some(true) => "yes",
                Some(false) => "no",
                None => "—",
            }
        );
    }
    report.text.push_str(&rows);
    Ok(report.text)
}

/// Runs the futures together on the current task set.
async fn join_all<F: Future + Send + 'static>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        if let Ok(output) = handle.await {
            outputs.push(output);
        }
    }
    outputs
}

/// `read` over TLS: with the shared connector, then with a new connector
/// (so a new connection) per call.
fn https(runtime: &tokio::runtime::Runtime, plan: Plan) -> Outcome<(Summary, u64, Summary)> {
    let (ca_pem, tls) = test_pki()?;
    let ca_file = std::env::temp_dir().join(format!("hubspot-bench-ca-{}.pem", std::process::id()));
    std::fs::write(&ca_file, ca_pem).map_err(|error| error.to_string())?;
    let server = mock(1, Some(tls))?;
    let tenant = connection(&server, 0);
    let sandbox = Sandbox {
        extra_ca: Some(ca_file.clone()),
        ..sandbox()
    };
    let connector = Connector::embedded(sandbox.clone()).map_err(|error| error.to_string())?;
    let read = invocation(&tenant, "read", READ);
    let (shared, _) = times_component(runtime, &connector, &read, plan, plan.per_action / 2, false)?;
    let opened = connector.connections_opened();
    // A connector per call would recompile; a cache makes it cheap, and each
    // still opens its own connection.
    let cache_dir = std::env::temp_dir().join(format!("hubspot-bench-tls-cache-{}", std::process::id()));
    let cache = CompileCache::new(&cache_dir);
    let fresh_calls = if plan.quick { 10 } else { 50 };
    let mut samples = Vec::new();
    for _ in 0..fresh_calls {
        let fresh = Connector::with_cache(COMPONENT, sandbox.clone(), &cache).map_err(|error| error.to_string())?;
        samples.push(runtime.block_on(component_call(&fresh, &read, false))?);
    }
    let _ = std::fs::remove_dir_all(cache_dir);
    let _ = std::fs::remove_file(ca_file);
    Ok((shared, opened, Summary::of(&samples).ok_or("no samples")?))
}

/// A CA and a certificate for 127.0.0.1 it issued.
fn test_pki() -> Outcome<(String, MockTls)> {
    let error = |error: rcgen::Error| error.to_string();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(error)?;
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "hubspot-bench CA");
    let ca_key = rcgen::KeyPair::generate().map_err(error)?;
    let ca = ca_params.self_signed(&ca_key).map_err(error)?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).map_err(error)?;
    let leaf_key = rcgen::KeyPair::generate().map_err(error)?;
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).map_err(error)?;
    Ok((
        ca.pem(),
        MockTls {
            cert_chain_pem: leaf.pem(),
            key_pem: leaf_key.serialize_pem(),
        },
    ))
}

/// Names a Python interpreter with HubSpot's SDK installed.
const PYTHON_VARIABLE: &str = "HUBSPOT_BENCH_PYTHON";

/// The SDK scripts, and the Node SDK's package.
fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sdk")
}

/// The Python SDK's `read` timings, or `None` without an interpreter.
fn python_sdk(server: &MockServer, plan: Plan) -> Outcome<Option<Summary>> {
    let Some(python) = std::env::var_os(PYTHON_VARIABLE).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    sdk_read("Python SDK", &python, &sdk_dir().join("python_read.py"), server, plan).map(Some)
}

/// The Node.js SDK's `read` timings, or `None` until
/// `npm ci --prefix bench/sdk` has installed it.
fn node_sdk(server: &MockServer, plan: Plan) -> Outcome<Option<Summary>> {
    let sdk = sdk_dir();
    if !sdk.join("node_modules").join("@hubspot").join("api-client").is_dir() {
        return Ok(None);
    }
    sdk_read(
        "Node.js SDK",
        OsStr::new("node"),
        &sdk.join("node_read.mjs"),
        server,
        plan,
    )
    .map(Some)
}

/// Runs `program script BASE_URL TOKEN COUNT WARMUP`, a script that reads
/// contact 1 through an SDK and prints its per-call nanoseconds as JSON.
fn sdk_read(name: &str, program: &OsStr, script: &Path, server: &MockServer, plan: Plan) -> Outcome<Summary> {
    let output = Command::new(program)
        .arg(script)
        .args([
            server.base_url(),
            token(0),
            plan.per_action.to_string(),
            plan.warmup.to_string(),
        ])
        .output()
        .map_err(|error| format!("{name}: {}: {error}", Path::new(program).display()))?;
    if !output.status.success() {
        return Err(format!(
            "the {name} run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let nanos: Vec<u64> = serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("the {name} run printed no timings: {error}"))?;
    let samples: Vec<Duration> = nanos.into_iter().map(Duration::from_nanos).collect();
    Summary::of(&samples).ok_or_else(|| format!("the {name} run printed no timings"))
}

/// The component's build steps, each the profile overrides it adds.
const SIZE_STEPS: &[(&str, &[(&str, &str)])] = &[
    (
        "release, `opt-level = \"s\"`, LTO, one codegen unit, stripped, `panic = \"abort\"` (before)",
        &[("CARGO_PROFILE_COMPONENT_OPT_LEVEL", "s")],
    ),
    ("`opt-level = \"z\"` (the workspace's profile now)", &[]),
];

/// Builds the connector with `overrides` into a directory of its own and
/// returns its bytes.
fn build_component(overrides: &[(&str, &str)]) -> Outcome<Vec<u8>> {
    build_wasm("hubspot-connector", "component-size", overrides)
}

/// Builds `package` as a component (`--profile component`, wasm32-wasip2)
/// in `target/<target_dir>` with the profile `overrides`; returns its bytes.
fn build_wasm(package: &str, target_dir: &str, overrides: &[(&str, &str)]) -> Outcome<Vec<u8>> {
    let target_dir = workspace().join("target").join(target_dir);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace())
        .args([
            "build",
            "--quiet",
            "--package",
            package,
            "--target",
            "wasm32-wasip2",
            "--profile",
            "component",
        ])
        .arg("--target-dir")
        .arg(&target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    for (name, value) in overrides {
        command.env(name, value);
    }
    let output = command.output().map_err(|error| format!("cargo: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "building the component failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let wasm = target_dir
        .join("wasm32-wasip2")
        .join("component")
        .join(format!("{}.wasm", package.replace('-', "_")));
    std::fs::read(&wasm).map_err(|error| format!("{}: {error}", wasm.display()))
}

/// binaryen's `wasm-opt` as `npm ci --prefix bench/tools` installs it.
fn wasm_opt() -> Option<PathBuf> {
    let path = workspace().join("bench/tools/node_modules/binaryen/bin/wasm-opt");
    path.exists().then_some(path)
}

/// The connector after `wasm-opt`, and where it was written.
struct Optimized {
    bytes: Vec<u8>,
    path: PathBuf,
    binaryen: String,
}

/// The wasm features rustc's wasm32-wasip2 target emits by default, which
/// `wasm-opt` must be allowed to keep.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// Links the connector's core module without making it a component, runs
/// `wasm-opt -Oz` on it (binaryen works on core modules only), and wraps the
/// result as a component with `wit-component`, as the linker would have.
fn optimized_component(wasm_opt: &Path) -> Outcome<Optimized> {
    let core = build_wasm(
        "hubspot-connector",
        "component-core",
        &[("RUSTFLAGS", "-C link-arg=--skip-wit-component")],
    )?;
    let directory = workspace().join("target").join("component-opt");
    std::fs::create_dir_all(&directory).map_err(|error| format!("{}: {error}", directory.display()))?;
    let input = directory.join("hubspot_connector.core.wasm");
    let output = directory.join("hubspot_connector.core.opt.wasm");
    std::fs::write(&input, &core).map_err(|error| format!("{}: {error}", input.display()))?;
    let run = Command::new(wasm_opt)
        .arg("-Oz")
        .args(WASM_FEATURES)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .map_err(|error| format!("{}: {error}", wasm_opt.display()))?;
    if !run.status.success() {
        return Err(format!("wasm-opt failed: {}", String::from_utf8_lossy(&run.stderr)));
    }
    let optimized_core = std::fs::read(&output).map_err(|error| format!("{}: {error}", output.display()))?;
    let bytes = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&optimized_core)
        .and_then(|encoder| encoder.encode())
        .map_err(|error| format!("wrapping the optimized module as a component failed: {error:#}"))?;
    let path = directory.join("hubspot_connector.wasm");
    std::fs::write(&path, &bytes).map_err(|error| format!("{}: {error}", path.display()))?;
    let version = Command::new(wasm_opt)
        .arg("--version")
        .output()
        .map(|version| String::from_utf8_lossy(&version.stdout).trim().to_owned())
        .unwrap_or_default();
    let binaryen = version
        .split_whitespace()
        .skip_while(|word| *word != "version")
        .nth(1)
        .unwrap_or("(version unknown)")
        .to_owned();
    Ok(Optimized { bytes, path, binaryen })
}

/// The optimized component must answer as the embedded one: the same `read`
/// gives the same answer.
fn check_answers_alike(
    runtime: &tokio::runtime::Runtime,
    tenant: &Connection,
    embedded: &Connector,
    optimized: &[u8],
) -> Outcome<()> {
    let optimized =
        Connector::new(optimized, sandbox()).map_err(|error| format!("the optimized component: {error}"))?;
    let read = invocation(tenant, "read", READ);
    let answer = |connector: &Connector| -> Outcome<String> {
        let call = runtime
            .block_on(connector.invoke(&read))
            .map_err(|error| error.to_string())?;
        call.result.map_err(|error| format!("read failed: {error:?}"))
    };
    let (expected, got) = (answer(embedded)?, answer(&optimized)?);
    if expected == got {
        Ok(())
    } else {
        Err(format!(
            "the optimized component answered {got} where the embedded one answered {expected}"
        ))
    }
}

/// `hubspot-harness invoke read` as a whole process, cache empty then warm;
/// `None` when the binary has not been built next to this one.
fn cli_process(server: &MockServer) -> Outcome<Option<(Duration, Duration)>> {
    let Some(binary) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hubspot-harness")))
        .filter(|path| path.exists())
    else {
        return Ok(None);
    };
    progress("the CLI as a process");
    let cache_dir = std::env::temp_dir().join(format!("hubspot-bench-cli-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache_dir);
    let run = || -> Outcome<Duration> {
        let started = Instant::now();
        let output = Command::new(&binary)
            .args(["invoke", "read", READ, "--api-base", &server.base_url()])
            .env("HUBSPOT_ACCESS_TOKEN", token(0))
            .env(hubspot_harness::CACHE_DIR_VARIABLE, &cache_dir)
            .output()
            .map_err(|error| format!("{}: {error}", binary.display()))?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            return Err(format!("the CLI failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(elapsed)
    };
    let cold = run()?;
    let mut warm = Vec::new();
    for _ in 0..5 {
        warm.push(run()?);
    }
    let _ = std::fs::remove_dir_all(&cache_dir);
    Ok(Some((cold, Summary::of(&warm).ok_or("no samples")?.median)))
}
