//! `tool::invoke` end to end over a transport that answers from a fuzzer-chosen
//! script (see `parse_script`): responses of any status, headers and body,
//! transport failures, any latency, jitter source and clock.
//!
//! Nothing may panic, and:
//! - an `invalid-input` error never comes after a request was sent;
//! - what is sent is what `to_http` built, under the checked API base, with
//!   no header value that could break the header block;
//! - retries resend the same request, at most `max_attempts` times, and the
//!   error reports how many were sent; a create is resent only after a 429 or
//!   a failure that certainly never left; a host denial is never retried;
//! - the waits stay within the action's deadline; a success is JSON.
#![no_main]

use std::collections::VecDeque;
use std::time::Duration;

use hubspot_connector::action::Action;
use hubspot_connector::connection::{Connection, Endpoint};
use hubspot_connector::connection_test::TOKEN_INFO_PATH;
use hubspot_connector::error::{Error, RateLimitPolicy, TransportFailure};
use hubspot_connector::http::{HttpResponse, Method};
use hubspot_connector::input;
use hubspot_connector::request::ActionRequest;
use hubspot_connector::response::interpret;
use hubspot_connector::retry::RetryPolicy;
use hubspot_connector::tool::invoke;
use hubspot_connector::transport::{Delivery, Outgoing, SendError, Transport};
use hubspot_connector_fuzz::{Answer, PATH_PREFIXES, is_json_text, is_lookup, parse_script, v3};
use libfuzzer_sys::fuzz_target;

#[derive(Debug)]
struct Sent {
    method: Method,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    answer: Answer,
}

#[derive(Debug)]
struct ScriptedTransport {
    answers: VecDeque<Answer>,
    clock_nanos: u64,
    latency_nanos: u64,
    random: u64,
    sent: Vec<Sent>,
    slept: Duration,
}

impl Transport for ScriptedTransport {
    fn send(&mut self, request: &Outgoing<'_>) -> Result<HttpResponse, SendError> {
        let answer = self.answers.pop_front().unwrap_or_else(|| {
            Answer::Response(HttpResponse {
                status: 503,
                ..HttpResponse::default()
            })
        });
        self.sent.push(Sent {
            method: request.method,
            url: request.url.to_owned(),
            headers: request.headers.to_vec(),
            body: request.body.map(<[u8]>::to_vec),
            answer: answer.clone(),
        });
        self.clock_nanos = self.clock_nanos.saturating_add(self.latency_nanos);
        match answer {
            Answer::Response(response) => Ok(response),
            Answer::Failure(failure) => Err(failure),
        }
    }

    fn sleep(&mut self, duration: Duration) {
        self.slept += duration;
        let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        self.clock_nanos = self.clock_nanos.saturating_add(nanos);
    }

    fn now(&mut self) -> Duration {
        Duration::from_nanos(self.clock_nanos)
    }

    fn random(&mut self) -> u64 {
        self.random
    }
}

fn allows_resending_a_create(answer: &Answer) -> bool {
    match answer {
        // Only a 429 that is not the daily limit: HubSpot did not process the request.
        Answer::Response(response) => matches!(
            interpret(response.clone(), 1),
            Err(Error::RateLimited { policy, .. }) if policy != RateLimitPolicy::Daily
        ),
        Answer::Failure(failure) => failure.delivery == Delivery::NotSent && failure.kind != TransportFailure::Denied,
    }
}

fuzz_target!(|data: &[u8]| {
    let script = parse_script(data);
    let connection = Connection {
        access_token: script.token.clone(),
        api_base: script.base.clone(),
        // The oracle below checks v3 paths.
        api_version: Some("v3".to_owned()),
    };
    let mut transport = ScriptedTransport {
        answers: script.answers.iter().cloned().collect(),
        clock_nanos: script.start_nanos,
        latency_nanos: script.latency_ms.saturating_mul(1_000_000),
        random: script.random,
        sent: Vec::new(),
        slept: Duration::ZERO,
    };
    let result = invoke(&mut transport, &connection, &script.action, &script.input);
    let sent = &transport.sent;
    let policy = RetryPolicy::default();

    if let Err(Error::InvalidInput(problem)) = &result {
        // Only a name that the account's owners or schemas do not know is
        // found wrong after reading them; nothing else is sent first.
        let path_of = |url: &str| {
            url.split_once("/crm")
                .map_or(String::new(), |(_, rest)| format!("/crm{rest}"))
        };
        assert!(
            sent.iter()
                .all(|request| request.method == Method::Get && is_lookup(&path_of(&request.url))),
            "invalid-input ({problem:?}) after {} requests were sent",
            sent.len()
        );
    }
    assert!(transport.slept < policy.deadline, "slept {:?}", transport.slept);
    if let Ok(output) = &result {
        assert!(!sent.is_empty(), "a success without a request");
        assert!(
            output.is_empty() || is_json_text(output),
            "the output is not JSON: {output:?}"
        );
    }
    if sent.is_empty() {
        return;
    }

    let endpoint = match Endpoint::new(&connection) {
        Ok(endpoint) => endpoint,
        Err(error) => panic!("requests were sent on a rejected connection: {error:?}"),
    };
    let authority = endpoint.base.split_once("://").map_or("", |(_, authority)| authority);
    assert!(
        !authority.is_empty() && !authority.contains(['/', '?', '#', '@', '\\', ' ']),
        "API base {:?}",
        endpoint.base
    );
    for (index, request) in sent.iter().enumerate() {
        let path = request
            .url
            .strip_prefix(&endpoint.base)
            .unwrap_or_else(|| panic!("{:?} is not under {:?}", request.url, endpoint.base));
        assert!(
            path == TOKEN_INFO_PATH || PATH_PREFIXES.iter().any(|prefix| path.starts_with(prefix)),
            "sent to {path:?}"
        );
        for (name, value) in &request.headers {
            assert!(
                !value.contains(['\r', '\n', '\0']),
                "header {name} breaks the header block"
            );
        }
        let authorization = request.headers.iter().any(|(name, _)| *name == "authorization");
        assert_eq!(
            authorization,
            !script.token.is_empty(),
            "authorization header and token disagree"
        );
        if let Answer::Failure(failure) = &request.answer
            && failure.kind == TransportFailure::Denied
        {
            assert_eq!(index + 1, sent.len(), "a request was sent after the host denied one");
        }
    }

    let action = Action::from_name(&script.action).unwrap_or_else(|_| panic!("an unknown action sent requests"));
    if action == Action::TestConnection {
        // One token-information call plus one probe per entity, each retried at most max_attempts times.
        assert!(
            sent.len() <= 14 * policy.max_attempts as usize,
            "{} requests",
            sent.len()
        );
        return;
    }
    // A dry run only reads: the type's property definitions and lookups.
    if input::parse_call(action, &script.input).is_ok_and(|call| call.dry_run) {
        assert!(
            sent.iter().all(|request| request.method == Method::Get),
            "a dry run wrote"
        );
        return;
    }
    let parsed = input::parse(action, &script.input).ok();
    let pages_of_a_search = matches!(&parsed, Some(ActionRequest::Search(search)) if search.max_results.is_some());
    let batch_chunks = match &parsed {
        Some(ActionRequest::Batch(batch)) => batch.chunks().len(),
        _ => 0,
    };
    let built = parsed
        .and_then(|request| request.to_http(v3()).ok().flatten())
        .unwrap_or_else(|| panic!("sent a request for input that does not build one"));
    let is_lookup_request = |request: &&Sent| {
        request.method == Method::Get
            && request
                .url
                .strip_prefix(&endpoint.base)
                .is_some_and(|path| is_lookup(path))
    };
    let looked_up = sent.iter().any(|request| is_lookup_request(&request));
    let own: Vec<&Sent> = sent.iter().filter(|request| !is_lookup_request(request)).collect();
    let path_only = |url: &str| url.split_once('?').map_or(url, |(path, _)| path).to_owned();
    match action {
        // Pages of one listing: the same path, each cursor once.
        Action::List | Action::GetAssociations => {
            for request in &own {
                assert_eq!(request.method, Method::Get);
                if !looked_up {
                    assert_eq!(path_only(&request.url), path_only(&endpoint.url(&built.path_and_query)));
                }
            }
        }
        // Pages of one search: the same path and method, each its own body.
        Action::Search if pages_of_a_search => {
            for request in &own {
                assert_eq!(request.method, Method::Post);
                if !looked_up {
                    assert_eq!(request.url, endpoint.url(&built.path_and_query));
                }
            }
        }
        // Chunks of one batch: the same path, each chunk within the retry policy.
        Action::BatchCreate | Action::BatchRead | Action::BatchUpdate | Action::BatchUpsert | Action::BatchArchive => {
            assert!(
                own.len() <= batch_chunks * policy.max_attempts as usize,
                "{} requests for {batch_chunks} chunks",
                own.len()
            );
            for request in &own {
                assert_eq!(request.method, Method::Post);
                if !looked_up {
                    assert_eq!(path_only(&request.url), path_only(&endpoint.url(&built.path_and_query)));
                }
            }
        }
        // Listings of lookup paths only.
        Action::GetOwners | Action::GetObjectTypes | Action::GetAssociationLabels => {
            assert!(own.is_empty(), "{own:?}");
        }
        // An association write after its label was read: the write only.
        Action::Associate | Action::RemoveAssociation if built.method == Method::Get => {
            assert!(own.len() <= policy.max_attempts as usize, "{} writes", own.len());
            assert!(own.iter().all(|request| request.method != Method::Get), "{own:?}");
        }
        _ => {
            assert!(
                own.len() <= policy.max_attempts as usize,
                "{} requests for one action",
                own.len()
            );
            for request in &own {
                assert_eq!(request.method, built.method);
                // A resolved name or owner changes the path or the body.
                if !looked_up {
                    assert_eq!(request.url, endpoint.url(&built.path_and_query));
                    assert_eq!(request.body, built.body, "a retry sent a different body");
                }
            }
            if let Err(error) = &result
                && !looked_up
            {
                assert_eq!(
                    error.attempts() as usize,
                    sent.len(),
                    "{error:?} miscounts the attempts"
                );
            }
        }
    }
    if action == Action::BatchCreate {
        // A chunk goes again only after an answer that proves it was not processed.
        for pair in sent.windows(2).filter(|pair| pair[0].body == pair[1].body) {
            assert!(
                allows_resending_a_create(&pair[0].answer),
                "a create chunk was resent after {:?}",
                pair[0].answer
            );
        }
    }
    if action == Action::Create {
        for pair in sent.windows(2) {
            assert!(
                allows_resending_a_create(&pair[0].answer),
                "a create was resent after {:?}",
                pair[0].answer
            );
        }
    }
});
