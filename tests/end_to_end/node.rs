//! The connector component in Node.js: transpiled by jco
//! (`tests/node/connector.mjs`) and called from JavaScript against the mock,
//! a host and a language nobody here wrote.
#![expect(
    clippy::panic,
    reason = "helpers outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::io::{BufReader, Write};
use std::process::{ChildStdout, Command};

use hubspot_end_to_end::artifacts::connector_component;
use hubspot_end_to_end::tools::{node, node_dir};
use serde_json::{Value, json};

use crate::common::Env;
use crate::process::{Running, read_line};

/// `node connector.mjs` with the component transpiled and loaded.
struct Node {
    process: Running,
    lines: BufReader<ChildStdout>,
}

impl Node {
    fn start() -> Self {
        let mut command = Command::new(node());
        command
            .current_dir(node_dir())
            .arg("connector.mjs")
            .arg(connector_component());
        let mut process = Running::start(command);
        let mut lines = process.stdout_lines();
        let ready = read_line(&mut lines, &process, "jco to transpile the component");
        assert_eq!(ready.trim(), r#"{"ready":true}"#, "stderr:\n{}", process.stderr());
        Self { process, lines }
    }

    /// One call; its answer `{"ok": text}` or `{"err": {"tag", "val"}}`.
    fn call(&mut self, call: &Value) -> Value {
        writeln!(self.process.stdin(), "{call}").unwrap_or_else(|error| panic!("writing to node: {error}"));
        let line = read_line(&mut self.lines, &self.process, "an answer from node");
        let answer: Value = serde_json::from_str(&line).unwrap_or_else(|error| panic!("{error}: {line}"));
        assert!(
            answer.get("fault").is_none(),
            "node failed: {}\nstderr:\n{}",
            answer["fault"],
            self.process.stderr()
        );
        answer
    }

    /// `tool.invoke` against the mock of `env`.
    fn invoke(&mut self, env: &Env, action: &str, input: &Value) -> Value {
        let connection = json!({
            "access-token": env.connection.access_token,
            "api-base": env.connection.api_base,
        });
        self.call(&json!({"call": "invoke", "connection": connection, "action": action, "input": input.to_string()}))
    }
}

/// The JSON text of a successful call.
fn ok(answer: &Value) -> Value {
    let text = answer["ok"]
        .as_str()
        .unwrap_or_else(|| panic!("the call failed: {answer}"));
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

#[test]
fn connector_in_node_through_jco_describes_creates_reads_and_fails_typed() {
    let env = Env::new();
    let mut node = Node::start();

    let catalog = ok(&node.call(&json!({"call": "describe"})));
    assert_eq!(catalog, hubspot_connector::catalog::describe());

    let input =
        json!({"entity": "companies", "properties": {"name": "Analytical Engines", "domain": "engines.example"}});
    let created = ok(&node.invoke(&env, "create", &input));
    assert_eq!(created["properties"]["name"], "Analytical Engines");
    let request = env.only_request();
    assert_eq!(request.method, "POST");
    assert!(request.path.ends_with("/companies"), "{}", request.path);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", env.connection.access_token).as_str())
    );

    env.clear();
    let id = created["id"].as_str().expect("a created record has an id");
    let read = ok(&node.invoke(
        &env,
        "read",
        &json!({"entity": "companies", "entityId": id, "properties": ["domain"]}),
    ));
    assert_eq!(read["id"], id);
    assert_eq!(read["properties"]["domain"], "engines.example");
    assert!(env.only_request().path.ends_with(&format!("/companies/{id}")));

    // HubSpot's 404 arrives as the WIT variant jco throws: {tag, val}.
    env.clear();
    let missing = node.invoke(&env, "read", &json!({"entity": "companies", "entityId": "999999999"}));
    assert_eq!(missing["err"]["tag"], "not-found", "{missing}");
    assert_eq!(missing["err"]["val"]["status"], 404);
    assert_eq!(missing["err"]["val"]["attempts"], 1);

    // Invalid input is refused before anything is sent, named by its JSON path.
    env.clear();
    let invalid = node.invoke(
        &env,
        "search",
        &json!({"entity": "companies", "searchObj": {"limit": 500}}),
    );
    assert_eq!(invalid["err"]["tag"], "invalid-input", "{invalid}");
    assert_eq!(invalid["err"]["val"]["path"], "searchObj.limit");
    assert!(env.requests().is_empty());
}
