//! The components in the upstream wasmtime CLI, a host nobody here wrote:
//! the connector under `wasmtime run --invoke`, and the `wasi:http` service
//! component under `wasmtime serve`, both against the mock.
#![expect(
    clippy::panic,
    reason = "helpers outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_end_to_end::artifacts::{connector_component, harness_binary, service_component};
use hubspot_end_to_end::tools::wasmtime;
use serde_json::{Value, json};

use crate::common::Env;
use crate::process::{Running, free_port};

/// How long `wasmtime serve` may take to compile the component and listen.
const STARTUP: Duration = Duration::from_secs(120);

/// `wasmtime run -S http --invoke CALL connector.wasm`: its stdout, which
/// is the result as a WAVE value.
fn invoke(call: &str) -> String {
    let output = Command::new(wasmtime())
        .args(["run", "-S", "http", "--invoke", call])
        .arg(connector_component())
        .output()
        .unwrap_or_else(|error| panic!("wasmtime could not run: {error}"));
    assert!(
        output.status.success(),
        "wasmtime run --invoke {call} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A WAVE string literal (`"…"` with `\"`, `\\`, `\n`, `\u{…}` escapes) as text.
fn wave_string(literal: &str) -> String {
    let inner = literal
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a WAVE string: {literal}"));
    let mut text = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => text.push('\n'),
            Some('t') => text.push('\t'),
            Some('r') => text.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).unwrap_or_else(|_| panic!("bad escape \\u{{{hex}}}"));
                text.push(char::from_u32(code).unwrap_or_else(|| panic!("bad code point {hex}")));
            }
            Some(other) => text.push(other),
            None => panic!("a WAVE string ends in a backslash: {literal}"),
        }
    }
    text
}

/// A WAVE string literal for `text`.
fn wave_literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The WAVE `connection` record for the mock.
fn wave_connection(env: &Env) -> String {
    format!(
        "{{access-token: {}, api-base: some({})}}",
        wave_literal(&env.connection.access_token),
        wave_literal(env.connection.api_base.as_deref().unwrap_or_default())
    )
}

#[test]
fn connector_describe_in_wasmtime_run_is_the_catalog() {
    let output = invoke("describe()");
    let catalog: Value = serde_json::from_str(&wave_string(&output)).expect("describe() returns JSON");
    assert_eq!(catalog, hubspot_connector::catalog::describe());
}

#[test]
fn connector_create_and_read_in_wasmtime_run_reach_the_mock() {
    let env = Env::new();
    let input = json!({"entity": "contacts", "properties": {"email": "ada@example.com", "firstname": "Ada"}});
    let call = format!(
        "invoke({}, \"create\", {})",
        wave_connection(&env),
        wave_literal(&input.to_string())
    );
    let output = invoke(&call);
    let created = output
        .strip_prefix("ok(")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("create did not succeed: {output}"));
    let created: Value = serde_json::from_str(&wave_string(created)).expect("create returns JSON");
    assert_eq!(created["properties"]["email"], "ada@example.com");
    let request = env.only_request();
    assert_eq!(request.method, "POST");
    assert!(request.path.ends_with("/contacts"), "{}", request.path);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", env.connection.access_token).as_str())
    );

    env.clear();
    let id = created["id"].as_str().expect("a created record has an id");
    let read = json!({"entity": "contacts", "entityId": id, "properties": ["email"]});
    let output = invoke(&format!(
        "invoke({}, \"read\", {})",
        wave_connection(&env),
        wave_literal(&read.to_string())
    ));
    assert!(output.starts_with("ok("), "read did not succeed: {output}");
    assert!(env.only_request().path.ends_with(&format!("/contacts/{id}")));

    // A typed error comes back as the WIT variant, and nothing was sent.
    env.clear();
    let output = invoke(&format!("invoke({}, \"read\", \"{{}}\")", wave_connection(&env)));
    assert!(output.starts_with("err(invalid-input("), "{output}");
    assert!(env.requests().is_empty());
}

/// `wasmtime serve` running the service component, killed when dropped.
struct Served {
    process: Running,
    port: u16,
}

impl Served {
    /// Serves the service component with requests going to `api_base`.
    fn start(api_base: &str) -> Self {
        let port = free_port();
        let mut command = Command::new(wasmtime());
        command
            // `cli`: the WASI interfaces Rust's standard library imports
            // (environment, stdio), and the insecure randomness of retry jitter.
            .args(["serve", "-S", "cli=y", "--addr", &format!("127.0.0.1:{port}")])
            .arg("--env")
            .arg(format!("HUBSPOT_API_BASE={api_base}"))
            .arg(service_component());
        let mut process = Running::start(command);
        let started = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if let Some(status) = process.exited() {
                panic!(
                    "wasmtime serve ended ({status}) before listening:\n{}",
                    process.stderr()
                );
            }
            assert!(
                started.elapsed() < STARTUP,
                "wasmtime serve did not listen on {port} within {STARTUP:?}:\n{}",
                process.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { process, port }
    }

    /// Sends one request and reads the whole answer.
    fn request(&self, method: &str, path: &str, token: Option<&str>, body: &str) -> Answer {
        let mut stream =
            TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).unwrap_or_else(|error| panic!("connect: {error}"));
        stream.set_read_timeout(Some(Duration::from_secs(60))).ok();
        let authorization = token.map_or_else(String::new, |token| format!("authorization: Bearer {token}\r\n"));
        let head = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\nconnection: close\r\n{authorization}\
             content-type: application/json\r\ncontent-length: {}\r\n\r\n",
            self.port,
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body.as_bytes()))
            .unwrap_or_else(|error| panic!("sending {method} {path}: {error}"));
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .unwrap_or_else(|error| panic!("reading the answer to {method} {path}: {error}"));
        Answer::parse(&raw).unwrap_or_else(|| {
            panic!(
                "{method} {path}: not an HTTP answer: {:?}\nwasmtime serve's stderr:\n{}",
                String::from_utf8_lossy(&raw),
                self.process.stderr()
            )
        })
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    /// Parses an HTTP/1.1 answer read to the end of the connection.
    fn parse(raw: &[u8]) -> Option<Self> {
        let split = raw.windows(4).position(|window| window == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&raw[..split]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(name, value)| name == "transfer-encoding" && value == "chunked")
        {
            body = dechunk(&body)?;
        }
        Some(Self {
            status,
            headers,
            body: serde_json::from_slice(&body).ok()?,
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }
}

fn dechunk(mut chunked: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let end = chunked.windows(2).position(|window| window == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&chunked[..end]).ok()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(chunked.get(end + 2..end + 2 + size)?);
        chunked = chunked.get(end + 4 + size..)?;
    }
}

#[test]
fn service_under_wasmtime_serve_answers_like_tool_invoke() {
    let env = Env::new();
    let served = Served::start(env.connection.api_base.as_deref().unwrap_or_default());
    let token = env.connection.access_token.as_str();

    let catalog = served.request("GET", "/v1/actions", None, "");
    assert_eq!(catalog.status, 200);
    assert_eq!(catalog.header("content-type"), Some("application/json"));
    assert_eq!(catalog.body, hubspot_connector::catalog::describe());

    let input = json!({"entity": "contacts", "properties": {"email": "grace@example.com", "firstname": "Grace"}});
    let created = served.request("POST", "/v1/actions/create", Some(token), &input.to_string());
    assert_eq!(created.status, 200, "{:?}", created.body);
    assert_eq!(created.body["properties"]["email"], "grace@example.com");
    let request = env.only_request();
    assert_eq!(request.method, "POST");
    assert!(request.path.ends_with("/contacts"), "{}", request.path);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );

    env.clear();
    let id = created.body["id"].as_str().expect("a created record has an id");
    let read = json!({"entity": "contacts", "entityId": id, "properties": ["email", "firstname"]});
    let answer = served.request("POST", "/v1/actions/read", Some(token), &read.to_string());
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["id"], id);
    assert_eq!(answer.body["properties"]["firstname"], "Grace");
    assert!(env.only_request().path.ends_with(&format!("/contacts/{id}")));

    // HubSpot's 404 keeps its status and arrives as the typed error.
    env.clear();
    let missing = json!({"entity": "contacts", "entityId": "999999999"});
    let answer = served.request("POST", "/v1/actions/read", Some(token), &missing.to_string());
    assert_eq!(answer.status, 404, "{:?}", answer.body);
    assert_eq!(answer.body["error"]["kind"], "not-found");
    assert_eq!(answer.body["error"]["status"], 404);

    // A token HubSpot does not know is HubSpot's 401.
    let answer = served.request(
        "POST",
        "/v1/actions/read",
        Some("pat-na1-unknown"),
        &missing.to_string(),
    );
    assert_eq!(answer.status, 401, "{:?}", answer.body);
    assert_eq!(answer.body["error"]["kind"], "unauthorized");

    // Input the connector refuses, an unknown action, a missing credential and
    // a wrong method send nothing.
    env.clear();
    let answer = served.request(
        "POST",
        "/v1/actions/search",
        Some(token),
        r#"{"entity": "contacts", "searchObj": {"limit": 500}}"#,
    );
    assert_eq!(answer.status, 400, "{:?}", answer.body);
    assert_eq!(answer.body["error"]["kind"], "invalid-input");
    assert_eq!(answer.body["error"]["path"], "searchObj.limit");
    // The service reports errors exactly as hubspot-harness prints them.
    let printed = Command::new(harness_binary())
        .args([
            "invoke",
            "search",
            r#"{"entity": "contacts", "searchObj": {"limit": 500}}"#,
        ])
        .args(["--api-base", env.connection.api_base.as_deref().unwrap_or_default()])
        .env(TOKEN_VARIABLE, token)
        .output()
        .unwrap_or_else(|error| panic!("hubspot-harness could not run: {error}"));
    let printed: Value = serde_json::from_slice(&printed.stderr).expect("hubspot-harness prints the error as JSON");
    assert_eq!(answer.body, printed);

    let answer = served.request("POST", "/v1/actions/explode", Some(token), "{}");
    assert_eq!(answer.status, 404, "{:?}", answer.body);
    assert_eq!(answer.body["error"]["kind"], "unknown-action");
    assert!(
        answer.body["error"]["actions"]
            .as_array()
            .is_some_and(|actions| actions.contains(&json!("get-pipelines")))
    );

    let answer = served.request("POST", "/v1/actions/read", None, &read.to_string());
    assert_eq!(answer.status, 401, "{:?}", answer.body);
    assert_eq!(answer.header("www-authenticate"), Some("Bearer"));

    let answer = served.request("DELETE", "/v1/actions/read", Some(token), "");
    assert_eq!(answer.status, 405, "{:?}", answer.body);
    assert_eq!(answer.header("allow"), Some("POST"));

    assert!(env.requests().is_empty(), "{:#?}", env.requests());
}
