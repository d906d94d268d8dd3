//! Shared fixtures: one compiled connector per test binary, a fresh mock per
//! test, the specification's samples, and helpers to call and inspect.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of tests: a panic here is a failed test"
)]

use std::sync::OnceLock;

use hubspot_harness::wit::{Connection, Error};
use hubspot_harness::{Call, Connector, Invocation, Sandbox};
use hubspot_mock::{self, MockConfig, MockServer, RecordedRequest, TokenGrant};
use serde_json::Value;

/// The connector, compiled once for the whole test binary.
pub fn connector() -> &'static Connector {
    static CONNECTOR: OnceLock<Connector> = OnceLock::new();
    CONNECTOR.get_or_init(|| Connector::embedded(Sandbox::default()).expect("the embedded component loads"))
}

/// The runtime the async host runs on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime starts")
    })
}

/// The HubSpot API version the connector uses when the connection names none.
pub const DEFAULT_API_VERSION: &str = "2026-09";

/// `path`, written as the default version spells it (`/crm/objects/2026-09/…`),
/// as `version` spells it (`/crm/v3/objects/…` for `v3`).
pub fn path_in_version(path: &str, version: &str) -> String {
    let dated = format!("/{DEFAULT_API_VERSION}");
    let Some((family, rest)) = path.strip_prefix("/crm/").and_then(|tail| tail.split_once(&dated)) else {
        panic!("{path} is not a path of version {DEFAULT_API_VERSION}");
    };
    match version {
        "v3" => format!("/crm/v3/{family}{rest}"),
        dated => format!("/crm/{family}/{dated}{rest}"),
    }
}

/// A fresh mock HubSpot and a connection to it.
pub struct Env {
    pub mock: MockServer,
    pub connection: Connection,
}

impl Env {
    /// A mock that accepts the default token with every scope.
    pub fn new() -> Self {
        Self::with_config(MockConfig::default(), hubspot_mock::DEFAULT_TOKEN)
    }

    /// A mock whose only token is granted `scopes`.
    pub fn with_scopes(token: &str, scopes: &[&str]) -> Self {
        let config = MockConfig {
            tokens: vec![TokenGrant::new(token, scopes)],
            ..MockConfig::default()
        };
        Self::with_config(config, token)
    }

    /// A mock started with `config`, called with `token`.
    pub fn with_config(config: MockConfig, token: &str) -> Self {
        let mock = MockServer::start(config).expect("the mock starts");
        let connection = Connection {
            access_token: token.to_owned(),
            api_base: Some(mock.base_url()),
            api_version: None,
        };
        Self { mock, connection }
    }

    /// The same mock, called with HubSpot API version `version`.
    pub fn with_api_version(mut self, version: &str) -> Self {
        self.connection.api_version = Some(version.to_owned());
        self
    }

    /// Runs `action` on `input` through `tool.invoke`.
    pub fn call(&self, action: &str, input: &str) -> Call<String> {
        let invocation = Invocation {
            connection: self.connection.clone(),
            action: action.to_owned(),
            input: input.to_owned(),
        };
        runtime()
            .block_on(connector().invoke(&invocation))
            .unwrap_or_else(|error| panic!("{action} did not complete: {error}"))
    }

    /// Runs `action` and parses its JSON output.
    #[expect(clippy::result_large_err, reason = "the WIT error as the component returns it")]
    pub fn invoke(&self, action: &str, input: &str) -> Result<Value, Error> {
        self.call(action, input)
            .result
            .map(|output| serde_json::from_str(&output).expect("invoke returns JSON"))
    }

    /// Runs `action`, which must succeed.
    pub fn ok(&self, action: &str, input: &str) -> Value {
        self.invoke(action, input)
            .unwrap_or_else(|error| panic!("{action} {input} failed: {error:?}"))
    }

    /// Every request the mock received.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.mock.requests()
    }

    /// The one request the mock received since the last `clear`.
    pub fn only_request(&self) -> RecordedRequest {
        let mut requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        requests.remove(0)
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.mock.clear_requests();
    }

    /// Creates a record through the connector and returns its id.
    pub fn create(&self, entity: &str, properties: Value) -> String {
        let input = serde_json::json!({ "entity": entity, "properties": properties }).to_string();
        let created = self.ok("create", &input);
        created["id"].as_str().expect("a created record has an id").to_owned()
    }
}

/// The numeric ids of the records in an answer's `results`, in order.
pub fn record_ids(answer: &Value) -> Vec<u64> {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|record| {
            record["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .expect("numeric id")
        })
        .collect()
}

/// One sample input from the specification.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The action it belongs to, as `invoke` names it.
    pub action: &'static str,
    /// The comment above it, such as `Create a Contact`.
    pub title: String,
    /// The JSON exactly as the specification writes it.
    pub json: String,
}

/// The specification's section headings and the actions they describe.
const SECTIONS: &[(&str, &str)] = &[
    ("Create", "create"),
    ("Read", "read"),
    ("Update", "update"),
    ("Archive", "archive"),
    ("Search", "search"),
    ("Retrieve All Pipelines", "get-pipelines"),
    ("Get Pipeline Stage by ID", "get-pipeline-stage"),
    ("Get properties", "get-properties"),
];

/// Every sample in the specification, read from its text, in order.
pub fn spec_samples() -> Vec<Sample> {
    let text = include_str!("../fixtures/hubspot-connector-spec.txt");
    let mut samples = Vec::new();
    let mut action = None;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some((_, name)) = SECTIONS.iter().find(|(heading, _)| line.trim() == *heading) {
            action = Some(*name);
            continue;
        }
        let Some(title) = line.strip_prefix("//") else { continue };
        let Some(action) = action else { continue };
        let mut json = String::new();
        let mut depth = 0i32;
        let mut in_string = false;
        let mut escaped = false;
        let mut started = false;
        'sample: for line in lines.by_ref() {
            for (index, c) in line.char_indices() {
                started |= c == '{';
                if started {
                    if in_string {
                        match (escaped, c) {
                            (true, _) => escaped = false,
                            (false, '\\') => escaped = true,
                            (false, '"') => in_string = false,
                            _ => {}
                        }
                    } else {
                        match c {
                            '"' => in_string = true,
                            '{' => depth += 1,
                            '}' => depth -= 1,
                            _ => {}
                        }
                    }
                    if depth == 0 && c == '}' {
                        json.push_str(&line[..=index]);
                        break 'sample;
                    }
                }
            }
            if started {
                json.push_str(line);
                json.push('\n');
            }
        }
        samples.push(Sample {
            action,
            title: title.trim().to_owned(),
            json,
        });
    }
    samples
}

/// The samples of one action.
pub fn samples_of(action: &str) -> Vec<Sample> {
    spec_samples()
        .into_iter()
        .filter(|sample| sample.action == action)
        .collect()
}
