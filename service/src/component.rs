//! The WASI glue: reads the incoming request, answers it through
//! [`crate::service::handle`] with the connector's `wasi:http` transport, and
//! writes the reply.

use wasip2::http::types::{
    ErrorCode, Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasip2::io::streams::StreamError;

use hubspot_connector::limits::MAX_INPUT_BYTES;
use hubspot_connector::wasi_transport::WasiTransport;

use crate::reply::{CONTENT_TYPE, Reply};
use crate::service::{self, API_BASE_VARIABLE, Config, Request};

/// Bytes asked for per read of the request body.
const READ_CHUNK: u64 = 64 * 1024;
/// Bytes written per call to the response body stream (wasi-io's minimum guarantee).
const WRITE_CHUNK: usize = 4096;

/// The exported component.
struct Service;

wasip2::http::proxy::export!(Service);

impl wasip2::exports::http::incoming_handler::Guest for Service {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        respond(response_out, &answer(&request));
    }
}

fn answer(request: &IncomingRequest) -> Reply {
    let config = match Config::new(std::env::var(API_BASE_VARIABLE).ok()) {
        Ok(config) => config,
        Err(reply) => return reply,
    };
    let method = method_name(&request.method());
    let path_with_query = request.path_with_query().unwrap_or_default();
    let authorization = request.headers().get("authorization");
    let body = match read_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let request = Request {
        method: &method,
        path_with_query: &path_with_query,
        authorization: &authorization,
        body: &body,
    };
    service::handle(&mut WasiTransport, &config, &request)
}

fn method_name(method: &Method) -> String {
    match method {
        Method::Get => "GET".into(),
        Method::Head => "HEAD".into(),
        Method::Post => "POST".into(),
        Method::Put => "PUT".into(),
        Method::Delete => "DELETE".into(),
        Method::Connect => "CONNECT".into(),
        Method::Options => "OPTIONS".into(),
        Method::Trace => "TRACE".into(),
        Method::Patch => "PATCH".into(),
        Method::Other(other) => other.clone(),
    }
}

/// The body, read up to one byte past the input limit (the service refuses
/// anything longer, so reading more would only cost memory).
fn read_body(request: &IncomingRequest) -> Result<Vec<u8>, Reply> {
    let unreadable = || {
        Reply::problem(
            400,
            "bad-request",
            "the request body could not be read",
            Default::default(),
        )
    };
    let incoming = request.consume().map_err(|()| unreadable())?;
    let stream = incoming.stream().map_err(|()| unreadable())?;
    let mut body = Vec::new();
    while body.len() <= MAX_INPUT_BYTES {
        match stream.blocking_read(READ_CHUNK) {
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(_)) => return Err(unreadable()),
        }
    }
    Ok(body)
}

fn respond(response_out: ResponseOutparam, reply: &Reply) {
    let headers = Fields::new();
    let length = reply.body.len().to_string();
    let mut refused = headers.append("content-type", CONTENT_TYPE.as_bytes()).is_err()
        | headers.append("content-length", length.as_bytes()).is_err();
    for (name, value) in &reply.headers {
        refused |= headers.append(name, value.as_bytes()).is_err();
    }
    let response = OutgoingResponse::new(headers);
    refused |= response.set_status_code(reply.status).is_err();
    let body = match response.body() {
        Ok(body) if !refused => body,
        _ => {
            let message = "the service could not build its response".to_owned();
            ResponseOutparam::set(response_out, Err(ErrorCode::InternalError(Some(message))));
            return;
        }
    };
    ResponseOutparam::set(response_out, Ok(response));
    // Once the head is sent, a failed write can only end the body early,
    // which the client sees as a truncated response.
    if let Ok(stream) = body.write() {
        for chunk in reply.body.as_bytes().chunks(WRITE_CHUNK) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                return;
            }
        }
        drop(stream);
        let _finished = OutgoingBody::finish(body, None);
    }
}
