//! Programmable faults: rules that make the mock answer a matching request the way HubSpot
//! (or a proxy in front of it) does when things go wrong, so that clients can be tested
//! against rate limits, server errors, dropped connections, slow answers and broken bodies.
//!
//! A fault either answers *instead of* HubSpot (429, 5xx, 423, an HTML page, a connection
//! dropped before the request is handled: nothing is created) or *spoils the answer* to a
//! request that was handled (a connection dropped afterwards, a delay, malformed,
//! truncated, mislabelled or oversized bodies: a create did create its record, the client
//! just cannot tell). Rules are tried in order; the first that matches fires and, when it
//! has a `times` budget, uses one up. ⚠ Bodies of 5xx/423 and the exact 429 headers are
//! HubSpot-like, not captured from HubSpot; the 429 bodies are HubSpot's, see
//! [`RateLimitStyle`].

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// One programmable fault: which requests it applies to, what it does, how often.
///
/// As JSON (the control endpoint and `hubspot-harness mock --faults` read a list of these):
/// `{"method": "POST", "pathPrefix": "/crm/v3/objects/contacts", "times": 2,
///   "fault": {"kind": "rate-limited", "policy": "TEN_SECONDLY_ROLLING", "style": "docs",
///   "retryAfterSecs": 1}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// The method it applies to (compared case-insensitively); `None` for every method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The start of the raw (still percent-encoded) paths it applies to; empty for all.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path_prefix: String,
    /// What happens to a matching request.
    pub fault: Fault,
    /// How many matching requests it spoils before it retires; `None` for all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule that applies `fault` to every request, forever.
    pub fn new(fault: Fault) -> Self {
        Self {
            method: None,
            path_prefix: String::new(),
            fault,
            times: None,
        }
    }

    /// Only requests with this method.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    /// Only requests whose raw path starts with `prefix`.
    pub fn path_prefix(mut self, prefix: &str) -> Self {
        prefix.clone_into(&mut self.path_prefix);
        self
    }

    /// Only the next `times` matching requests.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.times != Some(0)
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }
}

/// What a fault does to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum Fault {
    /// 429 instead of handling the request.
    RateLimited {
        /// Which limit the body names.
        policy: RateLimitPolicy,
        /// Which of HubSpot's two body styles.
        style: RateLimitStyle,
        /// A `Retry-After` header, in seconds (HubSpot sends none on 429s).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
        /// An `X-HubSpot-RateLimit-Interval-Milliseconds` header (with `-Max` and
        /// `-Remaining: 0`); without it only the two `Daily` headers are sent, as on
        /// recorded search 429s.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interval_ms: Option<u64>,
    },
    /// An error status (500, 502, 503, 504, 423, …) instead of handling the request.
    Status {
        /// The status code.
        status: u16,
        /// An HTML page as a proxy sends it, instead of a HubSpot JSON error body.
        #[serde(default)]
        html: bool,
    },
    /// Close the connection after reading the request, before handling it.
    DropBeforeProcessing,
    /// Handle the request, then close the connection without answering.
    DropAfterProcessing,
    /// Handle the request, then wait this long before answering (a slow first byte).
    Delay {
        /// The wait, in milliseconds.
        ms: u64,
    },
    /// Handle the request, then answer with its JSON body cut short (with a correct
    /// `Content-Length`, so only the JSON is broken).
    MalformedJson,
    /// Handle the request, then announce the whole body in `Content-Length`, send half of
    /// it and close the connection.
    TruncatedBody,
    /// Answer 200 with an HTML page (a captive portal or proxy) instead of handling it.
    HtmlSuccess,
    /// Handle the request, then answer its JSON as `text/plain`.
    WrongContentType,
    /// Handle the request, then answer with well-formed JSON of a shape HubSpot never
    /// sends for it ([`UNEXPECTED_JSON`]), as a proxy or an API change could.
    UnexpectedJson,
    /// Handle the request, then answer with a body of this many bytes, streamed (never
    /// held in memory) and announced in `Content-Length`, or sent chunked without
    /// announcing its length.
    OversizedBody {
        /// The body's length.
        bytes: u64,
        /// Send it with `Transfer-Encoding: chunked` instead of a `Content-Length`.
        #[serde(default)]
        chunked: bool,
    },
}

/// Which rate limit a 429 reports (the `policyName` values of HubSpot's usage docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RateLimitPolicy {
    /// The per-app burst limit.
    TenSecondlyRolling,
    /// The search API's per-second limit. ⚠ As a `policyName` only seen in third-party code.
    Secondly,
    /// The daily quota.
    Daily,
}

/// The two 429 body styles HubSpot is known to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateLimitStyle {
    /// The body of HubSpot's usage guidelines
    /// (<https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines>):
    /// `errorType: "RATE_LIMIT"`, `policyName`, `requestId`.
    Docs,
    /// The recorded body: `category: "RATE_LIMITS"` and a message naming the limit, as
    /// every 429 of the 2022 recordings has it (see the crate docs).
    Recorded,
}

impl RateLimitPolicy {
    fn message(self) -> &'static str {
        match self {
            Self::TenSecondlyRolling => "You have reached your ten_secondly_rolling limit.",
            Self::Secondly => "You have reached your secondly limit.",
            Self::Daily => "You have reached your daily limit.",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::TenSecondlyRolling => "TEN_SECONDLY_ROLLING",
            Self::Secondly => "SECONDLY",
            Self::Daily => "DAILY",
        }
    }
}

/// When a fault acts, relative to handling the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Instead of handling it: nothing is created, updated or archived.
    Instead,
    /// After handling it: the answer is spoiled, the change is made.
    After,
}

impl Fault {
    pub(crate) fn stage(&self) -> Stage {
        match self {
            Self::RateLimited { .. } | Self::Status { .. } | Self::DropBeforeProcessing | Self::HtmlSuccess => {
                Stage::Instead
            }
            Self::DropAfterProcessing
            | Self::Delay { .. }
            | Self::MalformedJson
            | Self::TruncatedBody
            | Self::WrongContentType
            | Self::UnexpectedJson
            | Self::OversizedBody { .. } => Stage::After,
        }
    }
}

/// A canned answer: status, headers, body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Canned {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

/// `Content-Type` of the HTML pages proxies answer with.
const HTML: &str = "text/html; charset=utf-8";
/// `Content-Type` of a JSON body mislabelled as text.
pub(crate) const TEXT_PLAIN: &str = "text/plain;charset=utf-8";

/// The answer of a fault that acts [`Stage::Instead`] of HubSpot (`None` for the others
/// and for a dropped connection).
pub(crate) fn canned(fault: &Fault, correlation_id: &str) -> Option<Canned> {
    match fault {
        Fault::RateLimited {
            policy,
            style,
            retry_after_secs,
            interval_ms,
        } => Some(rate_limited(
            *policy,
            *style,
            *retry_after_secs,
            *interval_ms,
            correlation_id,
        )),
        Fault::Status { status, html: true } => Some(html_page(*status, &status_page_title(*status))),
        Fault::Status { status, html: false } => Some(json_error(*status, correlation_id)),
        Fault::HtmlSuccess => Some(html_page(200, "Please sign in to continue")),
        _ => None,
    }
}

fn rate_limited(
    policy: RateLimitPolicy,
    style: RateLimitStyle,
    retry_after_secs: Option<u64>,
    interval_ms: Option<u64>,
    correlation_id: &str,
) -> Canned {
    let body = match style {
        RateLimitStyle::Docs => json!({
            "status": "error",
            "message": policy.message(),
            "errorType": "RATE_LIMIT",
            "correlationId": correlation_id,
            "policyName": policy.name(),
            "requestId": crate::errors::correlation_id(),
        }),
        RateLimitStyle::Recorded => json!({
            "status": "error",
            "message": policy.message(),
            "correlationId": correlation_id,
            "category": "RATE_LIMITS",
        }),
    };
    let daily_remaining = if policy == RateLimitPolicy::Daily {
        0
    } else {
        crate::headers::DAILY_LIMIT / 2
    };
    let mut headers = vec![
        ("content-type", crate::headers::JSON_CONTENT_TYPE.to_owned()),
        ("x-hubspot-ratelimit-daily", crate::headers::DAILY_LIMIT.to_string()),
        ("x-hubspot-ratelimit-daily-remaining", daily_remaining.to_string()),
    ];
    if let Some(interval) = interval_ms {
        headers.push(("x-hubspot-ratelimit-interval-milliseconds", interval.to_string()));
        headers.push(("x-hubspot-ratelimit-max", crate::headers::INTERVAL_MAX.to_string()));
        headers.push(("x-hubspot-ratelimit-remaining", "0".to_owned()));
    }
    if let Some(seconds) = retry_after_secs {
        headers.push(("retry-after", seconds.to_string()));
    }
    Canned {
        status: 429,
        headers,
        body: json_bytes(&body),
    }
}

/// ⚠ HubSpot's bodies for these are not documented; the category names are guesses.
fn json_error(status: u16, correlation_id: &str) -> Canned {
    let (message, category) = match status {
        423 => ("The resource is locked; try again in a few seconds.", "LOCKED"),
        502..=504 => (
            "The service is temporarily unavailable; please try again.",
            "SERVICE_UNAVAILABLE",
        ),
        _ => ("An internal error occurred.", "INTERNAL_ERROR"),
    };
    let body = json!({
        "status": "error",
        "message": message,
        "correlationId": correlation_id,
        "category": category,
    });
    Canned {
        status,
        headers: vec![("content-type", crate::headers::JSON_CONTENT_TYPE.to_owned())],
        body: json_bytes(&body),
    }
}

fn status_page_title(status: u16) -> String {
    let reason = match status {
        423 => "Locked",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
    format!("{status} {reason}")
}

fn html_page(status: u16, title: &str) -> Canned {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\
         <body><center><h1>{title}</h1></center><hr><center>proxy</center></body></html>\n"
    );
    Canned {
        status,
        headers: vec![("content-type", HTML.to_owned())],
        body: body.into_bytes(),
    }
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// The JSON cut short: everything but its last byte, so an object or array loses its
/// closing bracket. An empty body becomes a lone `{`.
/// The body of [`Fault::UnexpectedJson`]: valid JSON, and no HubSpot answer's shape.
pub const UNEXPECTED_JSON: &str = r#"{"unexpected":true}"#;

pub(crate) fn malformed(body: &[u8]) -> Vec<u8> {
    match body.split_last() {
        Some((_, rest)) if !rest.is_empty() => rest.to_vec(),
        _ => b"{".to_vec(),
    }
}

/// The rules in force, in order.
#[derive(Debug, Default)]
pub(crate) struct FaultRules {
    rules: Vec<FaultRule>,
}

impl FaultRules {
    pub(crate) fn add(&mut self, rules: impl IntoIterator<Item = FaultRule>) {
        self.rules.extend(rules);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The rules that may still fire, each `times` showing what is left of its budget.
    pub(crate) fn active(&self) -> Vec<FaultRule> {
        self.rules
            .iter()
            .filter(|rule| rule.times != Some(0))
            .cloned()
            .collect()
    }

    /// The fault for a request, using up one of its rule's `times`.
    pub(crate) fn fire(&mut self, method: &str, path: &str) -> Option<Fault> {
        let rule = self.rules.iter_mut().find(|rule| rule.matches(method, path))?;
        if let Some(times) = &mut rule.times {
            *times -= 1;
        }
        let fault = rule.fault.clone();
        self.rules.retain(|rule| rule.times != Some(0));
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Fault {
        Fault::Status {
            status: code,
            html: false,
        }
    }

    #[test]
    fn faults_fire_in_order_and_use_up_their_budget() {
        let mut rules = FaultRules::default();
        rules.add([
            FaultRule::new(status(503))
                .method("post")
                .path_prefix("/crm/v3/objects/contacts")
                .times(2),
            FaultRule::new(status(500)).path_prefix("/crm/"),
        ]);
        assert_eq!(rules.fire("POST", "/crm/v3/objects/contacts"), Some(status(503)));
        assert_eq!(rules.active()[0].times, Some(1));
        assert_eq!(rules.fire("GET", "/crm/v3/objects/contacts/1"), Some(status(500)));
        assert_eq!(rules.fire("POST", "/crm/v3/objects/contacts/search"), Some(status(503)));
        assert_eq!(rules.active().len(), 1);
        assert_eq!(rules.fire("POST", "/crm/v3/objects/contacts"), Some(status(500)));
        assert_eq!(rules.fire("POST", "/oauth/v2/private-apps/get/access-token-info"), None);
        rules.clear();
        assert_eq!(rules.fire("GET", "/crm/v3/objects/contacts/1"), None);
    }

    #[test]
    fn faults_read_and_write_their_documented_json() {
        let text = r#"[
            {"method": "POST", "pathPrefix": "/crm/v3/objects/contacts", "times": 2,
             "fault": {"kind": "rate-limited", "policy": "TEN_SECONDLY_ROLLING", "style": "docs",
                       "retryAfterSecs": 1, "intervalMs": 250}},
            {"fault": {"kind": "status", "status": 502, "html": true}},
            {"fault": {"kind": "drop-after-processing"}, "times": 1},
            {"fault": {"kind": "oversized-body", "bytes": 40000000, "chunked": true}}
        ]"#;
        let rules: Vec<FaultRule> = serde_json::from_str(text).unwrap();
        assert_eq!(
            rules[0],
            FaultRule::new(Fault::RateLimited {
                policy: RateLimitPolicy::TenSecondlyRolling,
                style: RateLimitStyle::Docs,
                retry_after_secs: Some(1),
                interval_ms: Some(250),
            })
            .method("POST")
            .path_prefix("/crm/v3/objects/contacts")
            .times(2)
        );
        assert_eq!(rules[2].fault, Fault::DropAfterProcessing);
        let round_trip: Vec<FaultRule> = serde_json::from_value(serde_json::to_value(&rules).unwrap()).unwrap();
        assert_eq!(round_trip, rules);
        for wrong in [
            r#"[{"fault": {"kind": "meteor-strike"}}]"#,
            r#"[{"fault": {"kind": "delay"}}]"#,
            r#"[{"fault": {"kind": "delay", "ms": 5}, "pathprefix": "/x"}]"#,
        ] {
            assert!(serde_json::from_str::<Vec<FaultRule>>(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn faults_rate_limit_bodies_come_in_both_of_hubspot_s_styles() {
        let docs = canned(
            &Fault::RateLimited {
                policy: RateLimitPolicy::Daily,
                style: RateLimitStyle::Docs,
                retry_after_secs: None,
                interval_ms: None,
            },
            "c-1",
        )
        .unwrap();
        assert_eq!(docs.status, 429);
        let body: Value = serde_json::from_slice(&docs.body).unwrap();
        assert_eq!(body["policyName"], "DAILY");
        assert_eq!(body["errorType"], "RATE_LIMIT");
        assert_eq!(body["message"], "You have reached your daily limit.");
        assert_eq!(body["correlationId"], "c-1");
        let names: Vec<&str> = docs.headers.iter().map(|(name, _)| *name).collect();
        assert!(!names.contains(&"retry-after") && !names.contains(&"x-hubspot-ratelimit-interval-milliseconds"));

        let recorded = canned(
            &Fault::RateLimited {
                policy: RateLimitPolicy::Secondly,
                style: RateLimitStyle::Recorded,
                retry_after_secs: Some(2),
                interval_ms: Some(1000),
            },
            "c-2",
        )
        .unwrap();
        let body: Value = serde_json::from_slice(&recorded.body).unwrap();
        assert_eq!(
            body,
            json!({"status": "error", "message": "You have reached your secondly limit.",
                   "correlationId": "c-2", "category": "RATE_LIMITS"})
        );
        assert!(recorded.headers.contains(&("retry-after", "2".to_owned())));
        assert!(
            recorded
                .headers
                .contains(&("x-hubspot-ratelimit-interval-milliseconds", "1000".to_owned()))
        );
    }

    #[test]
    fn faults_server_errors_come_as_json_or_as_a_proxy_page() {
        let json_reply = canned(&status(503), "c").unwrap();
        assert_eq!(json_reply.status, 503);
        let body: Value = serde_json::from_slice(&json_reply.body).unwrap();
        assert_eq!(
            (body["status"].as_str(), body["correlationId"].as_str()),
            (Some("error"), Some("c"))
        );
        let html = canned(
            &Fault::Status {
                status: 502,
                html: true,
            },
            "c",
        )
        .unwrap();
        assert_eq!(html.headers, vec![("content-type", HTML.to_owned())]);
        assert!(String::from_utf8_lossy(&html.body).contains("502 Bad Gateway"));
        assert_eq!(canned(&Fault::MalformedJson, "c"), None);
        assert_eq!(canned(&Fault::DropBeforeProcessing, "c"), None);
    }

    #[test]
    fn faults_malformed_json_never_parses() {
        for body in [&br#"{"id":"1"}"#[..], b"[]", b"", b"{}"] {
            let spoiled = malformed(body);
            assert!(serde_json::from_slice::<Value>(&spoiled).is_err(), "{spoiled:?}");
        }
    }

    #[test]
    fn faults_stages_separate_what_is_handled_from_what_is_not() {
        assert_eq!(status(500).stage(), Stage::Instead);
        assert_eq!(Fault::DropBeforeProcessing.stage(), Stage::Instead);
        assert_eq!(Fault::DropAfterProcessing.stage(), Stage::After);
        assert_eq!(Fault::Delay { ms: 1 }.stage(), Stage::After);
    }
}
