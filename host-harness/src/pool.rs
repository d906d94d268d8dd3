//! The host's HTTP client: keep-alive connections pooled per origin and shared
//! by every call, instance and tenant of a [`crate::Connector`], over HTTP/1.1,
//! or HTTP/2 where a TLS server offers it (ALPN), with rustls.
//!
//! It keeps the semantics of wasmtime-wasi-http's `default_send_request`: the
//! connect timeout bounds TCP, TLS and the HTTP handshake (`ConnectionTimeout`),
//! the first-byte timeout bounds the wait for the response head and the
//! between-bytes timeout each wait for more of the body (both
//! `ConnectionReadTimeout`); TCP, TLS and hyper failures come back as the same
//! error values, so the guest sees the same `error-code`s.

use std::collections::HashMap;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody};

/// How long an unused connection stays in the pool. Servers close idle
/// keep-alive connections after a while; dropping ours first makes a request
/// meeting a connection the server is closing rarer.
const IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// Most idle HTTP/1.1 connections kept per origin; a burst of concurrent calls
/// opens more, and the surplus closes once they are done.
const MAX_IDLE_PER_ORIGIN: usize = 256;

/// Longest wait for an idle HTTP/1.1 connection to take a request. A healthy
/// one is ready at once; one whose task no longer runs (its runtime is
/// stopped but not dropped) is given up for a new connection after this.
const READY_WAIT: Duration = Duration::from_secs(1);

/// Timeouts when the guest and the host both set none, as `default_send_request`.
const UNSET_TIMEOUT: Duration = Duration::from_secs(600);

/// The shared client. Cheap to clone a handle to (`Arc`).
pub(crate) struct Pool {
    tls: tokio_rustls::TlsConnector,
    idle: Mutex<HashMap<Key, Vec<Idle>>>,
    opened: AtomicU64,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("opened", &self.opened.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Connections are shared per scheme and `host:port`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    https: bool,
    authority: String,
}

/// An HTTP/1.1 connection carries one request at a time and is lent out; an
/// HTTP/2 connection multiplexes and stays in the pool while lent.
enum Sender {
    H1(http1::SendRequest<WasiBody>),
    H2(http2::SendRequest<WasiBody>),
}

impl Sender {
    fn is_closed(&self) -> bool {
        match self {
            Self::H1(sender) => sender.is_closed(),
            Self::H2(sender) => sender.is_closed(),
        }
    }
}

struct Idle {
    sender: Sender,
    since: Instant,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why the client could not be set up.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PoolError {
    #[error("the extra CA file {path} could not be read: {source}")]
    ReadCa { path: String, source: std::io::Error },
    #[error("the extra CA file {path} holds no usable PEM certificate{detail}")]
    BadCa { path: String, detail: String },
}

impl Pool {
    /// A client trusting the webpki roots, and the PEM certificates in
    /// `extra_ca` if given.
    pub(crate) fn new(extra_ca: Option<&Path>) -> Result<Self, PoolError> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.into(),
        };
        if let Some(path) = extra_ca {
            let shown = path.display().to_string();
            let pem = std::fs::read(path).map_err(|source| PoolError::ReadCa {
                path: shown.clone(),
                source,
            })?;
            let mut added = 0;
            for certificate in CertificateDer::pem_slice_iter(&pem) {
                let certificate = certificate.map_err(|error| PoolError::BadCa {
                    path: shown.clone(),
                    detail: format!(": {error}"),
                })?;
                roots.add(certificate).map_err(|error| PoolError::BadCa {
                    path: shown.clone(),
                    detail: format!(": {error}"),
                })?;
                added += 1;
            }
            if added == 0 {
                return Err(PoolError::BadCa {
                    path: shown,
                    detail: String::new(),
                });
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| PoolError::BadCa {
                path: String::from("(none)"),
                detail: format!(": {error}"),
            })?
            .with_root_certificates(roots)
            .with_no_client_auth();
        // One config for every connection: its session cache lets a new
        // connection to a known server resume TLS instead of a full handshake.
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Self {
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
            idle: Mutex::new(HashMap::new()),
            opened: AtomicU64::new(0),
        })
    }

    /// Connections opened so far.
    pub(crate) fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// Sends `request` on a pooled connection to its origin, or a new one.
    pub(crate) async fn send(
        self: Arc<Self>,
        request: http::Request<WasiBody>,
        options: RequestOptions,
    ) -> Result<http::Response<WasiBody>, HttpError> {
        let uri = request.uri();
        let key = Key {
            https: uri.scheme() == Some(&http::uri::Scheme::HTTPS),
            authority: match uri.authority() {
                Some(authority) if authority.port().is_some() => authority.to_string(),
                Some(authority) => format!(
                    "{authority}:{}",
                    if uri.scheme() == Some(&http::uri::Scheme::HTTPS) {
                        443
                    } else {
                        80
                    }
                ),
                None => return Err(HttpError::HttpRequestUriInvalid),
            },
        };
        let connect_timeout = options.connect_timeout.unwrap_or(UNSET_TIMEOUT);
        let first_byte_timeout = options.first_byte_timeout.unwrap_or(UNSET_TIMEOUT);
        // Tokio panics on a zero interval; a nanosecond is as good as zero.
        let between_bytes_timeout = options
            .between_bytes_timeout
            .unwrap_or(UNSET_TIMEOUT)
            .max(Duration::from_nanos(1));

        let full_uri = request.uri().clone();
        let mut request = request;
        loop {
            let sender = match self.checkout(&key, connect_timeout).await {
                Some(sender) => sender,
                None => self.connect(&key, connect_timeout).await?,
            };
            let sent = match sender {
                Sender::H1(mut sender) => {
                    // HTTP/1.1 names only the path; the origin is in `Host`.
                    *request.uri_mut() = origin_form(request.uri());
                    let response = tokio::time::timeout(first_byte_timeout, sender.try_send_request(request))
                        .await
                        .map_err(|_| HttpError::ConnectionReadTimeout)?;
                    response.map(|response| (response, Some(sender)))
                }
                Sender::H2(mut sender) => {
                    *request.uri_mut() = full_uri.clone();
                    let response = tokio::time::timeout(first_byte_timeout, sender.try_send_request(request))
                        .await
                        .map_err(|_| HttpError::ConnectionReadTimeout)?;
                    response.map(|response| (response, None))
                }
            };
            match sent {
                Ok((response, lent)) => {
                    let mut timeout = tokio::time::interval(between_bytes_timeout);
                    timeout.reset();
                    let (parts, incoming) = response.into_parts();
                    let mut body = PooledBody {
                        incoming,
                        timeout,
                        give_back: lent.map(|sender| (Arc::clone(&self), key.clone(), sender)),
                    };
                    body.finish_if_done();
                    return Ok(http::Response::from_parts(parts, body.boxed_unsync()));
                }
                // The connection could not take the request (the server had
                // closed it while idle): it was not sent, so try another.
                Err(mut error) => match error.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(HttpError::from(error.into_error())),
                },
            }
        }
    }

    /// An idle connection to `key` that can take a request, if there is one.
    async fn checkout(&self, key: &Key, wait: Duration) -> Option<Sender> {
        loop {
            let idle = {
                let mut pool = lock(&self.idle);
                let connections = pool.get_mut(key)?;
                connections.retain(|idle| !idle.sender.is_closed() && idle.since.elapsed() < IDLE_TIMEOUT);
                match connections.last() {
                    Some(Idle {
                        sender: Sender::H2(sender),
                        ..
                    }) => return Some(Sender::H2(sender.clone())),
                    Some(_) => connections.pop(),
                    None => None,
                }
            }?;
            if let Sender::H1(mut sender) = idle.sender {
                // A connection given back as its last answer ended becomes
                // ready once its task has seen the end; that is immediate
                // unless the connection broke, and then it is dropped.
                if let Ok(Ok(())) = tokio::time::timeout(wait.min(READY_WAIT), sender.ready()).await {
                    return Some(Sender::H1(sender));
                }
            }
        }
    }

    /// Opens a connection to `key`: TCP, TLS for `https`, the HTTP handshake.
    async fn connect(&self, key: &Key, timeout: Duration) -> Result<Sender, HttpError> {
        let sender = tokio::time::timeout(timeout, self.open(key))
            .await
            .map_err(|_| HttpError::ConnectionTimeout)??;
        self.opened.fetch_add(1, Ordering::Relaxed);
        if let Sender::H2(sender) = &sender {
            lock(&self.idle).entry(key.clone()).or_default().push(Idle {
                sender: Sender::H2(sender.clone()),
                since: Instant::now(),
            });
        }
        Ok(sender)
    }

    async fn open(&self, key: &Key) -> Result<Sender, HttpError> {
        let stream = TcpStream::connect(&key.authority).await.map_err(HttpError::Connect)?;
        // Requests are small; waiting to coalesce them only adds latency.
        let _ = stream.set_nodelay(true);
        if !key.https {
            return h1(stream).await;
        }
        let name = server_name(&key.authority)?;
        let stream = self.tls.connect(name, stream).await.map_err(HttpError::Tls)?;
        if stream.get_ref().1.alpn_protocol() == Some(b"h2") {
            let (sender, connection) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            Ok(Sender::H2(sender))
        } else {
            h1(stream).await
        }
    }

    /// Takes back an HTTP/1.1 connection whose last answer has been read.
    fn give_back(&self, key: Key, sender: http1::SendRequest<WasiBody>) {
        if sender.is_closed() {
            return;
        }
        let mut pool = lock(&self.idle);
        let connections = pool.entry(key).or_default();
        if connections.len() < MAX_IDLE_PER_ORIGIN {
            connections.push(Idle {
                sender: Sender::H1(sender),
                since: Instant::now(),
            });
        }
    }
}

async fn h1<S>(stream: S) -> Result<Sender, HttpError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    // The connection runs on its own task so that it outlives the call that
    // opened it; it ends when its last sender is dropped or the peer closes.
    tokio::spawn(connection);
    Ok(Sender::H1(sender))
}

/// The request target HTTP/1.1 sends to an origin server: path and query.
fn origin_form(uri: &http::Uri) -> http::Uri {
    let path = uri.path_and_query().map_or("/", http::uri::PathAndQuery::as_str);
    http::Uri::try_from(path).unwrap_or_else(|_| http::Uri::from_static("/"))
}

/// The name a TLS certificate must carry: the host of `host:port`, or the IP.
fn server_name(authority: &str) -> Result<ServerName<'static>, HttpError> {
    if let Ok(addr) = authority.parse::<std::net::SocketAddr>() {
        return Ok(ServerName::from(addr.ip()));
    }
    let host = authority.rsplit_once(':').map_or(authority, |(host, _port)| host);
    Ok(ServerName::try_from(host.to_owned())?)
}

/// A response body that applies the between-bytes timeout and, once the
/// answer has been read to its end, gives the HTTP/1.1 connection back to
/// the pool. A body dropped before its end takes its connection with it.
struct PooledBody {
    incoming: Incoming,
    timeout: tokio::time::Interval,
    give_back: Option<(Arc<Pool>, Key, http1::SendRequest<WasiBody>)>,
}

impl PooledBody {
    fn finish_if_done(&mut self) {
        if http_body::Body::is_end_stream(&self.incoming)
            && let Some((pool, key, sender)) = self.give_back.take()
        {
            pool.give_back(key, sender);
        }
    }
}

impl http_body::Body for PooledBody {
    type Data = bytes::Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.incoming).poll_frame(cx) {
            Poll::Ready(None) => {
                if let Some((pool, key, sender)) = this.give_back.take() {
                    pool.give_back(key, sender);
                }
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(error))) => {
                // The connection is in an unknown state: never reuse it.
                this.give_back = None;
                let error = if error.is_timeout() {
                    HttpError::HttpResponseTimeout
                } else {
                    HttpError::from(error)
                };
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(Some(Ok(frame))) => {
                this.timeout.reset();
                this.finish_if_done();
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                if this.timeout.poll_tick(cx).is_ready() {
                    this.give_back = None;
                    return Poll::Ready(Some(Err(HttpError::ConnectionReadTimeout)));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.incoming.size_hint()
    }
}
