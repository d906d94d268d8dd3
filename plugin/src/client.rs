//! Sends requests to HubSpot through a [`Transport`] and decodes the answers,
//! with the credential, timeouts within the deadline and the retry policy applied.

use std::time::Duration;

use crate::answer::Decode;
use crate::connection::{Connection, Endpoint};
use crate::error::{Error, TransportError, TransportFailure};
use crate::http::HttpRequest;
use crate::response::{Success, interpret};
use crate::retry::{Failure, RetryPolicy};
use crate::transport::{Outgoing, SendError, Timeouts, Transport};

/// The `User-Agent` the connector sends.
pub const USER_AGENT: &str = concat!("hubspot-connector/", env!("CARGO_PKG_VERSION"));

/// A connection to HubSpot for one action.
#[derive(Debug)]
pub struct Client<'t, T: Transport> {
    transport: &'t mut T,
    endpoint: Endpoint,
    policy: RetryPolicy,
    timeouts: Timeouts,
    started: Duration,
}

impl<'t, T: Transport> Client<'t, T> {
    /// Checks the connection; the action's deadline starts now.
    pub fn new(transport: &'t mut T, connection: &Connection, policy: RetryPolicy) -> Result<Self, Error> {
        let endpoint = Endpoint::new(connection)?;
        let started = transport.now();
        Ok(Self {
            transport,
            endpoint,
            policy,
            timeouts: Timeouts::default(),
            started,
        })
    }

    /// The checked connection.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Gives the next request the whole deadline again: for actions that
    /// read page after page, whose length the caller bounds.
    pub fn restart_deadline(&mut self) {
        self.started = self.transport.now();
    }

    /// The transport's clock.
    pub fn now(&mut self) -> Duration {
        self.transport.now()
    }

    /// Waits until the transport's clock reads `at`: paces requests to an
    /// endpoint with a per-second limit.
    pub fn wait_until(&mut self, at: Duration) {
        let now = self.transport.now();
        if let Some(wait) = at.checked_sub(now).filter(|wait| !wait.is_zero()) {
            self.transport.sleep(wait);
        }
    }

    /// Sends `request` and decodes the answer as `D`, retrying as the policy
    /// allows. A success that does not decode is a malformed response: it
    /// carries the status and the attempts so far and is retried like one.
    pub fn send<D: Decode>(&mut self, request: &HttpRequest) -> Result<D, Error> {
        let mut decoded = None;
        self.send_decoding(request, &mut |body| {
            decoded = Some(D::decode(body)?);
            Ok(())
        })?;
        decoded.ok_or_else(|| {
            Error::Transport(TransportError {
                kind: TransportFailure::Other,
                message: "the answer was accepted without being read".to_owned(),
                status: None,
                attempts: 0,
            })
        })
    }

    /// The retry loop of [`Client::send`], once for every answer type: the
    /// component carries one copy of it however many types it decodes.
    fn send_decoding(
        &mut self,
        request: &HttpRequest,
        decode: &mut dyn FnMut(String) -> Result<(), String>,
    ) -> Result<(), Error> {
        let url = self.endpoint.url(&request.path_and_query);
        let mut headers: Vec<(&'static str, String)> = vec![
            ("accept", "application/json".to_owned()),
            ("user-agent", USER_AGENT.to_owned()),
        ];
        if request.body.is_some() {
            headers.push(("content-type", "application/json".to_owned()));
        }
        if let Some(authorization) = self.endpoint.authorization() {
            headers.push(("authorization", authorization));
        }
        let mut attempts = 0;
        loop {
            let elapsed = self.elapsed();
            let Some(remaining) = self.policy.deadline.checked_sub(elapsed).filter(|r| !r.is_zero()) else {
                return Err(deadline_error(attempts));
            };
            attempts += 1;
            let outgoing = Outgoing {
                method: request.method,
                url: &url,
                headers: &headers,
                body: request.body.as_deref(),
                timeouts: self.timeouts.within(remaining),
            };
            let (result, delay) = match self.transport.send(&outgoing) {
                Ok(response) => {
                    let result =
                        interpret(response, attempts).and_then(|success| decode_body(success, attempts, decode));
                    let delay = match &result {
                        Ok(_) => None,
                        Err(error) => self.retry_delay(Failure::Response(error), request, attempts),
                    };
                    (result, delay)
                }
                Err(error) => {
                    let delay = self.retry_delay(Failure::Send(&error), request, attempts);
                    (Err(send_error(error, attempts)), delay)
                }
            };
            match delay {
                Some(delay) => self.transport.sleep(delay),
                None => return result,
            }
        }
    }

    fn retry_delay(&mut self, failure: Failure<'_>, request: &HttpRequest, attempts: u32) -> Option<Duration> {
        let elapsed = self.elapsed();
        let random = self.transport.random();
        self.policy
            .next_delay(failure, request.repeatable, attempts, elapsed, random)
    }

    fn elapsed(&mut self) -> Duration {
        self.transport.now().saturating_sub(self.started)
    }
}

fn decode_body(
    success: Success,
    attempts: u32,
    decode: &mut dyn FnMut(String) -> Result<(), String>,
) -> Result<(), Error> {
    let status = success.status;
    decode(success.body).map_err(|message| {
        Error::Transport(TransportError {
            kind: TransportFailure::MalformedResponse,
            message,
            status: Some(status),
            attempts,
        })
    })
}

fn send_error(error: SendError, attempts: u32) -> Error {
    Error::Transport(TransportError {
        kind: error.kind,
        message: error.message,
        status: None,
        attempts,
    })
}

fn deadline_error(attempts: u32) -> Error {
    Error::Transport(TransportError {
        kind: TransportFailure::Timeout,
        message: "the action ran out of time before HubSpot answered".to_owned(),
        status: None,
        attempts,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::answer::{CrmRecord, Json};
    use crate::http::{HttpResponse, Method, Repeatable};
    use crate::transport::Delivery;

    /// One request as the scripted transport saw it: method, URL, headers, body.
    pub(crate) type Sent = (Method, String, Vec<(String, String)>, Option<String>);

    /// A transport that answers from a script and records what it was asked.
    #[derive(Debug, Default)]
    pub(crate) struct Scripted {
        pub answers: VecDeque<Result<HttpResponse, SendError>>,
        pub sent: Vec<Sent>,
        pub clock: Duration,
        pub slept: Vec<Duration>,
    }

    impl Scripted {
        pub(crate) fn answering(answers: Vec<Result<HttpResponse, SendError>>) -> Self {
            Self {
                answers: answers.into(),
                ..Self::default()
            }
        }
    }

    impl Transport for Scripted {
        fn send(&mut self, request: &Outgoing<'_>) -> Result<HttpResponse, SendError> {
            self.sent.push((
                request.method,
                request.url.to_owned(),
                request
                    .headers
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
                request.body.map(|b| String::from_utf8_lossy(b).into_owned()),
            ));
            self.clock += Duration::from_millis(10);
            self.answers.pop_front().unwrap_or_else(|| Ok(json(599, "{}")))
        }
        fn sleep(&mut self, duration: Duration) {
            self.slept.push(duration);
            self.clock += duration;
        }
        fn now(&mut self) -> Duration {
            self.clock
        }
        fn random(&mut self) -> u64 {
            0
        }
    }

    pub(crate) fn json(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json;charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub(crate) fn connection() -> Connection {
        Connection {
            access_token: "pat-na1-test".into(),
            api_base: Some("http://127.0.0.1:9".into()),
            api_version: None,
        }
    }

    fn create() -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            path_and_query: "/crm/v3/objects/contacts".into(),
            body: Some(b"{}".to_vec()),
            repeatable: Repeatable::OnlyIfUnprocessed,
        }
    }

    fn dropped() -> Result<HttpResponse, SendError> {
        Err(SendError {
            kind: TransportFailure::Connection,
            message: "reset".into(),
            delivery: Delivery::MaybeSent,
        })
    }

    #[test]
    fn requests_carry_the_bearer_token_and_json_headers() {
        let mut transport = Scripted::answering(vec![Ok(json(201, r#"{"id":"1"}"#))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        assert!(client.send::<Json>(&create()).is_ok());
        let (method, url, headers, body) = &transport.sent[0];
        assert_eq!(
            (*method, url.as_str()),
            (Method::Post, "http://127.0.0.1:9/crm/v3/objects/contacts")
        );
        assert!(headers.contains(&("authorization".into(), "Bearer pat-na1-test".into())));
        assert!(headers.contains(&("content-type".into(), "application/json".into())));
        assert_eq!(body.as_deref(), Some("{}"));
    }

    #[test]
    fn a_create_whose_connection_dropped_is_not_sent_twice() {
        let mut transport = Scripted::answering(vec![dropped(), Ok(json(201, "{}"))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let result = client.send::<Json>(&create());
        assert!(
            matches!(result, Err(Error::Transport(TransportError { attempts: 1, .. }))),
            "{result:?}"
        );
        assert_eq!(transport.sent.len(), 1);
    }

    #[test]
    fn a_read_is_retried_until_it_succeeds_and_counts_attempts() {
        let mut transport = Scripted::answering(vec![Ok(json(503, "{}")), dropped(), Ok(json(200, r#"{"id":"1"}"#))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let read = HttpRequest {
            method: Method::Get,
            path_and_query: "/x".into(),
            body: None,
            repeatable: Repeatable::Yes,
        };
        assert!(client.send::<Json>(&read).is_ok());
        assert_eq!(transport.sent.len(), 3);
        assert_eq!(transport.slept.len(), 2);
    }

    #[test]
    fn the_last_error_carries_the_number_of_attempts() {
        let mut transport = Scripted::answering(vec![Ok(json(500, "{}")); 4]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let read = HttpRequest {
            method: Method::Get,
            path_and_query: "/x".into(),
            body: None,
            repeatable: Repeatable::Yes,
        };
        assert_eq!(client.send::<Json>(&read).map_err(|e| e.attempts()), Err(4));
    }

    #[test]
    fn a_rate_limited_create_is_retried_after_the_wait() {
        let limited = HttpResponse {
            status: 429,
            headers: vec![("retry-after".into(), "1".into())],
            body: br#"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","policyName":"TEN_SECONDLY_ROLLING"}"#.to_vec(),
        };
        let mut transport = Scripted::answering(vec![Ok(limited), Ok(json(201, r#"{"id":"7"}"#))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        assert!(client.send::<Json>(&create()).is_ok());
        assert_eq!(transport.slept, vec![Duration::from_secs(1)]);
    }

    #[test]
    fn the_deadline_ends_the_retries() {
        let slow = HttpResponse {
            status: 429,
            headers: vec![("retry-after".into(), "20".into())],
            body: Vec::new(),
        };
        let mut transport = Scripted::answering(vec![Ok(slow.clone()), Ok(slow.clone()), Ok(slow)]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let result = client.send::<Json>(&create());
        assert!(matches!(result, Err(Error::RateLimited { .. })), "{result:?}");
        assert_eq!(transport.sent.len(), 2);
    }

    fn read() -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            path_and_query: "/crm/v3/objects/contacts/1".into(),
            body: None,
            repeatable: Repeatable::Yes,
        }
    }

    /// Valid JSON, but a list page where a record belongs.
    pub(crate) const WRONG_SHAPE: &str = r#"{"results":[]}"#;

    /// The status and attempts of a malformed-response error.
    pub(crate) fn malformed<D: std::fmt::Debug>(result: Result<D, Error>) -> (Option<u16>, u32) {
        match result {
            Err(Error::Transport(TransportError {
                kind: TransportFailure::MalformedResponse,
                status,
                attempts,
                ..
            })) => (status, attempts),
            other => panic!("expected a malformed response, got {other:?}"),
        }
    }

    #[test]
    fn a_read_of_the_wrong_shape_after_a_503_counts_every_attempt_and_keeps_the_status() {
        let policy = RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::default()
        };
        let mut transport = Scripted::answering(vec![Ok(json(503, "{}")), Ok(json(200, WRONG_SHAPE))]);
        let mut client = Client::new(&mut transport, &connection(), policy).unwrap();
        assert_eq!(malformed(client.send::<CrmRecord>(&read())), (Some(200), 2));
        assert_eq!(transport.sent.len(), 2);
    }

    #[test]
    fn a_read_of_the_wrong_shape_is_retried_like_any_malformed_response() {
        let mut answers = vec![Ok(json(503, "{}"))];
        answers.extend(vec![Ok(json(200, WRONG_SHAPE)); 3]);
        let mut transport = Scripted::answering(answers);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        assert_eq!(malformed(client.send::<CrmRecord>(&read())), (Some(200), 4));
        assert_eq!((transport.sent.len(), transport.slept.len()), (4, 3));

        let record =
            r#"{"id":"1","properties":{},"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}"#;
        let mut transport = Scripted::answering(vec![
            Ok(json(503, "{}")),
            Ok(json(200, WRONG_SHAPE)),
            Ok(json(200, record)),
        ]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        assert_eq!(client.send::<CrmRecord>(&read()).map(|r| r.id), Ok("1".to_owned()));
        assert_eq!(transport.sent.len(), 3);
    }

    #[test]
    fn a_create_of_the_wrong_shape_is_not_sent_again() {
        let mut transport = Scripted::answering(vec![Ok(json(201, WRONG_SHAPE)), Ok(json(201, WRONG_SHAPE))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        assert_eq!(malformed(client.send::<CrmRecord>(&create())), (Some(201), 1));
        assert_eq!(transport.sent.len(), 1);
    }

    #[test]
    fn timeouts_shrink_to_the_time_left() {
        let timeouts = Timeouts::default().within(Duration::from_secs(3));
        assert_eq!(timeouts.first_byte, Duration::from_secs(3));
        assert_eq!(timeouts.connect, Duration::from_secs(3));
    }
}
