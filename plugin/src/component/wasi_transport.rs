//! [`Transport`] over `wasi:http/outgoing-handler`, the monotonic clock and
//! insecure randomness (for jitter only).

use std::time::Duration;

use wasip2::clocks::monotonic_clock;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};
use wasip2::io::streams::StreamError;

use crate::error::TransportFailure;
use crate::http::{self, HttpResponse};
use crate::limits::MAX_RESPONSE_BYTES;
use crate::transport::{Delivery, Outgoing, SendError, Transport};

/// Bytes asked for per read of the response body.
const READ_CHUNK: u64 = 64 * 1024;
/// Bytes written per call to the request body stream (wasi-io's minimum guarantee).
const WRITE_CHUNK: usize = 4096;

/// Sends through the host's `wasi:http/outgoing-handler`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WasiTransport;

impl Transport for WasiTransport {
    fn send(&mut self, request: &Outgoing<'_>) -> Result<HttpResponse, SendError> {
        send(request)
    }

    fn sleep(&mut self, duration: Duration) {
        monotonic_clock::subscribe_duration(nanos(duration)).block();
    }

    fn now(&mut self) -> Duration {
        Duration::from_nanos(monotonic_clock::now())
    }

    fn random(&mut self) -> u64 {
        wasip2::random::insecure::get_insecure_random_u64()
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

fn not_sent(kind: TransportFailure, message: impl Into<String>) -> SendError {
    SendError {
        kind,
        message: message.into(),
        delivery: Delivery::NotSent,
    }
}

fn maybe_sent(kind: TransportFailure, message: impl Into<String>) -> SendError {
    SendError {
        kind,
        message: message.into(),
        delivery: Delivery::MaybeSent,
    }
}

fn send(request: &Outgoing<'_>) -> Result<HttpResponse, SendError> {
    let (scheme, rest) = request
        .url
        .split_once("://")
        .ok_or_else(|| not_sent(TransportFailure::Other, "the request URL has no scheme"))?;
    let (authority, path) = rest.find('/').map_or((rest, "/"), |index| rest.split_at(index));

    let headers = Fields::new();
    for (name, value) in request.headers {
        headers.append(name, value.as_bytes()).map_err(|error| {
            // The value is not quoted: it may be the credential.
            not_sent(
                TransportFailure::Other,
                format!("the `{name}` header was refused: {error:?}"),
            )
        })?;
    }
    if let Some(body) = request.body {
        let length = body.len().to_string();
        headers
            .append("content-length", length.as_bytes())
            .map_err(|error| not_sent(TransportFailure::Other, format!("content-length refused: {error:?}")))?;
    }

    let outgoing = OutgoingRequest::new(headers);
    let method = match request.method {
        http::Method::Get => Method::Get,
        http::Method::Post => Method::Post,
        http::Method::Patch => Method::Patch,
        http::Method::Put => Method::Put,
        http::Method::Delete => Method::Delete,
    };
    let scheme = if scheme == "http" { Scheme::Http } else { Scheme::Https };
    let invalid = |what: &str| not_sent(TransportFailure::Other, format!("the host refused the request {what}"));
    outgoing.set_method(&method).map_err(|()| invalid("method"))?;
    outgoing.set_scheme(Some(&scheme)).map_err(|()| invalid("scheme"))?;
    outgoing
        .set_authority(Some(authority))
        .map_err(|()| invalid("authority"))?;
    outgoing.set_path_with_query(Some(path)).map_err(|()| invalid("path"))?;

    let options = RequestOptions::new();
    // A host may refuse to set a timeout; it then applies its own.
    let _ = options.set_connect_timeout(Some(nanos(request.timeouts.connect)));
    let _ = options.set_first_byte_timeout(Some(nanos(request.timeouts.first_byte)));
    let _ = options.set_between_bytes_timeout(Some(nanos(request.timeouts.between_bytes)));

    // Only a request with a body opens one, so a GET goes out without any.
    let body = match request.body {
        Some(_) => Some(outgoing.body().map_err(|()| invalid("body"))?),
        None => None,
    };
    let future = outgoing_handler::handle(outgoing, Some(options)).map_err(error_code)?;
    // A body that cannot be written usually means that the request failed to start
    // (connection refused, host denial): the stream closes, and only the response
    // future says why and that nothing left. So its answer goes first; the body
    // (dropped unfinished on failure, which aborts the request) only explains a
    // future without one.
    let body_sent = match (body, request.body) {
        (Some(body), Some(bytes)) => {
            write_body(&body, bytes).and_then(|()| OutgoingBody::finish(body, None).map_err(error_code))
        }
        _ => Ok(()),
    };

    future.subscribe().block();
    let response = match future.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => return Err(error_code(code)),
        Some(Err(())) | None => {
            return Err(body_sent
                .err()
                .unwrap_or_else(|| maybe_sent(TransportFailure::Other, "the host lost the response")));
        }
    };

    let status = response.status();
    let headers = response
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), String::from_utf8_lossy(&value).into_owned()))
        .collect::<Vec<_>>();
    // A body announced over the cap is refused before a byte of it is read.
    if let Some(length) = http::content_length(&headers)
        && length > MAX_RESPONSE_BYTES as u64
    {
        return Err(maybe_sent(
            TransportFailure::ResponseTooLarge,
            format!("HubSpot's response announces {length} bytes, more than {MAX_RESPONSE_BYTES}"),
        ));
    }
    let incoming = response
        .consume()
        .map_err(|()| maybe_sent(TransportFailure::Protocol, "the response body could not be read"))?;
    let body = read_body(&incoming)?;
    drop(IncomingBody::finish(incoming));
    Ok(HttpResponse { status, headers, body })
}

fn write_body(body: &OutgoingBody, bytes: &[u8]) -> Result<(), SendError> {
    let stream = body
        .write()
        .map_err(|()| maybe_sent(TransportFailure::Other, "the request body could not be opened"))?;
    for chunk in bytes.chunks(WRITE_CHUNK) {
        stream
            .blocking_write_and_flush(chunk)
            .map_err(|error| stream_error(&error, "sending the request body"))?;
    }
    Ok(())
}

fn read_body(body: &IncomingBody) -> Result<Vec<u8>, SendError> {
    let stream = body
        .stream()
        .map_err(|()| maybe_sent(TransportFailure::Protocol, "the response body could not be opened"))?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(READ_CHUNK) {
            Ok(chunk) => {
                if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                    return Err(maybe_sent(
                        TransportFailure::ResponseTooLarge,
                        format!("HubSpot's response is larger than {MAX_RESPONSE_BYTES} bytes"),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Err(StreamError::Closed) => return Ok(bytes),
            Err(error) => return Err(stream_error(&error, "reading the response body")),
        }
    }
}

fn stream_error(error: &StreamError, doing: &str) -> SendError {
    match error {
        StreamError::Closed => maybe_sent(
            TransportFailure::Connection,
            format!("the connection closed while {doing}"),
        ),
        StreamError::LastOperationFailed(inner) => {
            let code = wasip2::http::types::http_error_code(inner);
            match code {
                Some(code) => error_code(code),
                None => maybe_sent(
                    TransportFailure::Connection,
                    format!("the connection failed while {doing}: {}", inner.to_debug_string()),
                ),
            }
        }
    }
}

/// Maps wasi-http's error codes. Failures before a connection exists
/// (DNS, refused, connect timeout, TLS, host denial) certainly did not reach
/// HubSpot; the others may have.
fn error_code(code: ErrorCode) -> SendError {
    use TransportFailure as F;
    let message = format!("{code:?}");
    match code {
        ErrorCode::HttpRequestDenied => not_sent(
            F::Denied,
            "the host does not allow this destination; the connector may reach only the connection's API base",
        ),
        ErrorCode::DnsTimeout | ErrorCode::DnsError(_) | ErrorCode::DestinationNotFound => {
            not_sent(F::Dns, format!("the API host could not be resolved ({message})"))
        }
        ErrorCode::ConnectionRefused
        | ErrorCode::DestinationUnavailable
        | ErrorCode::DestinationIpProhibited
        | ErrorCode::DestinationIpUnroutable
        | ErrorCode::ConnectionLimitReached => not_sent(F::Connection, format!("could not connect ({message})")),
        ErrorCode::ConnectionTimeout => not_sent(F::Timeout, "connecting to the API host timed out"),
        ErrorCode::TlsProtocolError | ErrorCode::TlsCertificateError | ErrorCode::TlsAlertReceived(_) => {
            not_sent(F::Tls, format!("TLS with the API host failed ({message})"))
        }
        ErrorCode::ConnectionReadTimeout | ErrorCode::ConnectionWriteTimeout | ErrorCode::HttpResponseTimeout => {
            maybe_sent(F::Timeout, format!("HubSpot did not answer in time ({message})"))
        }
        ErrorCode::ConnectionTerminated => {
            maybe_sent(F::Connection, "the connection was closed before the answer arrived")
        }
        ErrorCode::HttpResponseBodySize(_) => maybe_sent(F::ResponseTooLarge, "HubSpot's response is too large"),
        ErrorCode::HttpProtocolError
        | ErrorCode::HttpResponseIncomplete
        | ErrorCode::HttpResponseHeaderSectionSize(_)
        | ErrorCode::HttpResponseHeaderSize(_)
        | ErrorCode::HttpResponseTrailerSectionSize(_)
        | ErrorCode::HttpResponseTrailerSize(_)
        | ErrorCode::HttpResponseTransferCoding(_)
        | ErrorCode::HttpResponseContentCoding(_) => {
            maybe_sent(F::Protocol, format!("broken HTTP response ({message})"))
        }
        _ => maybe_sent(F::Other, format!("the request failed ({message})")),
    }
}
