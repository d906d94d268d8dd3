//! The HTTP/1.1 server: its thread and tokio runtime, the hyper accept loop, the request
//! pipeline every request passes, and the seeding API tests drive the state through.
//!
//! The pipeline, in order: read the body (at most [`MAX_BODY_BYTES`]) → answer the
//! control endpoint (`/__mock/…`, see `control.rs`; not recorded) → record the request →
//! fire a fault rule (see `faults.rs`): one that acts instead of HubSpot answers (or
//! drops the connection) here → resolve the route (404 for unknown paths) → authenticate
//! (401) → resolve the object type (400) → authorize (403) → handle → a fault that acts
//! after handling spoils the answer. Every reply gets a correlation id (header, and body
//! for errors) and the rate-limit headers of `headers.rs`.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::associations;
use crate::auth::{self, TokenGrant};
use crate::body::MockBody;
use crate::catalog::{Catalog, Pipeline};
use crate::config::{MockConfig, ValidationRule};
use crate::control;
use crate::errors::{ApiError, correlation_id};
use crate::faults::{self, Canned, Fault, FaultRule, FaultRules, Stage};
use crate::handler::{Call, Reply};
use crate::headers::{CORRELATION_ID, JSON_CONTENT_TYPE, RateCounters, RateLimitHeaders, rate_limit_headers};
use crate::objects::ObjectType;
use crate::owners::Owner;
use crate::query::{self, QueryParams};
use crate::rate_limits::Limiter;
use crate::recording::RecordedRequest;
use crate::routes::{self, Route};
use crate::seed_error::MockError;
use crate::store::Store;

/// The largest request body the mock reads; larger ones answer 413.
pub(crate) const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What the server and the seeding API share.
struct State {
    catalog: Arc<Catalog>,
    tokens: Vec<TokenGrant>,
    portal_id: u64,
    validation_rules: Vec<ValidationRule>,
    owners: Vec<Owner>,
    store: Mutex<Store>,
    log: Mutex<Vec<RecordedRequest>>,
    counters: Mutex<RateCounters>,
    /// Set when the config asks for limits to be enforced.
    limiter: Option<Mutex<Limiter>>,
    faults: Mutex<FaultRules>,
    /// TCP connections accepted, to show clients reuse them.
    connections: AtomicU64,
}

/// Lock a mutex, recovering the data if a panic elsewhere poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running mock HubSpot. It serves on its own thread until [`MockServer::shutdown`]
/// or drop.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    https: bool,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("tokens", &self.tokens.len())
            .field("portal_id", &self.portal_id)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Bind `config.listen` and start serving. Fails when the address cannot be bound,
    /// the runtime or thread cannot be created, or the embedded `data/` does not parse.
    pub fn start(config: MockConfig) -> io::Result<MockServer> {
        let catalog =
            Catalog::embedded().map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let std_listener = std::net::TcpListener::bind(config.listen)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let state = Arc::new(State {
            store: Mutex::new(Store::new(&catalog)),
            catalog,
            tokens: config.tokens,
            portal_id: config.portal_id,
            validation_rules: config.validation_rules,
            owners: config.owners,
            log: Mutex::new(Vec::new()),
            counters: Mutex::new(RateCounters::default()),
            limiter: config.rate_limits.map(|limits| Mutex::new(Limiter::new(limits))),
            faults: Mutex::new(FaultRules::default()),
            connections: AtomicU64::new(0),
        });
        let tls = config.tls.as_ref().map(tls_acceptor).transpose()?;
        let (stop, stopped) = oneshot::channel();
        let served = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name(format!("hubspot-mock-{}", addr.port()))
            .spawn(move || runtime.block_on(accept_loop(listener, served, tls, stopped)))?;
        Ok(MockServer {
            https: config.tls.is_some(),
            addr,
            state,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, or `https://…` when serving TLS (a wildcard listen
    /// address is given as loopback).
    pub fn base_url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// TCP connections accepted so far (each may carry many requests with
    /// keep-alive).
    pub fn connections_accepted(&self) -> u64 {
        self.state.connections.load(Ordering::Relaxed)
    }

    /// How many requests the enforced [`MockConfig::rate_limits`] answered with 429 (faults
    /// not counted).
    pub fn rate_limit_refusals(&self) -> u64 {
        self.state.limiter.as_ref().map_or(0, |limiter| lock(limiter).refused())
    }

    /// Every request received so far, in order, rejected ones included (bytes that do
    /// not parse as an HTTP request are answered by hyper and not recorded).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).clone()
    }

    /// Forget the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }

    /// Append fault rules; each request fires the first rule that matches it (see
    /// [`FaultRule`]). A standalone server takes them at `POST /__mock/faults`.
    pub fn add_faults(&self, rules: Vec<FaultRule>) {
        lock(&self.state.faults).add(rules);
    }

    /// Remove every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// The fault rules that may still fire, each `times` showing what is left of it.
    pub fn faults(&self) -> Vec<FaultRule> {
        lock(&self.state.faults).active()
    }

    /// Put a record with a chosen id into the store, replacing any with that id, without
    /// validation. The record gets `hs_object_id`, create/modify dates and history like a
    /// created one; a parseable value for the type's create-date property (e.g.
    /// `createdate`) also sets `createdAt`.
    /// `object_type` is spelled as in a request path (`contacts`, `0-1`, and for the
    /// custom object `2-3604285` or `p{portalId}_pets`).
    pub fn seed_record(&self, object_type: &str, id: &str, properties: &[(&str, &str)]) -> Result<(), MockError> {
        let object_type = self.parse_type(object_type)?;
        let id = parse_id(id)?;
        let properties = properties
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        lock(&self.state.store).seed(object_type, id, &properties);
        Ok(())
    }

    /// [`MockServer::seed_record`] for many records at once, under one lock: for
    /// seeding thousands. Nothing is stored when the type or any id is invalid.
    pub fn seed_records(
        &self,
        object_type: &str,
        records: Vec<(String, Vec<(String, String)>)>,
    ) -> Result<(), MockError> {
        let object_type = self.parse_type(object_type)?;
        let parsed = records
            .into_iter()
            .map(|(id, properties)| Ok((parse_id(&id)?, properties.into_iter().collect())))
            .collect::<Result<Vec<(u64, std::collections::BTreeMap<String, String>)>, MockError>>()?;
        let mut store = lock(&self.state.store);
        for (id, properties) in &parsed {
            store.seed(object_type, *id, properties);
        }
        Ok(())
    }

    /// The account's owners, as configured in [`MockConfig::owners`].
    pub fn owners(&self) -> &[Owner] {
        &self.state.owners
    }

    /// The portal id the mock reports (and custom objects' fully qualified names carry).
    pub fn portal_id(&self) -> u64 {
        self.state.portal_id
    }

    fn parse_type(&self, raw: &str) -> Result<ObjectType, MockError> {
        ObjectType::resolve(raw, self.state.portal_id).ok_or_else(|| MockError::UnknownObjectType(raw.to_owned()))
    }

    /// Associate two existing records with the association type `type_id` (one of
    /// HubSpot's or of the account's labels), which must lead from `from_type` to
    /// `to_type` (both directions are stored, plus the unlabeled type a primary or
    /// labeled one implies).
    pub fn seed_association(
        &self,
        from_type: &str,
        from_id: &str,
        to_type: &str,
        to_id: &str,
        type_id: u32,
    ) -> Result<(), MockError> {
        let (from, to) = (self.parse_type(from_type)?, self.parse_type(to_type)?);
        let (from_id, to_id) = (parse_id(from_id)?, parse_id(to_id)?);
        let kind = associations::from_type(from, type_id)
            .filter(|kind| kind.to == to)
            .ok_or_else(|| MockError::InvalidAssociationType {
                from_type: from.path_name().to_owned(),
                to_type: to.path_name().to_owned(),
                type_id,
            })?;
        let mut store = lock(&self.state.store);
        for (object_type, id) in [(from, from_id), (to, to_id)] {
            if store.record(object_type, id).is_none() {
                return Err(MockError::RecordNotFound {
                    object_type: object_type.path_name().to_owned(),
                    id: id.to_string(),
                });
            }
        }
        store.associate(kind, from_id, to_id);
        Ok(())
    }

    /// Add a pipeline (JSON as HubSpot returns it) to a type, replacing one with the same
    /// id. Records of deals and tickets are then validated against it, too.
    pub fn seed_pipeline(&self, object_type: &str, pipeline: serde_json::Value) -> Result<(), MockError> {
        let object_type = self.parse_type(object_type)?;
        let pipeline = Pipeline::from_json(pipeline).map_err(MockError::InvalidPipeline)?;
        lock(&self.state.store).put_pipeline(object_type, pipeline);
        Ok(())
    }

    /// How many records of a type the store holds (0 for an unknown type).
    pub fn record_count(&self, object_type: &str, include_archived: bool) -> usize {
        ObjectType::resolve(object_type, self.state.portal_id)
            .map(|object_type| lock(&self.state.store).count(object_type, include_archived))
            .unwrap_or(0)
    }

    /// Stop serving, close every connection and wait for the server thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The loop may already be gone; there is nothing to tell it then.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread has already been reported by the panic hook.
            let _ = thread.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

fn parse_id(raw: &str) -> Result<u64, MockError> {
    let digits = !raw.is_empty() && raw.bytes().all(|byte| byte.is_ascii_digit());
    digits
        .then(|| raw.parse().ok())
        .flatten()
        .ok_or_else(|| MockError::InvalidRecordId(raw.to_owned()))
}

/// Accept connections until told to stop; dropping the runtime afterwards closes the
/// connections still open.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    state.connections.fetch_add(1, Ordering::Relaxed);
                    let _ = stream.set_nodelay(true);
                    let state = Arc::clone(&state);
                    let tls = tls.clone();
                    tokio::spawn(async move {
                        let service = service_fn(move |request| {
                            let state = Arc::clone(&state);
                            async move { respond(&state, request).await }
                        });
                        // A connection that fails (reset, malformed HTTP, a failed TLS
                        // handshake, a dropping fault) just ends.
                        let builder = http1::Builder::new().keep_alive(true).clone();
                        let _ = match tls {
                            None => builder.serve_connection(TokioIo::new(stream), service).await,
                            Some(tls) => match tls.accept(stream).await {
                                Ok(stream) => builder.serve_connection(TokioIo::new(stream), service).await,
                                Err(_) => Ok(()),
                            },
                        };
                    });
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

/// The TLS side of a mock serving HTTPS (HTTP/1.1 only, as ALPN says).
fn tls_acceptor(tls: &crate::config::MockTls) -> io::Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let invalid = |what: &str, error: &dyn std::fmt::Display| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {error}"))
    };
    let chain = CertificateDer::pem_slice_iter(tls.cert_chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| invalid("the mock's certificate chain", &error))?;
    let key =
        PrivateKeyDer::from_pem_slice(tls.key_pem.as_bytes()).map_err(|error| invalid("the mock's key", &error))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| invalid("TLS versions", &error))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| invalid("the mock's certificate", &error))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Read the body, keeping at most `MAX_BODY_BYTES`; `Err` carries what was read of a body
/// over the limit (or cut short by the client).
async fn read_body(mut body: Incoming) -> Result<Vec<u8>, Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(bytes);
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > MAX_BODY_BYTES {
                let room = MAX_BODY_BYTES - bytes.len();
                bytes.extend_from_slice(&data[..room]);
                return Err(bytes);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// A fault closes the connection without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the connection was dropped by a fault rule")
    }
}

impl std::error::Error for Dropped {}

async fn respond(state: &State, request: Request<Incoming>) -> Result<Response<MockBody>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = read_body(body).await;
    if control::is_control(parts.uri.path()) {
        let bytes = match &body {
            Ok(bytes) | Err(bytes) => bytes,
        };
        let canned = control::handle(&mut lock(&state.faults), parts.method.as_str(), parts.uri.path(), bytes);
        return Ok(canned_response(canned, None));
    }
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: match &body {
            Ok(bytes) | Err(bytes) => bytes.clone(),
        },
    };
    lock(&state.log).push(recorded.clone());
    let correlation_id = correlation_id();
    let fault = match body {
        Ok(_) => lock(&state.faults).fire(&recorded.method, &recorded.path),
        Err(_) => None,
    };
    if let Some(fault) = fault.as_ref().filter(|fault| fault.stage() == Stage::Instead) {
        return faults::canned(fault, &correlation_id)
            .map(|canned| canned_response(canned, Some(&correlation_id)))
            .ok_or(Dropped);
    }
    let admitted = match (&state.limiter, &body) {
        (Some(limiter), Ok(_)) => match limited_account(state, &recorded) {
            Some((token, search)) => match lock(limiter).admit(&token, search, crate::timestamps::now_ms()) {
                Ok(admitted) => Some(admitted),
                Err(refused) => return Ok(canned_response(refused, Some(&correlation_id))),
            },
            None => None,
        },
        _ => None,
    };
    let (reply, rate_limits) = match body {
        Ok(_) => process(state, &recorded),
        Err(_) => (
            Reply::Error(ApiError::body_too_large(MAX_BODY_BYTES)),
            RateLimitHeaders::None,
        ),
    };
    let remaining = (rate_limits != RateLimitHeaders::None).then(|| lock(&state.counters).count());
    let mut headers = remaining
        .map(|remaining| rate_limit_headers(rate_limits, remaining))
        .unwrap_or_default();
    if let (Some(limiter), Some(admitted)) = (&state.limiter, admitted) {
        lock(limiter).rewrite_headers(&mut headers, admitted);
    }
    let response = render(reply, &correlation_id, &headers);
    match fault {
        Some(fault) => spoil(fault, response).await,
        None => Ok(response.map(MockBody::whole)),
    }
}

/// The answer to a handled request, spoiled by a fault that acts [`Stage::After`].
async fn spoil(fault: Fault, response: Response<Bytes>) -> Result<Response<MockBody>, Dropped> {
    let (mut parts, mut body) = response.into_parts();
    let needs_body = matches!(
        fault,
        Fault::MalformedJson
            | Fault::WrongContentType
            | Fault::TruncatedBody
            | Fault::UnexpectedJson
            | Fault::OversizedBody { .. }
    );
    if needs_body && body.is_empty() {
        // A 204 has nothing to spoil; answer as if it had a body.
        parts.status = StatusCode::OK;
        body = Bytes::from_static(b"{}");
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    }
    let body = match fault {
        Fault::DropAfterProcessing => return Err(Dropped),
        Fault::Delay { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            MockBody::whole(body)
        }
        Fault::MalformedJson => MockBody::whole(faults::malformed(&body)),
        Fault::UnexpectedJson => MockBody::whole(Bytes::from_static(faults::UNEXPECTED_JSON.as_bytes())),
        Fault::WrongContentType => {
            parts
                .headers
                .insert(CONTENT_TYPE, HeaderValue::from_static(faults::TEXT_PLAIN));
            MockBody::whole(body)
        }
        Fault::TruncatedBody => {
            parts.headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            MockBody::cut_short(body.slice(..body.len() / 2))
        }
        Fault::OversizedBody { bytes, chunked } => MockBody::streamed(OVERSIZED_PREFIX, b'x', bytes, !chunked),
        _ => MockBody::whole(body),
    };
    Ok(Response::from_parts(parts, body))
}

/// How an oversized body starts: like a record whose `notes` never end.
const OVERSIZED_PREFIX: &[u8] = br#"{"id":"1","properties":{"notes":""#;

/// The token a request counts against when limits are enforced, and whether it is a
/// search: only requests to a CRM route with a token the mock knows count.
fn limited_account(state: &State, request: &RecordedRequest) -> Option<(String, bool)> {
    let segments = query::path_segments(&request.path);
    let search = match routes::resolve(&request.method, &segments)? {
        Route::Typed { endpoint, .. } => matches!(endpoint, routes::Endpoint::SearchRecords),
        Route::Account { .. } => false,
        Route::TokenInfo => return None,
    };
    let grant = auth::authenticate(request, &state.tokens).ok()?;
    Some((grant.token.clone(), search))
}

/// The request pipeline (see the module doc): the reply, and which rate-limit headers
/// it carries.
fn process(state: &State, request: &RecordedRequest) -> (Reply, RateLimitHeaders) {
    let segments = query::path_segments(&request.path);
    let Some(route) = routes::resolve(&request.method, &segments) else {
        return (Reply::Error(ApiError::route_not_found()), RateLimitHeaders::None);
    };
    let (endpoint, raw_type, version) = match route {
        Route::TokenInfo => {
            let reply = auth::token_info(&request.body, &state.tokens, state.portal_id);
            return (reply, RateLimitHeaders::None);
        }
        Route::Account { endpoint, .. } => {
            let grant = match auth::authenticate(request, &state.tokens) {
                Ok(grant) => grant,
                Err(error) => return (Reply::Error(error), RateLimitHeaders::None),
            };
            let reply = match auth::authorize_any(grant, endpoint.accepted_scopes()) {
                Ok(()) => routes::dispatch_account(
                    &endpoint,
                    &state.catalog,
                    &state.owners,
                    state.portal_id,
                    &QueryParams::parse(request.query.as_deref()),
                ),
                Err(error) => Reply::Error(error),
            };
            return (reply, RateLimitHeaders::Full);
        }
        Route::Typed {
            endpoint,
            object_type,
            version,
        } => (endpoint, object_type, version),
    };
    let grant = match auth::authenticate(request, &state.tokens) {
        Ok(grant) => grant,
        Err(error) => return (Reply::Error(error), RateLimitHeaders::None),
    };
    let rate_limits = endpoint.rate_limit_headers();
    let Some(object_type) = ObjectType::resolve(&raw_type, state.portal_id) else {
        return (Reply::Error(ApiError::unknown_object_type(&raw_type)), rate_limits);
    };
    if let Err(error) = auth::authorize(grant, object_type, endpoint.access()) {
        return (Reply::Error(error), rate_limits);
    }
    let mut store = lock(&state.store);
    let call = Call {
        catalog: &state.catalog,
        store: &mut store,
        portal_id: state.portal_id,
        object_type,
        required_properties: if version.enforces_validation_rules() {
            state
                .validation_rules
                .iter()
                .filter(|rule| ObjectType::resolve(&rule.object_type, state.portal_id) == Some(object_type))
                .map(|rule| rule.required_property.as_str())
                .collect()
        } else {
            Vec::new()
        },
        owners: &state.owners,
        query: QueryParams::parse(request.query.as_deref()),
        body: &request.body,
    };
    (routes::dispatch(&endpoint, version, call), rate_limits)
}

/// The HTTP response for `reply`.
fn render(reply: Reply, correlation_id: &str, headers: &[(&'static str, String)]) -> Response<Bytes> {
    let (status, body) = match reply {
        Reply::Json(status, body) => (status, Some(body)),
        Reply::NoContent => (204, None),
        Reply::Error(error) => (error.status, Some(error.body(correlation_id))),
    };
    let bytes = body.and_then(|body| serde_json::to_vec(&body).ok()).unwrap_or_default();
    let has_body = !bytes.is_empty();
    let mut response = Response::new(Bytes::from(bytes));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let response_headers = response.headers_mut();
    if has_body {
        response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    }
    let all = std::iter::once((CORRELATION_ID, correlation_id.to_owned())).chain(headers.iter().cloned());
    for (name, value) in all {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response_headers.insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// The HTTP response for a fault's or the control endpoint's canned answer.
fn canned_response(canned: Canned, correlation_id: Option<&str>) -> Response<MockBody> {
    let mut response = Response::new(MockBody::whole(canned.body));
    *response.status_mut() = StatusCode::from_u16(canned.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let correlation = correlation_id.map(|id| (CORRELATION_ID, id.to_owned()));
    for (name, value) in canned.headers.into_iter().chain(correlation) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(HeaderName::from_static(name), value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_parse_id_accepts_digits_only() {
        assert_eq!(parse_id("0012"), Ok(12));
        for bad in ["", "-1", "1.0", "abc", "99999999999999999999999"] {
            assert_eq!(parse_id(bad), Err(MockError::InvalidRecordId(bad.to_owned())));
        }
    }

    #[test]
    fn server_render_puts_correlation_id_in_header_and_error_body() {
        let response = render(Reply::Error(ApiError::route_not_found()), "abc", &[]);
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(response.headers()[CORRELATION_ID], "abc");
        assert_eq!(response.headers()[CONTENT_TYPE], JSON_CONTENT_TYPE);
        let empty = render(
            Reply::NoContent,
            "abc",
            &[("x-hubspot-ratelimit-max", "100".to_owned())],
        );
        assert_eq!(empty.status(), StatusCode::NO_CONTENT);
        assert!(empty.headers().get(CONTENT_TYPE).is_none());
        assert_eq!(empty.headers()["x-hubspot-ratelimit-max"], "100");
    }
}
