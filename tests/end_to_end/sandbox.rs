//! The sandbox against a deliberately hostile component (`tests/hostile-component`):
//! runaway CPU, memory, sleep and output end as the limits say, and the guest
//! reaches nothing but its API base: no other origin, socket, file,
//! environment variable or stdin, and in host-credential mode no token.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "fixtures of tests: a panic here is a failed test"
)]

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hubspot_harness::wit::{Connection, Error};
use hubspot_harness::{Call, CallError, Connector, Credential, Invocation, Sandbox};
use hubspot_mock::{MockConfig, TokenGrant, all_scopes};
use serde_json::{Value, json};

use crate::common::{Env, runtime};

/// A token distinctive enough that finding it anywhere is a leak.
const TOKEN: &str = "pat-na1-hostile-5eb1c6d2-7a4f-4f0e-9d3b-c0ffee15dead";

/// Small limits, so that every runaway ends within a couple of seconds.
fn limits(credential: Credential) -> Sandbox {
    Sandbox {
        memory_bytes: 32 * 1024 * 1024,
        cpu_time: Duration::from_millis(200),
        wall_clock: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        first_byte_timeout: Duration::from_secs(1),
        between_bytes_timeout: Duration::from_secs(1),
        max_response_bytes: 1024 * 1024,
        credential,
        ..Sandbox::default()
    }
}

/// The hostile component, compiled under `sandbox`.
fn load(sandbox: Sandbox) -> Result<Connector, Box<dyn std::error::Error>> {
    let path = hubspot_end_to_end::artifacts::hostile_component();
    let bytes = std::fs::read(path)
        .map_err(|error| format!("the hostile component {} could not be read: {error}", path.display()))?;
    Ok(Connector::new(&bytes, sandbox)?)
}

/// One hostile connector per credential mode, shared by the tests: a call
/// that breaks the limits must leave it serving the next one.
fn hostile(credential: Credential) -> &'static Connector {
    static GUEST: OnceLock<Connector> = OnceLock::new();
    static HOST: OnceLock<Connector> = OnceLock::new();
    let cell = match credential {
        Credential::Guest => &GUEST,
        Credential::Host => &HOST,
    };
    cell.get_or_init(|| load(limits(credential)).expect("the hostile component loads"))
}

/// A mock HubSpot that accepts [`TOKEN`], and a connection to it.
fn env() -> Env {
    let grant = TokenGrant::private_app(TOKEN, all_scopes());
    Env::with_config(
        MockConfig {
            tokens: vec![grant],
            ..MockConfig::default()
        },
        TOKEN,
    )
}

fn invoke(
    connector: &Connector,
    connection: &Connection,
    action: &str,
    input: &str,
) -> Result<Call<String>, CallError> {
    let invocation = Invocation {
        connection: connection.clone(),
        action: action.to_owned(),
        input: input.to_owned(),
    };
    runtime().block_on(connector.invoke(&invocation))
}

/// The JSON report of an action that must complete.
fn report(call: &Call<String>) -> Value {
    let output = call.result.as_ref().expect("the hostile action reports");
    serde_json::from_str(output).expect("the report is JSON")
}

/// The connector still runs calls after one broke the limits.
fn assert_still_serves(connector: &Connector, connection: &Connection) {
    let call = invoke(connector, connection, "ok", "").expect("the next call runs");
    assert_eq!(call.result, Ok(json!({ "ok": true }).to_string()));
}

/// A loopback listener that only counts the connections it accepts, to prove
/// that nothing reached it.
struct Bystander {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Bystander {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the listener's address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::spawn({
            let accepted = Arc::clone(&accepted);
            let stop = Arc::clone(&stop);
            move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok(_) => {
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(error) if error.kind() == ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(error) => panic!("the bystander's accept failed: {error}"),
                    }
                }
            }
        });
        Self {
            addr,
            accepted,
            stop,
            thread: Some(thread),
        }
    }

    /// Connections accepted so far (waiting out one poll of the accept loop,
    /// so that a connection made just before is counted).
    fn accepted(&self) -> usize {
        std::thread::sleep(Duration::from_millis(20));
        self.accepted.load(Ordering::Relaxed)
    }
}

impl Drop for Bystander {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn sandbox_spinning_guest_runs_out_of_cpu_and_the_connector_recovers() {
    let env = env();
    let connector = hostile(Credential::Guest);
    let started = Instant::now();
    let error = invoke(connector, &env.connection, "loop", "").expect_err("a spinning guest is stopped");
    let elapsed = started.elapsed();
    assert!(
        matches!(error, CallError::CpuBudget(budget) if budget == Duration::from_millis(200))
            || matches!(error, CallError::WallClock(_)),
        "{error:?}"
    );
    assert!(elapsed < Duration::from_secs(3), "stopped only after {elapsed:?}");
    assert_still_serves(connector, &env.connection);
}

#[test]
fn sandbox_runaway_allocation_hits_the_memory_cap() {
    let env = env();
    let connector = hostile(Credential::Guest);
    let error = invoke(connector, &env.connection, "alloc", "").expect_err("a runaway allocation is stopped");
    assert_eq!(error, CallError::Memory(32 * 1024 * 1024));
    assert_still_serves(connector, &env.connection);
}

#[test]
fn sandbox_trap_is_reported_with_the_token_redacted() {
    let env = env();
    let connector = hostile(Credential::Guest);
    let error = invoke(connector, &env.connection, "trap", "").expect_err("a panic is a trap");
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    }
    let CallError::Trap { message, guest_output } = error else {
        panic!("expected a trap, got {error:?}");
    };
    assert!(!message.is_empty());
    assert!(!message.contains(TOKEN), "{message}");
    assert!(!guest_output.contains(TOKEN), "{guest_output}");
    assert!(
        guest_output.contains("hostile trap: the token is <redacted>"),
        "the panic text is missing: {guest_output}"
    );
    assert_still_serves(connector, &env.connection);
}

#[test]
fn sandbox_long_sleep_hits_the_wall_clock() {
    let env = env();
    let connector = hostile(Credential::Guest);
    let started = Instant::now();
    let error = invoke(connector, &env.connection, "sleep", "").expect_err("an hour's sleep is cut short");
    let elapsed = started.elapsed();
    assert_eq!(error, CallError::WallClock(Duration::from_secs(2)));
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(4),
        "{elapsed:?}"
    );
    assert_still_serves(connector, &env.connection);
}

#[test]
fn sandbox_fetch_reaches_the_api_base() {
    // The positive control for the denials below: the same action gets through
    // to the connection's API base, carrying the guest's own credential.
    let env = env();
    let url = format!("{}/crm/v3/objects/contacts?limit=1", env.mock.base_url());
    let input = json!({ "url": url, "headers": { "authorization": format!("Bearer {TOKEN}") } }).to_string();
    let call = invoke(hostile(Credential::Guest), &env.connection, "fetch", &input).unwrap();
    let report = report(&call);
    assert_eq!(report["outcome"]["status"], 200, "{report}");
    assert_eq!(report["header_errors"], json!([]));
    assert_eq!((call.requests_sent, call.requests_denied), (1, 0));
    let request = env.only_request();
    assert_eq!(request.path, "/crm/v3/objects/contacts");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn sandbox_fetch_to_any_other_origin_is_denied_and_reaches_nobody() {
    let env = env();
    let bystander = Bystander::start();
    let port = bystander.addr.port();
    let mock = env.mock.local_addr();
    let connector = hostile(Credential::Guest);
    let urls = [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        format!("https://127.0.0.1:{port}/"),
        // The API base's host and port, the wrong scheme.
        format!("https://{mock}/crm/v3/objects/contacts"),
        // The API base's host with another port.
        format!("http://127.0.0.1:{}/", if mock.port() == 1 { 2 } else { 1 }),
        // The API base as user info in front of another authority.
        format!("http://{mock}@127.0.0.1:{port}/"),
        // `HttpRequestDenied` comes only from the host's hook, which answers
        // before wasmtime's sender resolves a name or opens a socket: denied
        // names are never looked up (a lookup would fail as `DnsError…`).
        "https://evil.example/".to_owned(),
        format!("http://evil.example:{}/", mock.port()),
    ];
    for url in &urls {
        let call = invoke(connector, &env.connection, "fetch", &json!({ "url": url }).to_string()).unwrap();
        let report = report(&call);
        assert_eq!(report["outcome"]["denied"], true, "{url} was not denied: {report}");
        assert!(
            report["outcome"]["error"]
                .as_str()
                .is_some_and(|error| error.contains("HttpRequestDenied")),
            "{url}: {report}"
        );
        assert_eq!((call.requests_sent, call.requests_denied), (0, 1), "{url}");
    }
    assert_eq!(bystander.accepted(), 0, "a denied request reached the bystander");
    assert_eq!(env.requests(), vec![], "a denied request reached the mock");
}

#[test]
fn sandbox_sockets_and_name_lookup_are_refused() {
    let env = env();
    let bystander = Bystander::start();
    let connector = hostile(Credential::Guest);
    let connect = report(&invoke(connector, &env.connection, "connect", &bystander.addr.to_string()).unwrap());
    assert_eq!(connect.get("connected"), None, "{connect}");
    assert!(
        connect["error"].as_str().is_some_and(|e| e.contains("access-denied")),
        "{connect}"
    );
    let resolve = report(&invoke(connector, &env.connection, "resolve", "localhost").unwrap());
    assert_eq!(resolve.get("address"), None, "{resolve}");
    assert!(resolve["error"].is_string(), "{resolve}");
    assert_eq!(bystander.accepted(), 0, "a socket reached the bystander");
}

#[test]
fn sandbox_environment_and_arguments_are_empty() {
    // The host process has variables (PATH, CARGO_*); none may show through.
    assert!(std::env::vars_os().next().is_some());
    let env = env();
    let report = report(&invoke(hostile(Credential::Guest), &env.connection, "env", "").unwrap());
    for key in ["std_vars", "std_args", "wasi_vars", "wasi_args"] {
        assert_eq!(report[key], json!([]), "{key}: {report}");
    }
    assert_eq!(report["initial_cwd"], Value::Null, "{report}");
}

#[test]
fn sandbox_filesystem_is_absent() {
    let env = env();
    let report = report(&invoke(hostile(Credential::Guest), &env.connection, "fs", "").unwrap());
    assert_eq!(report["preopens"], json!([]), "{report}");
    for key in ["etc_passwd", "dot", "root", "relative"] {
        assert!(report[key]["error"].is_string(), "{key} succeeded: {report}");
        assert_eq!(report[key].get("ok"), None, "{key}: {report}");
    }
    assert!(!report.to_string().contains("root:"), "{report}");
}

#[test]
fn sandbox_stdin_reads_nothing() {
    let env = env();
    let report = report(&invoke(hostile(Credential::Guest), &env.connection, "stdin", "").unwrap());
    assert_eq!(report["std_bytes"], 0, "{report}");
    assert_eq!(report["std"]["ok"], 0, "{report}");
    // The raw stream is closed: it ends rather than blocking or giving bytes.
    assert!(
        report["raw"]["error"].as_str().is_some_and(|e| e.contains("Closed")),
        "{report}"
    );
}

#[test]
fn sandbox_host_credential_never_reaches_the_guest_but_reaches_the_api_base() {
    let env = env();
    let connector = hostile(Credential::Host);

    let echoed = invoke(connector, &env.connection, "echo-token", "").unwrap();
    assert_eq!(echoed.result, Ok(String::new()));

    let url = format!("{}/crm/v3/objects/contacts?limit=1", env.mock.base_url());
    let call = invoke(connector, &env.connection, "fetch", &json!({ "url": url }).to_string()).unwrap();
    let report = report(&call);
    assert_eq!(report["outcome"]["status"], 200, "{report}");
    assert_eq!((call.requests_sent, call.requests_denied), (1, 0));
    assert!(!report.to_string().contains(TOKEN), "{report}");
    let request = env.only_request();
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn sandbox_guest_cannot_override_the_host_credential() {
    let env = env();
    let connector = hostile(Credential::Host);
    let url = format!("{}/crm/v3/objects/contacts?limit=1", env.mock.base_url());
    for name in ["Authorization", "authorization", "AUTHORIZATION"] {
        env.clear();
        let input = json!({ "url": url, "headers": { name: "Bearer forged-by-the-guest" } }).to_string();
        let call = invoke(connector, &env.connection, "fetch", &input).unwrap();
        let report = report(&call);
        assert_eq!(
            report["header_errors"],
            json!([{ "name": name, "error": "HeaderError::Forbidden" }]),
            "{report}"
        );
        assert_eq!(report["outcome"]["status"], 200, "{report}");
        let request = env.only_request();
        let credentials: Vec<&str> = request
            .headers
            .iter()
            .filter(|(header, _)| header.eq_ignore_ascii_case("authorization"))
            .map(|(_, value)| value.as_str())
            .collect();
        assert_eq!(credentials, [format!("Bearer {TOKEN}")], "{name}");
    }
}

#[test]
fn sandbox_host_credential_stays_home_when_the_guest_fetches_elsewhere() {
    let env = env();
    let bystander = Bystander::start();
    let url = format!("http://{}/", bystander.addr);
    let call = invoke(hostile(Credential::Host), &env.connection, "fetch", &url).unwrap();
    assert_eq!(report(&call)["outcome"]["denied"], true);
    assert_eq!((call.requests_sent, call.requests_denied), (0, 1));
    assert_eq!(bystander.accepted(), 0);
}

#[test]
fn sandbox_output_spam_is_capped_and_does_not_hurt_the_host() {
    let env = env();
    let connector = hostile(Credential::Guest);
    let report = report(&invoke(connector, &env.connection, "spam", "").unwrap());
    for stream in ["stdout", "stderr"] {
        let written = report[stream]["written"].as_u64().expect("a byte count");
        // The guest offered 8 MiB; the host keeps a small, bounded capture and
        // then closes the stream instead of buffering it all.
        assert!(written <= 1024 * 1024, "{stream}: the host took {written} bytes");
        assert!(
            report[stream]["error"].as_str().is_some_and(|e| e.contains("Closed")),
            "{stream}: {report}"
        );
    }
    assert_still_serves(connector, &env.connection);
}

#[test]
fn sandbox_unknown_action_is_invalid_input() {
    let env = env();
    let call = invoke(hostile(Credential::Guest), &env.connection, "format-disk", "").unwrap();
    assert!(matches!(call.result, Err(Error::InvalidInput(_))), "{:?}", call.result);
}

#[test]
fn sandbox_a_call_finds_nothing_of_the_previous_call_in_its_slot() {
    // One instance slot: every call reuses the memory of the one before,
    // reset between calls (partly by rewriting the pages kept resident).
    let connector = load(Sandbox {
        instance_slots: Some(1),
        ..limits(Credential::Guest)
    })
    .expect("the hostile component loads");
    let env = env();
    for round in 0..4 {
        let call = invoke(&connector, &env.connection, "residue", "").expect("residue runs");
        assert_eq!(
            report(&call),
            json!({ "calls": 1, "nonZeroBytes": 0 }),
            "call {round} saw what an earlier call left"
        );
    }
}

#[test]
fn sandbox_instantiate_sends_nothing_and_leaves_the_slot_free() {
    let connector = load(Sandbox {
        instance_slots: Some(1),
        ..limits(Credential::Guest)
    })
    .expect("the hostile component loads");
    let env = env();
    for _ in 0..3 {
        runtime()
            .block_on(connector.instantiate())
            .expect("a fresh instance is made and dropped");
    }
    // The one slot is free again, and the calls after it start afresh.
    let call = invoke(&connector, &env.connection, "residue", "").expect("residue runs");
    assert_eq!(report(&call), json!({ "calls": 1, "nonZeroBytes": 0 }));
    assert!(env.requests().is_empty(), "instantiating sent a request");
}

#[test]
fn sandbox_resource_hoarding_is_capped() {
    // Header maps live in host memory, outside the linear-memory cap: a guest
    // that keeps creating them must run into a host limit, not the CPU budget.
    let env = env();
    let connector = hostile(Credential::Guest);
    let error = invoke(connector, &env.connection, "hoard", r#"{"bytes": 1024}"#).expect_err("hoarding is stopped");
    let CallError::Trap { message, .. } = &error else {
        panic!("expected the host to refuse more resources, got {error:?}");
    };
    assert!(message.contains("resource table has no free keys"), "{message}");
    assert_still_serves(connector, &env.connection);
}

#[test]
fn sandbox_request_bodies_buffer_little_in_the_host() {
    let env = env();
    let report = report(&invoke(hostile(Credential::Guest), &env.connection, "body-budget", "").unwrap());
    let permit = report["permit"].as_u64().expect("a write permit");
    assert!((4096..=64 * 1024).contains(&permit), "{report}");
}

#[test]
fn sandbox_host_credential_mode_refuses_a_guest_credential_even_without_a_token() {
    // With no usable token the host adds nothing, and the guest may not step in.
    let env = env();
    let connection = Connection {
        access_token: String::new(),
        ..env.connection.clone()
    };
    let url = format!("{}/crm/v3/objects/contacts?limit=1", env.mock.base_url());
    let input = json!({ "url": url, "headers": { "authorization": format!("Bearer {TOKEN}") } }).to_string();
    let report = report(&invoke(hostile(Credential::Host), &connection, "fetch", &input).unwrap());
    assert_eq!(
        report["header_errors"],
        json!([{ "name": "authorization", "error": "HeaderError::Forbidden" }]),
        "{report}"
    );
    assert_eq!(env.only_request().header("authorization"), None);
}
