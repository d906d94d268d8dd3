//! The outgoing-request hook: lets requests through only to the connection's
//! API base, lowers timeouts to the host's ceilings, adds the credential in
//! host-credential mode, counts what the guest sent, and tells the guest a
//! dropped connection apart from broken HTTP.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use http::HeaderValue;
use http::header::AUTHORIZATION;
use http_body_util::BodyExt;
use wasmtime_wasi_http::p2::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::{
    DEFAULT_FORBIDDEN_HEADERS, Error as HttpError, ForbiddenHeaderFilter, RequestOptions, WasiBody, WasiHttpHooks,
};

use crate::observer::{RequestObserver, SentRequest};
use crate::pool::Pool;
use crate::rate_budget::RateBudget;
use crate::sandbox::{Credential, Sandbox};

/// A scheme and `host:port`, the unit the allow-list works in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    https: bool,
    authority: String,
}

impl Origin {
    /// Reads `scheme://host[:port]`; the default port is made explicit and the
    /// host lower-cased so that equal origins compare equal.
    pub(crate) fn parse(base: &str) -> Option<Self> {
        let (scheme, rest) = base.split_once("://")?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let authority = rest.trim_end_matches('/');
        if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
            return None;
        }
        Some(Self::new(https, authority))
    }

    fn new(https: bool, authority: &str) -> Self {
        let authority = authority.to_ascii_lowercase();
        let has_port = match authority.rfind(':') {
            Some(colon) => !authority[colon..].contains(']'),
            None => false,
        };
        let authority = if has_port {
            authority
        } else {
            format!("{authority}:{}", if https { 443 } else { 80 })
        };
        Self { https, authority }
    }

    fn of_uri(uri: &http::Uri) -> Option<Self> {
        let https = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
        uri.authority().map(|authority| Self::new(https, authority.as_str()))
    }
}

/// What the hook saw during one call.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Requests passed on towards the allowed origin.
    pub(crate) sent: AtomicU32,
    /// Requests refused.
    pub(crate) denied: AtomicU32,
    /// Requests that waited for the rate budget.
    pub(crate) delayed: AtomicU32,
}

/// The policy hook for one call.
pub(crate) struct Outbound {
    allowed: Option<Origin>,
    /// Host-credential mode: the guest may not send a credential of its own,
    /// even when the host has none to add (an empty or unusable token).
    host_credential: bool,
    authorization: Option<HeaderValue>,
    options: RequestOptions,
    max_response_bytes: u64,
    counters: Arc<Counters>,
    /// The connector's shared keep-alive client.
    pool: Arc<Pool>,
    /// The connector's per-account budget, and when the call must end.
    budget: Option<(Arc<RateBudget>, tokio::time::Instant)>,
    /// The embedder's observer of every request let through.
    observer: Option<RequestObserver>,
}

impl Outbound {
    /// The policy for a call whose API base is `allowed` (`None`: nothing is
    /// allowed); `token` is set in host-credential mode.
    pub(crate) fn new(
        sandbox: &Sandbox,
        allowed: Option<Origin>,
        token: Option<&str>,
        counters: Arc<Counters>,
        pool: Arc<Pool>,
    ) -> Self {
        let authorization = token
            .and_then(|token| HeaderValue::from_str(&format!("Bearer {token}")).ok())
            .map(|mut value| {
                value.set_sensitive(true);
                value
            });
        Self {
            allowed,
            host_credential: sandbox.credential == Credential::Host,
            authorization,
            options: RequestOptions {
                connect_timeout: Some(sandbox.connect_timeout),
                first_byte_timeout: Some(sandbox.first_byte_timeout),
                between_bytes_timeout: Some(sandbox.between_bytes_timeout),
            },
            max_response_bytes: sandbox.max_response_bytes,
            counters,
            pool,
            budget: None,
            observer: None,
        }
    }

    /// Tells `observer` of every request let through.
    pub(crate) fn with_observer(self, observer: Option<RequestObserver>) -> Self {
        Self { observer, ..self }
    }

    /// Holds requests to the per-account `budget`, waiting no later than `deadline`.
    pub(crate) fn with_budget(self, budget: Option<Arc<RateBudget>>, deadline: std::time::Instant) -> Self {
        let deadline = tokio::time::Instant::from_std(deadline);
        Self {
            budget: budget.map(|budget| (budget, deadline)),
            ..self
        }
    }

    /// The guest's timeouts, none above the host's ceilings.
    fn clamp(&self, requested: Option<RequestOptions>) -> RequestOptions {
        let clamp = |asked: Option<Duration>, ceiling: Option<Duration>| match (asked, ceiling) {
            (Some(asked), Some(ceiling)) => Some(asked.min(ceiling)),
            (asked, ceiling) => asked.or(ceiling),
        };
        let requested = requested.unwrap_or_default();
        RequestOptions {
            connect_timeout: clamp(requested.connect_timeout, self.options.connect_timeout),
            first_byte_timeout: clamp(requested.first_byte_timeout, self.options.first_byte_timeout),
            between_bytes_timeout: clamp(requested.between_bytes_timeout, self.options.between_bytes_timeout),
        }
    }
}

type ResponseFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), HttpError>> + Send>,
                ),
                HttpError,
            >,
        > + Send,
>;

/// Bytes the guest may write to a request body per call. Each body buffers up
/// to two such chunks in the host until sent; wasmtime's default of 1 MiB
/// would let a guest holding hundreds of unsent bodies pin hundreds of
/// mebibytes. The connector writes 4 KiB at a time.
const OUTGOING_BODY_CHUNK_BYTES: usize = 64 * 1024;

impl WasiHttpHooks for Outbound {
    fn p2_error_from_hyper(&mut self, error: &hyper::Error) -> ErrorCode {
        HyperFailure::of(error).code()
    }

    fn p2_outgoing_body_chunk_size(&mut self) -> usize {
        OUTGOING_BODY_CHUNK_BYTES
    }

    fn forbidden_header_filter(&mut self) -> ForbiddenHeaderFilter {
        // In host-credential mode the guest may not set a credential of its own.
        let host_credential = self.host_credential;
        Arc::new(move |name| DEFAULT_FORBIDDEN_HEADERS.contains(name) || (host_credential && name == AUTHORIZATION))
    }

    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> ResponseFuture {
        drop(fut);
        let origin = Origin::of_uri(request.uri());
        if origin.is_none() || origin != self.allowed {
            self.counters.denied.fetch_add(1, Ordering::Relaxed);
            return Box::new(async { Err(HttpError::HttpRequestDenied) });
        }
        if let Some(authorization) = &self.authorization {
            request.headers_mut().insert(AUTHORIZATION, authorization.clone());
        }
        let options = self.clamp(options);
        let limit = self.max_response_bytes;
        let pool = Arc::clone(&self.pool);
        let budget = self
            .budget
            .as_ref()
            .and_then(|(budget, deadline)| Some((Arc::clone(budget), budget.account_of(&request)?, *deadline)));
        let counters = Arc::clone(&self.counters);
        let observer = self.observer.clone();
        Box::new(async move {
            let permit = match budget {
                Some((budget, (account, search), deadline)) => match budget.acquire(account, search, deadline).await {
                    Ok(permit) => Some(permit),
                    Err(refusal) => return Ok((refusal.response(), Box::new(async { Ok(()) }) as Box<_>)),
                },
                None => None,
            };
            let number = counters.sent.fetch_add(1, Ordering::Relaxed).saturating_add(1);
            if let Some(observer) = &observer {
                observer(&SentRequest::of(number, &request));
            }
            if permit.as_ref().is_some_and(|permit| permit.delayed()) {
                counters.delayed.fetch_add(1, Ordering::Relaxed);
            }
            let response = pool.send(request, options).await?;
            if let Some(permit) = permit {
                permit.finish(response.status().as_u16(), response.headers());
            }
            let response = response.map(|body| {
                CappedBody {
                    inner: body.boxed_unsync(),
                    remaining: limit,
                }
                .boxed_unsync()
            });
            // The pool drives its connections on tasks of their own.
            let io = async { Ok(()) };
            Ok((response, Box::new(io) as Box<dyn Future<Output = _> + Send>))
        })
    }
}

/// What went wrong in hyper, as far as the guest needs to know. wasmtime's default
/// reports every hyper error as `HttpProtocolError`, so a connection the server
/// closed before answering (HubSpot or a proxy dropping it) would read as broken
/// HTTP rather than as a connection that may have delivered the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HyperFailure {
    /// The connection closed or was reset before the answer was complete (hyper
    /// says "incomplete message", or "canceled" when it noticed the close before
    /// dispatching the answer).
    Closed,
    /// A timeout hyper itself noticed.
    TimedOut,
    /// Anything else: HTTP that could not be parsed.
    Protocol,
}

impl HyperFailure {
    fn of(error: &hyper::Error) -> Self {
        let io_closed = std::error::Error::source(error)
            .and_then(|source| source.downcast_ref::<std::io::Error>())
            .is_some_and(|io| {
                use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
                matches!(
                    io.kind(),
                    ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
                )
            });
        if error.is_incomplete_message() || error.is_canceled() || io_closed {
            Self::Closed
        } else if error.is_timeout() {
            Self::TimedOut
        } else {
            Self::Protocol
        }
    }

    fn code(self) -> ErrorCode {
        match self {
            Self::Closed => ErrorCode::ConnectionTerminated,
            Self::TimedOut => ErrorCode::HttpResponseTimeout,
            Self::Protocol => ErrorCode::HttpProtocolError,
        }
    }
}

/// A response body that fails once more than its limit has arrived, so a
/// huge answer fills neither the guest's memory nor the host's.
struct CappedBody {
    inner: WasiBody,
    remaining: u64,
}

impl http_body::Body for CappedBody {
    type Data = bytes::Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                let length = frame.data_ref().map_or(0, |data| data.len() as u64);
                match this.remaining.checked_sub(length) {
                    Some(remaining) => {
                        this.remaining = remaining;
                        Poll::Ready(Some(Ok(frame)))
                    }
                    None => Poll::Ready(Some(Err(HttpError::HttpResponseBodySize(None)))),
                }
            }
            other => Poll::Ready(other),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_normalise_default_ports_and_case() {
        assert_eq!(
            Origin::parse("https://API.hubapi.com"),
            Origin::parse("https://api.hubapi.com:443/")
        );
        assert_ne!(
            Origin::parse("http://api.hubapi.com"),
            Origin::parse("https://api.hubapi.com")
        );
        assert_ne!(
            Origin::parse("http://127.0.0.1:8080"),
            Origin::parse("http://127.0.0.1:8081")
        );
        assert_eq!(
            Origin::parse("http://[::1]:9000").map(|o| o.authority),
            Some("[::1]:9000".to_owned())
        );
        assert_eq!(
            Origin::parse("http://[::1]").map(|o| o.authority),
            Some("[::1]:80".to_owned())
        );
        assert_eq!(Origin::parse("ftp://x"), None);
        assert_eq!(Origin::parse("https://user@evil"), None);
    }

    /// The hyper error of a request to a server that closes the connection
    /// after reading it (`answer: None`) or answers `answer` instead of HTTP;
    /// with `read: false` it closes without reading.
    async fn hyper_error(read: bool, answer: Option<&'static [u8]>) -> hyper::Error {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            if read {
                let _ = stream.read(&mut request).await;
            }
            if let Some(answer) = answer {
                let _ = stream.write_all(answer).await;
            }
        });
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let request = http::Request::get("/")
            .header("host", "127.0.0.1")
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .unwrap();
        sender.send_request(request).await.unwrap_err()
    }

    #[tokio::test]
    async fn a_connection_closed_before_the_answer_is_reported_as_terminated() {
        for read in [true, false] {
            let closed = HyperFailure::of(&hyper_error(read, None).await);
            assert_eq!(closed, HyperFailure::Closed, "read: {read}");
            assert!(matches!(closed.code(), ErrorCode::ConnectionTerminated));
        }
        let garbage = HyperFailure::of(&hyper_error(true, Some(b"SMTP ready\r\n\r\n")).await);
        assert_eq!(garbage, HyperFailure::Protocol);
        assert!(matches!(garbage.code(), ErrorCode::HttpProtocolError));
    }
}
