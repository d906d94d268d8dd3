//! Every fault the mock can inject, seen over real HTTP: what reaches the wire, whether
//! the request was handled (a record exists or not), how `times` and matching work, and
//! the `/__mock/faults` control endpoint.

#![allow(clippy::panic, reason = "a failing test panics")]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::{Client, Reply};
use hubspot_mock::{DEFAULT_TOKEN, Fault, FaultRule, MockConfig, MockServer, RateLimitPolicy, RateLimitStyle};
use serde_json::{Value, json};

const CONTACTS: &str = "/crm/v3/objects/contacts";

fn start(rules: Vec<FaultRule>) -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::default()).unwrap_or_else(|e| panic!("start: {e}"));
    server.add_faults(rules);
    let client = Client::new(server.local_addr(), DEFAULT_TOKEN);
    (server, client)
}

fn create_body() -> Value {
    json!({"properties": {"email": "ann@example.com", "firstname": "Ann"}})
}

/// Sends one request with `Connection: close` and returns every byte the server sent
/// before closing: for the faults that break HTTP, which the common client cannot parse.
fn raw_exchange(addr: SocketAddr, method: &str, path: &str, body: Option<&[u8]>) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: mock\r\nConnection: close\r\nAuthorization: Bearer {DEFAULT_TOKEN}\r\n"
    );
    if let Some(body) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    if let Some(body) = body {
        stream.write_all(body).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut received = Vec::new();
    // A reset after a partial answer still leaves what arrived in `received`.
    let _ = stream.read_to_end(&mut received);
    received
}

/// The head and body of a raw answer.
fn split(raw: &[u8]) -> (String, &[u8]) {
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    (
        String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase(),
        &raw[end + 4..],
    )
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines()
        .find_map(|line| line.strip_prefix(&format!("{name}:")).map(|v| v.trim().to_owned()))
}

fn rate_limited(policy: RateLimitPolicy, style: RateLimitStyle, retry_after_secs: Option<u64>) -> Fault {
    Fault::RateLimited {
        policy,
        style,
        retry_after_secs,
        interval_ms: None,
    }
}

#[test]
fn faults_rate_limit_burst_then_the_create_goes_through_once() {
    let (server, client) = start(vec![
        FaultRule::new(Fault::RateLimited {
            policy: RateLimitPolicy::TenSecondlyRolling,
            style: RateLimitStyle::Docs,
            retry_after_secs: Some(1),
            interval_ms: Some(250),
        })
        .method("POST")
        .path_prefix(CONTACTS)
        .times(2),
    ]);
    for _ in 0..2 {
        let reply = client.post(CONTACTS, &create_body());
        assert_eq!(reply.status, 429);
        let body = reply.json();
        assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
        assert_eq!(body["errorType"], "RATE_LIMIT");
        assert_eq!(body["message"], "You have reached your ten_secondly_rolling limit.");
        assert_eq!(body["correlationId"].as_str(), reply.header("x-hubspot-correlation-id"));
        assert_eq!(reply.header("retry-after"), Some("1"));
        assert_eq!(reply.header("x-hubspot-ratelimit-interval-milliseconds"), Some("250"));
        assert_eq!(reply.header("x-hubspot-ratelimit-remaining"), Some("0"));
        assert_eq!(server.record_count("contacts", true), 0, "a 429 creates nothing");
    }
    assert_eq!(client.post(CONTACTS, &create_body()).status, 201);
    assert_eq!(server.record_count("contacts", true), 1);
    assert_eq!(server.requests().len(), 3, "faulted requests are recorded too");
    assert!(server.faults().is_empty(), "a used-up rule retires");
}

#[test]
fn faults_rate_limits_come_in_the_recorded_style_without_headers() {
    for policy in [
        RateLimitPolicy::Secondly,
        RateLimitPolicy::TenSecondlyRolling,
        RateLimitPolicy::Daily,
    ] {
        let (_server, client) = start(vec![FaultRule::new(rate_limited(
            policy,
            RateLimitStyle::Recorded,
            None,
        ))]);
        let reply = client.post(&format!("{CONTACTS}/search"), &json!({}));
        assert_eq!(reply.status, 429);
        let body = reply.json();
        assert_eq!(body["category"], "RATE_LIMITS");
        assert!(
            body.get("policyName").is_none() && body.get("errorType").is_none(),
            "{body}"
        );
        assert!(
            body["message"].as_str().unwrap_or_default().contains("limit."),
            "{body}"
        );
        assert_eq!(reply.header("retry-after"), None);
        assert_eq!(reply.header("x-hubspot-ratelimit-interval-milliseconds"), None);
        assert!(reply.header("x-hubspot-ratelimit-daily").is_some());
        let daily_left = reply.header("x-hubspot-ratelimit-daily-remaining");
        assert_eq!(daily_left == Some("0"), policy == RateLimitPolicy::Daily);
    }
}

#[test]
fn faults_error_statuses_answer_instead_of_hubspot_in_json_or_html() {
    for status in [500, 502, 503, 504, 423] {
        for html in [false, true] {
            let (server, client) = start(vec![FaultRule::new(Fault::Status { status, html })]);
            let reply = client.post(CONTACTS, &create_body());
            assert_eq!(reply.status, status);
            let content_type = reply.header("content-type").unwrap_or_default();
            if html {
                assert!(content_type.starts_with("text/html"), "{content_type}");
                assert!(String::from_utf8_lossy(&reply.body).contains(&status.to_string()));
            } else {
                assert_eq!(content_type, "application/json;charset=utf-8");
                let body = reply.json();
                assert_eq!(body["status"], "error");
                assert_eq!(body["correlationId"].as_str(), reply.header("x-hubspot-correlation-id"));
            }
            assert_eq!(server.record_count("contacts", true), 0, "{status}");
        }
    }
}

#[test]
fn faults_connection_dropped_before_processing_creates_nothing() {
    let (server, _client) = start(vec![FaultRule::new(Fault::DropBeforeProcessing)]);
    let raw = raw_exchange(
        server.local_addr(),
        "POST",
        CONTACTS,
        Some(create_body().to_string().as_bytes()),
    );
    assert!(raw.is_empty(), "{:?}", String::from_utf8_lossy(&raw));
    assert_eq!(server.record_count("contacts", true), 0);
    assert_eq!(server.requests().len(), 1, "the mock saw the request");
}

#[test]
fn faults_connection_dropped_after_processing_leaves_the_record() {
    let (server, _client) = start(vec![FaultRule::new(Fault::DropAfterProcessing).times(1)]);
    let raw = raw_exchange(
        server.local_addr(),
        "POST",
        CONTACTS,
        Some(create_body().to_string().as_bytes()),
    );
    assert!(raw.is_empty(), "{:?}", String::from_utf8_lossy(&raw));
    assert_eq!(
        server.record_count("contacts", true),
        1,
        "the record exists; the client never learnt it"
    );
}

#[test]
fn faults_delay_holds_back_the_first_byte_of_a_handled_request() {
    let (server, client) = start(vec![FaultRule::new(Fault::Delay { ms: 300 }).method("POST")]);
    let started = Instant::now();
    let reply = client.post(CONTACTS, &create_body());
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reply.status, 201);
    assert_eq!(server.record_count("contacts", true), 1);
    let started = Instant::now();
    let read = client.get(&format!("{CONTACTS}/{}", reply.json()["id"].as_str().unwrap_or("0")));
    assert_eq!(read.status, 200);
    assert!(started.elapsed() < Duration::from_millis(300), "GET is not delayed");
}

#[test]
fn faults_malformed_json_is_cut_short_after_the_create() {
    let (server, client) = start(vec![FaultRule::new(Fault::MalformedJson)]);
    let reply = client.post(CONTACTS, &create_body());
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("content-type"), Some("application/json;charset=utf-8"));
    assert!(serde_json::from_slice::<Value>(&reply.body).is_err());
    assert!(
        reply.body.starts_with(b"{\"") && reply.body.len() > 100,
        "{:?}",
        reply.body
    );
    assert_eq!(server.record_count("contacts", true), 1);
}

#[test]
fn faults_truncated_body_announces_more_than_it_sends_then_closes() {
    let (server, client) = start(vec![]);
    let created = client.post(CONTACTS, &create_body());
    let path = format!("{CONTACTS}/{}", created.json()["id"].as_str().unwrap_or("0"));
    server.add_faults(vec![FaultRule::new(Fault::TruncatedBody)]);
    let raw = raw_exchange(server.local_addr(), "GET", &path, None);
    let (head, body) = split(&raw);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let announced: usize = header_value(&head, "content-length")
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no content-length in {head}"));
    assert!(
        !body.is_empty() && body.len() < announced,
        "{} of {announced}",
        body.len()
    );
    // An empty 204 answer is given a body to cut, too.
    let archived = raw_exchange(server.local_addr(), "DELETE", &path, None);
    let (head, body) = split(&archived);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(body.len() < 2, "{body:?}");
    assert_eq!(server.record_count("contacts", false), 0, "the archive was handled");
}

#[test]
fn faults_html_success_page_answers_instead_of_hubspot() {
    let (server, client) = start(vec![FaultRule::new(Fault::HtmlSuccess)]);
    let reply = client.post(CONTACTS, &create_body());
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html")
    );
    assert!(reply.body.starts_with(b"<!DOCTYPE html>"));
    assert_eq!(server.record_count("contacts", true), 0);
}

#[test]
fn faults_wrong_content_type_labels_the_json_as_text() {
    let (server, client) = start(vec![FaultRule::new(Fault::WrongContentType)]);
    let reply = client.post(CONTACTS, &create_body());
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("content-type"), Some("text/plain;charset=utf-8"));
    assert_eq!(reply.json()["properties"]["email"], "ann@example.com");
    assert_eq!(server.record_count("contacts", true), 1);
}

#[test]
fn faults_unexpected_json_answers_a_handled_request_with_another_shape() {
    let (server, client) = start(vec![FaultRule::new(Fault::UnexpectedJson)]);
    let reply = client.post(CONTACTS, &create_body());
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("content-type"), Some("application/json;charset=utf-8"));
    assert_eq!(reply.json(), json!({"unexpected": true}));
    assert_eq!(server.record_count("contacts", true), 1, "the create was handled");
}

#[test]
fn faults_oversized_body_is_streamed_announced_or_chunked() {
    const BYTES: u64 = 33 * 1024 * 1024;
    for chunked in [false, true] {
        let (server, _client) = start(vec![FaultRule::new(Fault::OversizedBody { bytes: BYTES, chunked })]);
        let mut stream = TcpStream::connect(server.local_addr()).unwrap_or_else(|e| panic!("{e}"));
        stream
            .write_all(b"GET /crm/v3/objects/contacts/1 HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap_or_else(|e| panic!("{e}"));
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
        let mut rest = Vec::new();
        let received = std::io::copy(&mut stream, &mut rest).unwrap_or_else(|e| panic!("{e}"));
        if chunked {
            assert_eq!(
                header_value(&head, "transfer-encoding").as_deref(),
                Some("chunked"),
                "{head}"
            );
            assert_eq!(header_value(&head, "content-length"), None);
            assert!(received > BYTES, "chunk framing adds bytes: {received}");
        } else {
            assert_eq!(header_value(&head, "content-length"), Some(BYTES.to_string()));
            assert_eq!(received, BYTES);
            assert!(rest.starts_with(br#"{"id":"1","properties":{"notes":"xxx"#));
        }
    }
}

#[test]
fn faults_match_by_method_and_path_prefix_only() {
    let (server, client) = start(vec![
        FaultRule::new(Fault::Status {
            status: 503,
            html: false,
        })
        .method("GET")
        .path_prefix("/crm/v3/objects/deals"),
    ]);
    assert_eq!(client.post(CONTACTS, &create_body()).status, 201);
    assert_eq!(client.get("/crm/v3/objects/contacts?limit=1").status, 200);
    assert_eq!(client.get("/crm/v3/objects/deals?limit=1").status, 503);
    assert_eq!(client.get("/crm/v3/objects/deals/1").status, 503);
    assert_eq!(server.faults().len(), 1, "a rule without `times` stays");
    server.clear_faults();
    assert_eq!(client.get("/crm/v3/objects/deals?limit=1").status, 200);
}

#[test]
fn faults_control_endpoint_programs_a_standalone_server() {
    let (server, client) = start(vec![]);
    let anonymous = Client::anonymous(server.local_addr());
    let rules = json!([
        {"method": "POST", "pathPrefix": CONTACTS, "times": 1,
         "fault": {"kind": "rate-limited", "policy": "SECONDLY", "style": "recorded"}},
        {"method": "GET", "fault": {"kind": "status", "status": 502, "html": true}}
    ]);
    let added = anonymous.post("/__mock/faults", &rules);
    assert_eq!(added.status, 200, "{}", String::from_utf8_lossy(&added.body));
    assert_eq!(added.json()["faults"].as_array().map(Vec::len), Some(2));

    let limited = client.post(CONTACTS, &create_body());
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["message"], "You have reached your secondly limit.");
    assert_eq!(client.post(CONTACTS, &create_body()).status, 201);
    assert_eq!(client.get("/crm/v3/objects/contacts?limit=1").status, 502);

    let listed: Reply = anonymous.get("/__mock/faults");
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["faults"][0]["fault"]["kind"], "status");
    assert_eq!(anonymous.delete("/__mock/faults").status, 204);
    assert!(server.faults().is_empty());
    assert_eq!(client.get("/crm/v3/objects/contacts?limit=1").status, 200);

    let refused = anonymous.post("/__mock/faults", &json!({"fault": "everything"}));
    assert_eq!(refused.status, 400);
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap_or_default()
            .contains("fault rules")
    );
    let recorded: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        recorded.iter().all(|path| !path.starts_with("/__mock")),
        "control requests are not recorded: {recorded:?}"
    );
    assert_eq!(recorded.len(), 4);
}
