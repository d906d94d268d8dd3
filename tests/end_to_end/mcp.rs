//! `hubspot-harness mcp` driven by a client nobody here wrote: the official
//! MCP Python SDK (`tests/mcp/client.py`), over stdio and over Streamable
//! HTTP, through initialize, tools/list and tools/call (a create, a read, and
//! errors). Over HTTP two tenants share one server, each with its own token.
//!
//! The SDK comes from PyPI into a virtual environment that `.ci/run` creates
//! (see [`python`]); without it these tests fail and say what to install.
#![expect(clippy::expect_used, reason = "helpers of tests: a panic here is a failed test")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_mock::{MockConfig, MockServer, TokenGrant};
use serde_json::Value;

/// The MCP SDK version `.ci/run` installs.
const MCP_SDK: &str = "mcp==2.3.0";
/// Overrides where the interpreter with the SDK is.
const PYTHON_VARIABLE: &str = "HUBSPOT_MCP_PYTHON";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace")
        .to_path_buf()
}

/// A Python that can import the MCP SDK: `$HUBSPOT_MCP_PYTHON`, or the
/// virtual environment `.ci/run` makes in `target/mcp-venv`.
fn python() -> PathBuf {
    let python = std::env::var_os(PYTHON_VARIABLE)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/mcp-venv/bin/python"));
    let imports = Command::new(&python)
        .args(["-c", "import mcp, httpx2"])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        imports,
        "the MCP tests need the official MCP Python SDK, which {} cannot import. Install it as .ci/run does:\n  \
         python3 -m venv target/mcp-venv && target/mcp-venv/bin/pip install '{MCP_SDK}'\n\
         (or point {PYTHON_VARIABLE} at a Python that has it)",
        python.display()
    );
    python
}

/// Runs the client script with `args` and returns its sessions.
fn client(args: &[&str]) -> Vec<Value> {
    let script = workspace().join("tests/mcp/client.py");
    let output = Command::new(python())
        .arg(script)
        .args(args)
        .env_remove(TOKEN_VARIABLE)
        .stdin(Stdio::null())
        .output()
        .expect("the MCP client runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the MCP client failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).expect("the client prints JSON");
    report["sessions"].as_array().expect("sessions").clone()
}

/// `describe()`'s actions by name, as the tools must mirror them.
fn catalog_actions() -> Vec<Value> {
    hubspot_connector::catalog::describe()["actions"]
        .as_array()
        .expect("actions")
        .clone()
}

/// Checks that a session saw every action as a tool with the catalog's schema.
fn assert_tools_mirror_the_catalog(session: &Value) {
    assert_eq!(session["serverName"], "hubspot-harness");
    let tools = session["tools"].as_object().expect("tools");
    let actions = catalog_actions();
    assert_eq!(tools.len(), actions.len());
    for action in actions {
        let name = action["name"].as_str().expect("name");
        let tool = &tools[name];
        assert_eq!(tool["inputSchema"], action["inputSchema"], "{name}");
        assert_eq!(tool["title"], action["title"], "{name}");
        let description = tool["description"].as_str().expect("description");
        assert!(
            description.starts_with(action["description"].as_str().expect("description")),
            "{name}"
        );
    }
}

/// The created record, after checking the create and the read of it.
fn assert_create_then_read(session: &Value) -> String {
    let calls = &session["calls"];
    let created = &calls["create"];
    assert_eq!(created["isError"], false, "{created}");
    assert_eq!(created["json"]["properties"]["name"], "Acme Corp");
    assert_eq!(created["structured"], created["json"]);
    let id = created["json"]["id"].as_str().expect("the new record's id").to_owned();
    let read = &calls["read"];
    assert_eq!(read["isError"], false, "{read}");
    assert_eq!(read["json"]["id"], id.as_str());
    assert_eq!(read["json"]["properties"]["domain"], "acme.example");
    id
}

/// The error cases: a missing record and invalid input, as tool errors with
/// the typed error's JSON.
fn assert_errors_are_tool_errors(session: &Value) {
    let calls = &session["calls"];
    let missing = &calls["readMissing"];
    assert_eq!(missing["isError"], true, "{missing}");
    assert_eq!(missing["json"]["error"]["kind"], "not-found");
    assert_eq!(missing["json"]["error"]["status"], 404);
    let invalid = &calls["invalid"];
    assert_eq!(invalid["isError"], true, "{invalid}");
    assert_eq!(invalid["json"]["error"]["kind"], "invalid-input");
    assert_eq!(invalid["json"]["error"]["path"], "entity");
}

#[test]
fn mcp_over_stdio_serves_the_catalog_and_runs_calls_through_the_component() {
    let harness = hubspot_end_to_end::artifacts::harness_binary()
        .to_str()
        .expect("a UTF-8 path")
        .to_owned();
    let sessions = client(&["stdio", &harness, "mcp", "--mock"]);
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_tools_mirror_the_catalog(session);
    assert_create_then_read(session);
    assert_errors_are_tool_errors(session);
}

/// The harness serving MCP over HTTP; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(api_base: &str) -> Self {
        let mut child = hubspot_end_to_end::artifacts::harness_command()
            .args(["mcp", "--listen", "127.0.0.1:0", "--api-base", api_base])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the harness starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the harness prints its URL");
        let announced: Value = serde_json::from_str(&line).expect("the URL line is JSON");
        let url = announced["mcp"]["url"].as_str().expect("mcp.url").to_owned();
        Self { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn mcp_over_http_keeps_each_session_on_its_own_tenant_s_token() {
    const FULL: &str = "pat-na1-mcp-tenant-a";
    const CONTACTS_ONLY: &str = "pat-na1-mcp-tenant-b";
    let mock = MockServer::start(MockConfig {
        tokens: vec![
            TokenGrant::private_app(FULL, hubspot_mock::all_scopes()),
            TokenGrant::new(CONTACTS_ONLY, &["crm.objects.contacts.read"]),
        ],
        ..MockConfig::default()
    })
    .expect("the mock starts");
    let server = Server::start(&mock.base_url());
    // "-" opens a session that sends no Authorization at all.
    let sessions = client(&["http", &server.url, FULL, CONTACTS_ONLY, "-"]);
    assert_eq!(sessions.len(), 3);

    let full = &sessions[0];
    assert_tools_mirror_the_catalog(full);
    let id = assert_create_then_read(full);
    assert_errors_are_tool_errors(full);

    // The second tenant's token may not write companies: HubSpot's 403, as a tool error.
    let limited = &sessions[1]["calls"]["create"];
    assert_eq!(limited["isError"], true, "{limited}");
    assert_eq!(limited["json"]["error"]["kind"], "forbidden");

    // Without a credential nothing reaches HubSpot, and the error says what to send.
    let anonymous = &sessions[2]["calls"]["create"];
    assert_eq!(anonymous["isError"], true, "{anonymous}");
    assert_eq!(anonymous["json"]["error"]["kind"], "unauthorized");
    assert!(
        anonymous["json"]["error"]["message"]
            .as_str()
            .expect("message")
            .contains("Authorization: Bearer")
    );

    // The mock saw each tenant's requests with that tenant's token, and no other.
    let requests = mock.requests();
    let by = |token: &str| {
        requests
            .iter()
            .filter(|request| request.header("authorization") == Some(&format!("Bearer {token}")))
            .collect::<Vec<_>>()
    };
    assert_eq!(by(FULL).len() + by(CONTACTS_ONLY).len(), requests.len(), "{requests:?}");
    // Tenant A: create, read, the missing read (invalid input sends nothing).
    assert_eq!(by(FULL).len(), 3, "{requests:?}");
    assert!(
        by(FULL)
            .iter()
            .any(|request| request.path.ends_with(&format!("/companies/{id}")))
    );
    // Tenant B: the refused create and the missing read, both refused for scope.
    assert_eq!(by(CONTACTS_ONLY).len(), 2, "{requests:?}");
    assert!(by(CONTACTS_ONLY).iter().all(|request| !request.path.ends_with(&id)));
    assert_eq!(mock.record_count("companies", false), 1);
}

#[test]
fn mcp_over_http_refuses_to_listen_beyond_loopback() {
    let output = hubspot_end_to_end::artifacts::harness_command()
        .args(["mcp", "--listen", "0.0.0.0:0", "--mock"])
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs");
    assert_eq!(output.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&output.stderr).expect("the error is JSON");
    assert_eq!(error["error"]["kind"], "usage");
    assert!(
        error["error"]["message"]
            .as_str()
            .expect("message")
            .contains("loopback")
    );
}
