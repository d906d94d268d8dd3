//! The `hubspot-harness` binary as a user or an agent runs it: every record
//! sample of the specification through `invoke`, the input forms and options,
//! the exit codes and error JSON, and the `describe`, `demo` and `mock` commands.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of tests: a panic here is a failed test"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_harness::wit::{ApiError, Error};
use hubspot_mock::{self, MockConfig, TokenGrant};
use serde_json::{Value, json};

use crate::common::{DEFAULT_API_VERSION, Env, samples_of};
use crate::record_actions::{Outcome, RECORD_ACTIONS, env_for, expectation_of, expectations, seeded};

/// A token no output may contain.
const TOKEN: &str = "pat-na1-cli-7e3b9c41-secret";

/// The binary, with no token, API base or standard input from the caller.
fn harness() -> Command {
    let mut command = hubspot_end_to_end::artifacts::harness_command();
    command.stdin(Stdio::null());
    command
}

/// `harness()` with `token` in the environment.
fn harness_with(token: &str) -> Command {
    let mut command = harness();
    command.env(TOKEN_VARIABLE, token);
    command
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(output: Output) -> Self {
        Self {
            code: output.status.code().expect("the harness exits with a code"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Stdout, which must be one JSON document and nothing else.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// The `error` object of the last line of stderr.
    fn error(&self) -> Value {
        let line = self.stderr.lines().last().unwrap_or_default();
        let error: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {self:#?}"));
        assert!(error["error"]["kind"].is_string(), "{self:#?}");
        assert!(error["error"]["message"].is_string(), "{self:#?}");
        error["error"].clone()
    }

    /// Succeeded with JSON on stdout and nothing on stderr.
    fn ok(&self) -> Value {
        assert_eq!(self.code, 0, "{self:#?}");
        assert!(self.stderr.is_empty(), "{self:#?}");
        self.json()
    }

    /// Failed with `code`, nothing on stdout, and an error of `kind` on stderr.
    fn failed(&self, code: i32, kind: &str) -> Value {
        assert_eq!(self.code, code, "{self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        let error = self.error();
        assert_eq!(error["kind"], kind, "{self:#?}");
        error
    }

    /// Asserts that `secret` appears in neither output.
    fn assert_hides(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "the token leaked: {self:#?}"
        );
        self
    }
}

fn run(command: &mut Command) -> Run {
    Run::of(command.output().expect("the harness runs"))
}

fn run_with_stdin(command: &mut Command, input: &str) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the harness starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(input.as_bytes()).expect("stdin is written");
    drop(stdin);
    Run::of(child.wait_with_output().expect("the harness finishes"))
}

/// A mock that accepts only [`TOKEN`], with every scope.
fn env_for_token() -> Env {
    let config = MockConfig {
        tokens: vec![TokenGrant::private_app(TOKEN, hubspot_mock::all_scopes())],
        ..MockConfig::default()
    };
    Env::with_config(config, TOKEN)
}

/// Reads the seeded contact 12345678.
const READ_CONTACT: &str = r#"{"entity": "contacts", "entityId": "12345678", "properties": ["email"]}"#;

/// The answer to [`READ_CONTACT`] must be the seeded contact.
fn assert_seeded_contact(record: &Value) {
    assert_eq!(record["id"], "12345678", "{record}");
    assert_eq!(record["properties"]["email"], "john.doe@example.com", "{record}");
}

#[test]
pub(crate) fn cli_spec_samples_of_record_actions_exit_and_print_as_expected() {
    let expectations = expectations();
    let mut ran = 0;
    for action in RECORD_ACTIONS {
        for sample in samples_of(action) {
            let expectation = expectation_of(&sample, &expectations);
            let title = expectation.title;
            let env = env_for(&sample);
            let token = env.connection.access_token.clone();
            let base = env.mock.base_url();
            let run = run(harness_with(&token).args(["invoke", action, &sample.json, "--api-base", &base]));
            run.assert_hides(&token);
            expectation.assert_request(&env.only_request(), &token, DEFAULT_API_VERSION);
            match &expectation.outcome {
                Outcome::Ok(check) => check(&env, &run.ok()),
                Outcome::Refused {
                    property,
                    code,
                    allowed,
                } => {
                    let error = run.failed(1, "validation");
                    assert_eq!(error["status"], 400, "{title}");
                    assert_eq!(error["category"], "VALIDATION_ERROR", "{title}");
                    let problems = error["problems"].as_array().expect("problems");
                    let problem = problems
                        .iter()
                        .find(|p| p["name"] == *property)
                        .unwrap_or_else(|| panic!("{title}: no problem for {property}: {error}"));
                    assert_eq!(problem["code"], *code, "{title}");
                    if let Some(allowed) = allowed {
                        let values = problem["allowedValues"].as_array().expect("allowedValues");
                        assert!(values.iter().any(|v| v == allowed), "{title}: {problem}");
                    }
                }
                Outcome::NotFound => {
                    let error = run.failed(1, "not-found");
                    assert_eq!(error["status"], 404, "{title}");
                    assert_eq!(error["category"], "OBJECT_NOT_FOUND", "{title}");
                }
            }
            ran += 1;
        }
    }
    assert_eq!(ran, expectations.len());
}

#[test]
fn cli_spec_samples_of_discovery_actions_answer_as_the_library_does() {
    // discovery.rs checks what these samples return; here the binary must send
    // the same request and print the same answer (or error) as the library.
    let mut ran = 0;
    for action in ["get-pipelines", "get-pipeline-stage", "get-properties"] {
        for sample in samples_of(action) {
            let title = &sample.title;
            let through_cli = env_for_token();
            let base = through_cli.mock.base_url();
            let run = run(harness_with(TOKEN).args(["invoke", action, &sample.json, "--api-base", &base]));
            run.assert_hides(TOKEN);
            let in_library = env_for_token();
            let expected = in_library.invoke(action, &sample.json);
            let (sent, reference) = (through_cli.only_request(), in_library.only_request());
            assert_eq!(
                (&sent.method, &sent.path, &sent.query),
                (&reference.method, &reference.path, &reference.query),
                "{title}"
            );
            match expected {
                Ok(answer) => assert_eq!(run.ok(), answer, "{title}"),
                Err(error) => {
                    let detail = api_error_of(&error).unwrap_or_else(|| panic!("{title}: {error:?}"));
                    let printed = run.failed(1, kind_of(&error));
                    // Correlation ids differ between the two mocks; the rest must not.
                    assert_eq!(printed["status"], detail.status, "{title}");
                    assert_eq!(printed["category"].as_str(), detail.category.as_deref(), "{title}");
                    assert_eq!(printed["message"], detail.message.as_str(), "{title}");
                    assert_eq!(printed["attempts"], detail.attempts, "{title}");
                }
            }
            ran += 1;
        }
    }
    assert_eq!(ran, 8);
}

#[test]
fn cli_input_is_read_from_the_argument_a_file_or_stdin() {
    let env = seeded();
    let token = env.connection.access_token.clone();
    let base = env.mock.base_url();
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-read-contact.json");
    std::fs::write(&file, READ_CONTACT).expect("the input file is written");
    let at_file = format!("@{}", file.display());

    let runs = [
        run(harness_with(&token).args(["invoke", "read", READ_CONTACT, "--api-base", &base])),
        run(harness_with(&token).args(["invoke", "read", &at_file, "--api-base", &base])),
        run_with_stdin(
            harness_with(&token).args(["invoke", "read", "-", "--api-base", &base]),
            READ_CONTACT,
        ),
        run_with_stdin(
            harness_with(&token).args(["invoke", "read", "--api-base", &base]),
            READ_CONTACT,
        ),
    ];
    for run in &runs {
        assert_seeded_contact(&run.ok());
    }
    let requests = env.requests();
    assert_eq!(requests.len(), runs.len(), "{requests:#?}");
    for request in &requests {
        assert_eq!(request.path, "/crm/objects/2026-09/contacts/12345678");
        assert_eq!(request.query.as_deref(), Some("properties=email"));
    }

    env.clear();
    let missing = run(harness_with(&token).args(["invoke", "read", "@/nonexistent/input.json", "--api-base", &base]));
    let error = missing.failed(2, "usage");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("/nonexistent/input.json")),
        "{error}"
    );
    assert!(env.requests().is_empty());
}

#[test]
fn cli_options_go_before_or_after_the_positional_arguments() {
    let env = seeded();
    let token = env.connection.access_token.clone();
    let base = env.mock.base_url();
    for args in [
        ["invoke", "--api-base", &base, "read", READ_CONTACT],
        ["invoke", "read", "--api-base", &base, READ_CONTACT],
        ["invoke", "read", READ_CONTACT, "--api-base", &base],
    ] {
        let run = run(harness_with(&token).args(args));
        assert_seeded_contact(&run.ok());
    }
    let debug_first = run(harness_with(&token).args(["invoke", "--debug", "read", READ_CONTACT, "--api-base", &base]));
    assert_eq!(debug_first.code, 0, "{debug_first:#?}");
    assert_seeded_contact(&debug_first.json());
    assert_eq!(env.requests().len(), 4);
}

#[test]
fn cli_api_base_can_come_from_the_environment() {
    let env = seeded();
    let run = run(harness_with(&env.connection.access_token)
        .env("HUBSPOT_API_BASE", env.mock.base_url())
        .args(["invoke", "read", READ_CONTACT]));
    assert_seeded_contact(&run.ok());
    assert_eq!(env.requests().len(), 1);
}

#[test]
fn cli_api_version_picks_the_paths_and_a_bad_one_lists_the_accepted_ones() {
    let env = seeded();
    let token = env.connection.access_token.clone();
    let base = env.mock.base_url();
    let read = |extra: &[&str], version_variable: Option<&str>| {
        let mut command = harness_with(&token);
        if let Some(version) = version_variable {
            command.env("HUBSPOT_API_VERSION", version);
        }
        run(command
            .args(["invoke", "read", READ_CONTACT, "--api-base", &base])
            .args(extra))
    };
    for (extra, variable, path) in [
        (&[][..], None, "/crm/objects/2026-09/contacts/12345678"),
        (&["--api-version", "v3"][..], None, "/crm/v3/objects/contacts/12345678"),
        (
            &["--api-version", "2026-03"][..],
            None,
            "/crm/objects/2026-03/contacts/12345678",
        ),
        (&[][..], Some("v3"), "/crm/v3/objects/contacts/12345678"),
    ] {
        env.clear();
        assert_seeded_contact(&read(extra, variable).ok());
        assert_eq!(env.only_request().path, path, "{extra:?} {variable:?}");
    }
    env.clear();
    let refused = read(&["--api-version", "2024-01"], None);
    let error = refused.failed(2, "invalid-input");
    assert_eq!(error["path"], "connection.apiVersion", "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    for accepted in ["2026-09", "2026-03", "v3"] {
        assert!(message.contains(accepted), "{message}");
    }
    assert!(env.requests().is_empty());
}

#[test]
fn cli_mock_runs_each_invocation_against_a_fresh_mock() {
    let report = run(harness().args(["invoke", "test-connection", "{}", "--mock"])).ok();
    assert_eq!(report["source"], "token-info", "{report}");
    let entities = report["entities"].as_array().expect("entities");
    assert!(entities.len() >= 6, "{report}");
    for entity in entities {
        assert_eq!(entity["read"], "granted", "{report}");
        assert_eq!(entity["write"], "granted", "{report}");
    }

    let created = run(harness().args([
        "invoke",
        "create",
        r#"{"entity": "contacts", "properties": {"email": "jane.smith@acme.com"}}"#,
        "--mock",
    ]))
    .ok();
    let id = created["id"].as_str().expect("an id");
    assert_eq!(created["properties"]["email"], "jane.smith@acme.com");

    // A second run has its own, empty mock: the record is not there.
    let read = run(harness().args([
        "invoke",
        "read",
        &json!({"entity": "contacts", "entityId": id}).to_string(),
        "--mock",
    ]));
    let error = read.failed(1, "not-found");
    assert_eq!(error["status"], 404);

    // With a token in the environment, the mock accepts that token.
    let with_token = run(harness_with(TOKEN).args(["invoke", "test-connection", "{}", "--mock"]));
    with_token.assert_hides(TOKEN);
    assert_eq!(with_token.ok()["source"], "token-info");
}

#[test]
pub(crate) fn cli_mock_scopes_limit_what_test_connection_reports() {
    let run = run(harness().args([
        "invoke",
        "test-connection",
        "{}",
        "--mock",
        "--mock-scopes",
        "crm.objects.contacts.read",
    ]));
    let report = run.ok();
    assert_eq!(
        report["grantedScopes"],
        json!(["crm.objects.contacts.read"]),
        "{report}"
    );
    let entity = |name: &str| {
        report["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .find(|e| e["entity"] == name)
            .unwrap_or_else(|| panic!("no {name} in {report}"))
            .clone()
    };
    let contacts = entity("contacts");
    assert_eq!(
        (&contacts["read"], &contacts["write"]),
        (&json!("granted"), &json!("denied"))
    );
    assert_eq!(contacts["missingScopes"], json!(["crm.objects.contacts.write"]));
    let deals = entity("deals");
    assert_eq!((&deals["read"], &deals["write"]), (&json!("denied"), &json!("denied")));
    let missing = report["missingScopes"].as_array().expect("missingScopes");
    assert!(missing.iter().any(|s| s == "crm.objects.deals.read"), "{report}");
    assert!(!missing.iter().any(|s| s == "crm.objects.contacts.read"), "{report}");
}

#[test]
fn cli_debug_goes_to_stderr_and_stdout_stays_pure_json() {
    let env = seeded();
    let token = env.connection.access_token.clone();
    let base = env.mock.base_url();
    let read = run(harness_with(&token).args(["invoke", "read", READ_CONTACT, "--api-base", &base, "--debug"]));
    assert_eq!(read.code, 0, "{read:#?}");
    assert_seeded_contact(&read.json());
    let lines: Vec<&str> = read.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{read:#?}");
    let debug: Value = serde_json::from_str(lines[0]).expect("the debug line is JSON");
    assert_eq!(debug["debug"]["requestsSent"], 1, "{debug}");
    assert_eq!(debug["debug"]["requestsDenied"], 0, "{debug}");
    assert_eq!(debug["debug"]["requestsDelayed"], 0, "{debug}");
    assert!(debug["debug"]["elapsedMs"].is_u64(), "{debug}");

    // A failing call prints the debug line, then the error.
    let failing = run(harness_with(&token).args([
        "invoke",
        "read",
        r#"{"entity": "contacts", "entityId": "404404"}"#,
        "--api-base",
        &base,
        "--debug",
    ]));
    let first = failing.stderr.lines().next().unwrap_or_default();
    let debug: Value = serde_json::from_str(first).expect("the debug line is JSON");
    assert_eq!(debug["debug"]["requestsSent"], 1, "{failing:#?}");
    failing.failed(1, "not-found");
}

#[test]
fn cli_host_credential_keeps_the_token_in_the_host() {
    let env = env_for_token();
    let base = env.mock.base_url();
    let read = run(harness_with(TOKEN).args([
        "invoke",
        "read",
        r#"{"entity": "contacts", "entityId": "1"}"#,
        "--api-base",
        &base,
        "--host-credential",
    ]));
    read.assert_hides(TOKEN).failed(1, "not-found");
    let request = env.only_request();
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    // The component cannot see the token, so it probes each entity instead
    // of asking HubSpot for the token's scopes.
    let test = run(harness_with(TOKEN).args([
        "invoke",
        "test-connection",
        "{}",
        "--api-base",
        &base,
        "--host-credential",
    ]));
    let report = test.assert_hides(TOKEN).ok();
    assert_eq!(report["source"], "probe", "{report}");
}

#[test]
fn cli_unknown_action_is_invalid_input() {
    let env = env_for_token();
    let run = run(harness_with(TOKEN).args(["invoke", "frobnicate", "{}", "--api-base", &env.mock.base_url()]));
    let error = run.assert_hides(TOKEN).failed(2, "invalid-input");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("get-pipeline-stage")),
        "the message lists the actions: {error}"
    );
    assert!(env.requests().is_empty());
}

#[test]
fn cli_invalid_json_is_invalid_input() {
    let env = env_for_token();
    let base = env.mock.base_url();
    // Empty is what a script that forgets the input sends.
    for input in ["{not json", ""] {
        let run = run(harness_with(TOKEN).args(["invoke", "read", input, "--api-base", &base]));
        run.assert_hides(TOKEN).failed(2, "invalid-input");
    }
    assert!(env.requests().is_empty());
}

#[test]
fn cli_missing_token_names_the_variable_and_service_keys() {
    let env = env_for_token();
    let base = env.mock.base_url();
    for token in [None, Some("")] {
        let mut command = harness();
        if let Some(token) = token {
            command.env(TOKEN_VARIABLE, token);
        }
        let run = run(command.args(["invoke", "read", READ_CONTACT, "--api-base", &base]));
        let error = run.failed(2, "usage");
        let message = error["message"].as_str().expect("message");
        assert!(message.contains(TOKEN_VARIABLE), "{message}");
        assert!(message.contains("Service Keys"), "{message}");
    }
    assert!(env.requests().is_empty());
}

#[test]
fn cli_malformed_api_base_is_invalid_input_naming_connection_api_base() {
    let env = env_for_token();
    let with_path = format!("{}/crm/v3", env.mock.base_url());
    for base in ["ftp://x", with_path.as_str()] {
        let run = run(harness_with(TOKEN).args(["invoke", "read", READ_CONTACT, "--api-base", base]));
        let error = run.assert_hides(TOKEN).failed(2, "invalid-input");
        assert_eq!(error["path"], "connection.apiBase", "{base}: {error}");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("connection.apiBase")),
            "{base}: {error}"
        );
    }
    assert!(env.requests().is_empty());
}

#[test]
fn cli_unreachable_api_base_is_a_transport_error() {
    let run = run(harness_with(TOKEN).args(["invoke", "read", READ_CONTACT, "--api-base", "http://127.0.0.1:1"]));
    let error = run.assert_hides(TOKEN).failed(1, "transport");
    assert_eq!(error["failure"], "connection", "{error}");
    assert!(error["attempts"].as_u64().is_some_and(|n| n >= 1), "{error}");
}

#[test]
fn cli_wrong_token_is_unauthorized_and_not_echoed() {
    let env = seeded();
    let run = run(harness_with(TOKEN).args(["invoke", "read", READ_CONTACT, "--api-base", &env.mock.base_url()]));
    let error = run.assert_hides(TOKEN).failed(1, "unauthorized");
    assert_eq!(error["status"], 401);
    assert_eq!(
        env.only_request().header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn cli_usage_errors_exit_2_with_a_json_usage_error() {
    for args in [
        &[][..],
        &["invoke"][..],
        &["frobnicate"][..],
        &["invoke", "read", "{}", "--frobnicate"][..],
        &["invoke", "read", "{}", "extra"][..],
        &[
            "invoke",
            "test-connection",
            "{}",
            "--mock-scopes",
            "crm.objects.contacts.read",
        ][..],
        &["mock", "--listen", "not-an-address"][..],
    ] {
        let run = run(harness_with(TOKEN).args(args));
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        // One JSON line like every other error, carrying clap's explanation
        // (the usage line, or the whole help when no command is given).
        let error: Value =
            serde_json::from_str(run.stderr.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {run:#?}"));
        assert_eq!(error["error"]["kind"], "usage", "{args:?}");
        let message = error["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("error:") || message.contains("Usage: hubspot-harness"),
            "{args:?}: {message}"
        );
        assert!(
            message.contains("--help") || message.contains("Usage:"),
            "{args:?}: {message}"
        );
        run.assert_hides(TOKEN);
    }
    let help = run(harness().args(["invoke", "--help"]));
    assert_eq!(help.code, 0, "{help:#?}");
    assert!(help.stdout.contains(TOKEN_VARIABLE), "{help:#?}");
}

#[test]
fn cli_unloadable_component_is_a_host_failure() {
    let run = run(harness().args([
        "invoke",
        "test-connection",
        "{}",
        "--mock",
        "--component",
        "/nonexistent.wasm",
    ]));
    let error = run.failed(3, "host");
    assert_eq!(error["reason"], "load", "{error}");
}

#[test]
pub(crate) fn cli_describe_prints_the_catalog_of_every_action() {
    let catalog = run(harness().arg("describe")).ok();
    let names: Vec<&str> = catalog["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|action| action["name"].as_str())
        .collect();
    assert_eq!(names, crate::catalog::ACTIONS);
}

#[test]
fn cli_demo_prints_numbered_steps_and_a_summary() {
    let run = run(harness().arg("demo"));
    assert_eq!(run.code, 0, "{run:#?}");
    let steps: Vec<usize> = run
        .stdout
        .lines()
        .filter_map(|line| line.split_once(". ").and_then(|(n, _)| n.parse().ok()))
        .collect();
    assert!(steps.len() >= 5, "{}", run.stdout);
    assert_eq!(steps, (1..=steps.len()).collect::<Vec<_>>(), "{}", run.stdout);
    let last = run
        .stdout
        .lines()
        .rfind(|line| !line.trim().is_empty())
        .unwrap_or_default();
    assert!(last.starts_with("Done:"), "{last}");
}

/// A `hubspot-harness mock` child process, killed when dropped.
struct MockProcess(Child);

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
pub(crate) fn cli_mock_command_serves_on_the_address_it_prints() {
    let child = harness()
        .args([
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--token",
            TOKEN,
            "--scopes",
            "crm.objects.deals.read,crm.objects.deals.write",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the mock starts");
    let mut mock = MockProcess(child);
    let mut first_line = String::new();
    BufReader::new(mock.0.stdout.take().expect("stdout is piped"))
        .read_line(&mut first_line)
        .expect("the mock prints its address");
    let announced: Value = serde_json::from_str(&first_line).expect("the first line is JSON");
    let base = announced["mock"]["apiBase"].as_str().expect("apiBase").to_owned();
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not a loopback URL: {base}"));
    assert_ne!(port, 0, "the bound port is printed, not the requested one");

    let invoke =
        |action: &str, input: &str| run(harness_with(TOKEN).args(["invoke", action, input, "--api-base", &base]));
    let created = invoke(
        "create",
        r#"{"entity": "deals", "properties": {"dealname": "Renewal", "pipeline": "default", "dealstage": "appointmentscheduled"}}"#,
    )
    .ok();
    let id = created["id"].as_str().expect("an id");
    // The served mock keeps its state between invocations.
    let read = invoke("read", &json!({"entity": "deals", "entityId": id}).to_string()).ok();
    assert_eq!(read["properties"]["dealname"], "Renewal");
    let pipelines = invoke("get-pipelines", r#"{"entity": "deals"}"#).ok();
    assert!(
        pipelines["results"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["id"] == "default")),
        "{pipelines}"
    );
    let stage = invoke(
        "get-pipeline-stage",
        r#"{"entity": "deals", "pipelineId": "default", "stageId": "appointmentscheduled"}"#,
    )
    .ok();
    assert_eq!(stage["id"], "appointmentscheduled", "{stage}");
    let properties = invoke("get-properties", r#"{"objectType": "deals"}"#).ok();
    assert!(
        properties["results"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "dealstage")),
        "{properties}"
    );
    // Only the deals scopes were granted.
    invoke("read", r#"{"entity": "contacts", "entityId": "1"}"#)
        .assert_hides(TOKEN)
        .failed(1, "forbidden");
}

/// The `kind` the CLI prints for `error`: the WIT variant's name.
fn kind_of(error: &Error) -> &'static str {
    match error {
        Error::InvalidInput(_) => "invalid-input",
        Error::Validation(_) => "validation",
        Error::Unauthorized(_) => "unauthorized",
        Error::Forbidden(_) => "forbidden",
        Error::NotFound(_) => "not-found",
        Error::Conflict(_) => "conflict",
        Error::RateLimited(_) => "rate-limited",
        Error::Hubspot(_) => "hubspot",
        Error::Transport(_) => "transport",
    }
}

/// HubSpot's answer inside `error`, for the variants that come from one.
fn api_error_of(error: &Error) -> Option<&ApiError> {
    match error {
        Error::Validation(e) => Some(&e.detail),
        Error::Forbidden(e) => Some(&e.detail),
        Error::Conflict(e) => Some(&e.detail),
        Error::RateLimited(e) => Some(&e.detail),
        Error::Unauthorized(detail) | Error::NotFound(detail) | Error::Hubspot(detail) => Some(detail),
        Error::InvalidInput(_) | Error::Transport(_) => None,
    }
}

/// One request over a fresh connection: the status and the body.
fn http(addr: &str, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
    let mut stream = std::net::TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\
         Authorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        hubspot_mock::DEFAULT_TOKEN,
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).map_err(|e| e.to_string())?;
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

#[test]
fn cli_mock_command_takes_a_fault_file_and_the_control_endpoint() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("faults-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let rules = dir.join("faults.json");
    let list = r#"[{"method": "GET", "times": 1, "fault": {"kind": "status", "status": 503}}]"#;
    std::fs::write(&rules, list).map_err(|e| e.to_string())?;
    let not_a_list = dir.join("not-a-list.json");
    std::fs::write(&not_a_list, r#"{"fault": "all of them"}"#).map_err(|e| e.to_string())?;

    let refused = hubspot_end_to_end::artifacts::harness_command()
        .args(["mock", "--listen", "127.0.0.1:0", "--faults"])
        .arg(&not_a_list)
        .output()
        .map_err(|e| e.to_string())?;
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("fault rules"));

    let mut mock = hubspot_end_to_end::artifacts::harness_command()
        .args(["mock", "--listen", "127.0.0.1:0", "--faults"])
        .arg(&rules)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let checked = (|| {
        let mut stdout = mock.stdout.take().ok_or("stdout is not piped")?;
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while byte[0] != b'\n' {
            stdout
                .read_exact(&mut byte)
                .map_err(|e| format!("no announcement: {e}"))?;
            line.push(byte[0]);
        }
        let announced: Value = serde_json::from_slice(&line).map_err(|e| e.to_string())?;
        let base = announced["mock"]["apiBase"].as_str().ok_or("no apiBase")?;
        let addr = base.trim_start_matches("http://");
        let read = "/crm/objects/2026-09/contacts/1".to_owned();
        assert_eq!(http(addr, "GET", &read, "")?.0, 503, "the file's fault fires once");
        assert_eq!(http(addr, "GET", &read, "")?.0, 404);
        let added = http(addr, "POST", "/__mock/faults", list)?;
        assert_eq!(added.0, 200, "{added:?}");
        assert_eq!(http(addr, "GET", &read, "")?.0, 503, "a posted fault fires");
        let (status, listed) = http(addr, "GET", "/__mock/faults", "")?;
        assert_eq!((status, listed.as_str()), (200, r#"{"faults":[]}"#));
        assert_eq!(http(addr, "POST", "/__mock/faults", list)?.0, 200);
        assert_eq!(http(addr, "DELETE", "/__mock/faults", "")?.0, 204);
        assert_eq!(http(addr, "GET", &read, "")?.0, 404, "cleared");
        Ok::<(), String>(())
    })();
    let _ = mock.kill();
    let _ = mock.wait();
    let _ = std::fs::remove_dir_all(&dir);
    checked
}

#[test]
fn cli_help_ends_with_examples() {
    let top = run(harness().arg("--help"));
    assert_eq!(top.code, 0, "{top:#?}");
    assert!(top.stdout.contains("Examples:") && top.stdout.contains("hubspot-harness mcp --listen"));
    assert!(top.stdout.contains("RUST_LOG"));
    for (command, example) in [
        ("invoke", "hubspot-harness invoke read"),
        ("mcp", "Authorization: Bearer"),
        ("mock", "hubspot-harness mock --listen"),
        ("describe", "hubspot-harness describe --pretty"),
    ] {
        let help = run(harness().args([command, "--help"]));
        assert_eq!(help.code, 0, "{help:#?}");
        assert!(help.stdout.contains("Example"), "{command}: {help:#?}");
        assert!(help.stdout.contains(example), "{command}: {help:#?}");
    }
}

#[test]
fn cli_pretty_indents_the_json_on_stdout_and_stderr() {
    let plain = run(harness().arg("describe"));
    let pretty = run(harness().args(["describe", "--pretty"]));
    assert_eq!(plain.stdout.lines().count(), 1, "{plain:#?}");
    assert!(pretty.stdout.lines().count() > 100, "{pretty:#?}");
    assert!(pretty.stdout.contains("\n  \""), "{pretty:#?}");
    assert_eq!(pretty.ok(), plain.ok());

    let failed = run(harness().args(["--pretty", "invoke", "create", r#"{"entity": "spaceships"}"#, "--mock"]));
    assert_eq!(failed.code, 2, "{failed:#?}");
    assert!(failed.stderr.lines().count() > 3, "{failed:#?}");
    let error: Value = serde_json::from_str(&failed.stderr).expect("the pretty error is one JSON document");
    assert_eq!(error["error"]["kind"], "invalid-input");
}

#[test]
fn cli_logs_go_to_stderr_as_rust_log_asks_and_stdout_stays_json() {
    let read = r#"{"entity": "contacts", "entityId": "1"}"#;
    let quiet = run(harness().args(["invoke", "read", read, "--mock"]));
    assert_eq!(quiet.code, 1, "{quiet:#?}");
    assert_eq!(quiet.stderr.lines().count(), 1, "{quiet:#?}");

    let logged = run(harness()
        .env("RUST_LOG", "hubspot_harness=debug")
        .args(["invoke", "read", read, "--mock"]));
    assert_eq!(logged.code, 1, "{logged:#?}");
    assert!(logged.stdout.is_empty(), "{logged:#?}");
    assert!(
        logged
            .stderr
            .lines()
            .any(|line| line.contains("DEBUG") && line.contains("calling the component")),
        "{logged:#?}"
    );
    assert_eq!(logged.error()["kind"], "not-found");
}
