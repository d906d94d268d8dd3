//! The hostile `connector` component: each `tool.invoke` action attacks the
//! host in one way and, when it survives, reports as JSON what it got away with.

use std::hint::black_box;
use std::io::Read as _;
use std::net::SocketAddrV4;

use serde_json::{Value, json};
use wasip2::clocks::monotonic_clock;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{ErrorCode, Fields, IncomingResponse, Method, OutgoingRequest, Scheme};
use wasip2::io::streams::OutputStream;
use wasip2::sockets::network::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress};
use wasip2::sockets::{instance_network, ip_name_lookup, tcp_create_socket};

use bindings::exports::connector::hubspot::crm::{self, Guest as Crm};
use bindings::exports::connector::hubspot::tool::Guest as Tool;
use bindings::exports::connector::hubspot::types::{Connection, Error, InputProblem};

mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "connector",
        with: {
            "wasi:http/types@0.2.12": wasip2::http::types,
            "wasi:http/outgoing-handler@0.2.12": wasip2::http::outgoing_handler,
            "wasi:io/error@0.2.12": wasip2::io::error,
            "wasi:io/poll@0.2.12": wasip2::io::poll,
            "wasi:io/streams@0.2.12": wasip2::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": wasip2::clocks::monotonic_clock,
            "wasi:random/insecure@0.2.12": wasip2::random::insecure,
        },
    });
}

/// The exported component.
struct Component;

#[expect(unsafe_code, reason = "the export glue wit-bindgen generates")]
mod export {
    use super::Component;
    super::bindings::export!(Component with_types_in super::bindings);
}

/// The actions `invoke` knows, as `describe` lists them.
const ACTIONS: &[&str] = &[
    "ok",
    "loop",
    "alloc",
    "trap",
    "sleep",
    "fetch",
    "env",
    "fs",
    "stdin",
    "echo-token",
    "spam",
    "hoard",
    "body-budget",
    "connect",
    "resolve",
    "residue",
];

/// Bytes `spam` tries to write to each of stdout and stderr.
const SPAM_BYTES: usize = 8 * 1024 * 1024;
/// Bytes written per call: wasi-io's `blocking-write-and-flush` takes at most 4096.
const WRITE_CHUNK: usize = 4096;
/// Most response body bytes `fetch` reports.
const MAX_BODY: usize = 64 * 1024;

impl Tool for Component {
    fn invoke(conn: Connection, action: String, input_json: String) -> Result<String, Error> {
        match action.as_str() {
            "ok" => Ok(json!({ "ok": true }).to_string()),
            "loop" => spin(),
            "alloc" => exhaust_memory(),
            "trap" => trap(&conn),
            "sleep" => oversleep(),
            "fetch" => fetch(&input_json),
            "env" => Ok(environment().to_string()),
            "fs" => Ok(filesystem().to_string()),
            "stdin" => Ok(stdin().to_string()),
            "echo-token" => Ok(conn.access_token),
            "spam" => Ok(spam().to_string()),
            "hoard" => hoard(&input_json),
            "body-budget" => Ok(body_budget().to_string()),
            "connect" => Ok(connect(&input_json).to_string()),
            "resolve" => Ok(resolve(&input_json).to_string()),
            "residue" => Ok(residue().to_string()),
            other => Err(invalid(
                "",
                format!("unknown action `{other}`; known: {}", ACTIONS.join(", ")),
            )),
        }
    }

    fn describe() -> String {
        json!({ "actions": ACTIONS }).to_string()
    }
}

impl Crm for Component {
    fn create(_: Connection, _: crm::CreateRequest) -> Result<crm::CrmRecord, Error> {
        Err(unsupported())
    }

    fn read(_: Connection, _: crm::ReadRequest) -> Result<crm::CrmRecord, Error> {
        Err(unsupported())
    }

    fn update(_: Connection, _: crm::UpdateRequest) -> Result<crm::CrmRecord, Error> {
        Err(unsupported())
    }

    fn archive(_: Connection, _: crm::ArchiveRequest) -> Result<(), Error> {
        Err(unsupported())
    }

    fn search(_: Connection, _: crm::SearchRequest) -> Result<crm::SearchPage, Error> {
        Err(unsupported())
    }

    fn get_pipelines(_: Connection, _: String) -> Result<Vec<crm::Pipeline>, Error> {
        Err(unsupported())
    }

    fn get_pipeline_stage(_: Connection, _: String, _: String, _: String) -> Result<crm::PipelineStage, Error> {
        Err(unsupported())
    }

    fn get_properties(_: Connection, _: crm::PropertiesRequest) -> Result<Vec<crm::PropertyDefinition>, Error> {
        Err(unsupported())
    }

    fn test_connection(_: Connection) -> Result<crm::ConnectionReport, Error> {
        Err(unsupported())
    }

    fn list(_: Connection, _: crm::ListRequest) -> Result<crm::RecordPage, Error> {
        Err(unsupported())
    }

    fn get_owners(_: Connection, _: crm::OwnersRequest) -> Result<Vec<crm::Owner>, Error> {
        Err(unsupported())
    }

    fn get_object_types(_: Connection) -> Result<Vec<crm::ObjectTypeInfo>, Error> {
        Err(unsupported())
    }

    fn preview_write(_: Connection, _: crm::WriteRequest) -> Result<crm::WritePreview, Error> {
        Err(unsupported())
    }

    fn associate(_: Connection, _: crm::AssociateRequest) -> Result<(), Error> {
        Err(unsupported())
    }

    fn get_associations(_: Connection, _: crm::AssociationsRequest) -> Result<Vec<crm::AssociatedObject>, Error> {
        Err(unsupported())
    }

    fn remove_association(_: Connection, _: crm::RemoveAssociationRequest) -> Result<(), Error> {
        Err(unsupported())
    }

    fn get_association_labels(
        _: Connection,
        _: crm::AssociationLabelsRequest,
    ) -> Result<Vec<crm::AssociationLabel>, Error> {
        Err(unsupported())
    }

    fn preview_association(_: Connection, _: crm::AssociationWrite) -> Result<crm::WritePreview, Error> {
        Err(unsupported())
    }

    fn batch(_: Connection, _: crm::BatchRequest) -> Result<crm::BatchResult, Error> {
        Err(unsupported())
    }

    fn preview_batch(_: Connection, _: crm::BatchWriteRequest) -> Result<crm::WritePreview, Error> {
        Err(unsupported())
    }
}

/// Bytes `residue` allocates and marks: well past the memory a slot keeps
/// resident between calls, so both ways of resetting it are exercised.
const RESIDUE_BYTES: usize = 2 * 1024 * 1024;

/// What a previous call in the same instance slot left behind: a static
/// counter (in the data image) and marked heap memory. A zeroed allocation
/// takes fresh pages from `memory.grow`, which the allocator trusts to be
/// zero, so marks that survived a slot's reset would show up in it.
fn residue() -> Value {
    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let calls = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let mut heap = vec![0u8; RESIDUE_BYTES];
    let marked = heap.iter().filter(|byte| **byte != 0).count();
    heap.fill(0xA5);
    black_box(&heap);
    json!({ "calls": calls, "nonZeroBytes": marked })
}

fn invalid(path: &str, message: impl Into<String>) -> Error {
    Error::InvalidInput(InputProblem {
        path: path.to_owned(),
        message: message.into(),
    })
}

fn unsupported() -> Error {
    invalid("", "the hostile component only misbehaves through tool.invoke")
}

/// Runs forever without calling the host: only the CPU budget can stop it.
fn spin() -> ! {
    let mut turns = 0u64;
    loop {
        turns = black_box(turns.wrapping_add(1));
    }
}

/// Allocates (and touches) a mebibyte at a time until the host says no.
fn exhaust_memory() -> ! {
    let mut hoard = Vec::new();
    loop {
        hoard.push(black_box(vec![0xA5u8; 1 << 20]));
    }
}

#[expect(
    clippy::panic,
    reason = "trapping with the token in the message is this action's point"
)]
fn trap(conn: &Connection) -> ! {
    panic!("hostile trap: the token is {}", conn.access_token);
}

/// Blocks on the monotonic clock for an hour.
fn oversleep() -> Result<String, Error> {
    const HOUR_NANOS: u64 = 3_600 * 1_000_000_000;
    monotonic_clock::subscribe_duration(HOUR_NANOS).block();
    Ok(json!({ "slept": true }).to_string())
}

/// A `fetch` input: a bare URL (or a JSON string), or
/// `{"url": "…", "headers": {"name": "value", …}}`.
struct FetchInput {
    url: String,
    headers: Vec<(String, String)>,
}

fn fetch_input(input: &str) -> Result<FetchInput, Error> {
    let object = match serde_json::from_str::<Value>(input) {
        Err(_) => {
            return Ok(FetchInput {
                url: input.trim().to_owned(),
                headers: Vec::new(),
            });
        }
        Ok(Value::String(url)) => {
            return Ok(FetchInput {
                url,
                headers: Vec::new(),
            });
        }
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err(invalid("", "a URL, or {\"url\": …, \"headers\": {…}}")),
    };
    let url = object
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("url", "a URL string is required"))?
        .to_owned();
    let mut headers = Vec::new();
    if let Some(given) = object.get("headers") {
        let given = given
            .as_object()
            .ok_or_else(|| invalid("headers", "an object of header names to string values"))?;
        for (name, value) in given {
            let value = value
                .as_str()
                .ok_or_else(|| invalid(&format!("headers.{name}"), "a string"))?;
            headers.push((name.clone(), value.to_owned()));
        }
    }
    Ok(FetchInput { url, headers })
}

/// Sends a GET to the given URL through `wasi:http` and reports what the host
/// did with it: the headers it refused, the fields it refused, and the status
/// or the error code.
fn fetch(input: &str) -> Result<String, Error> {
    let FetchInput { url, headers } = fetch_input(input)?;
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("url", "the URL has no scheme"))?;
    let (authority, path) = rest.find('/').map_or((rest, "/"), |index| rest.split_at(index));

    let fields = Fields::new();
    let mut header_errors = Vec::new();
    for (name, value) in &headers {
        if let Err(error) = fields.append(name, value.as_bytes()) {
            header_errors.push(json!({ "name": name, "error": format!("{error:?}") }));
        }
    }
    let request = OutgoingRequest::new(fields);
    let scheme = match scheme {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_owned()),
    };
    let mut refused = Vec::new();
    if request.set_method(&Method::Get).is_err() {
        refused.push("method");
    }
    if request.set_scheme(Some(&scheme)).is_err() {
        refused.push("scheme");
    }
    if request.set_authority(Some(authority)).is_err() {
        refused.push("authority");
    }
    if request.set_path_with_query(Some(path)).is_err() {
        refused.push("path");
    }

    let outcome = match outgoing_handler::handle(request, None) {
        Err(code) => error_json("handle", &code),
        Ok(future) => {
            future.subscribe().block();
            match future.get() {
                Some(Ok(Ok(response))) => response_json(response),
                Some(Ok(Err(code))) => error_json("response", &code),
                Some(Err(())) | None => json!({ "stage": "response", "error": "the host lost the response" }),
            }
        }
    };
    Ok(json!({ "header_errors": header_errors, "refused": refused, "outcome": outcome }).to_string())
}

fn error_json(stage: &str, code: &ErrorCode) -> Value {
    json!({
        "stage": stage,
        "error": format!("{code:?}"),
        "denied": matches!(code, ErrorCode::HttpRequestDenied),
    })
}

fn response_json(response: IncomingResponse) -> Value {
    let status = response.status();
    let mut body = Vec::new();
    if let Ok(incoming) = response.consume() {
        if let Ok(stream) = incoming.stream() {
            while body.len() < MAX_BODY {
                match stream.blocking_read(MAX_BODY as u64) {
                    Ok(chunk) => body.extend(chunk),
                    Err(_) => break,
                }
            }
            // The stream is a child of the body: it goes first.
            drop(stream);
        }
        drop(incoming);
    }
    json!({ "status": status, "body": String::from_utf8_lossy(&body) })
}

/// What the component can learn about its process: variables, arguments,
/// working directory, through both std and the raw WASI calls.
fn environment() -> Value {
    use wasip2::cli::environment;
    let std_vars: Vec<String> = std::env::vars_os()
        .map(|(name, value)| format!("{}={}", name.to_string_lossy(), value.to_string_lossy()))
        .collect();
    let std_args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let wasi_vars: Vec<String> = environment::get_environment()
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    json!({
        "std_vars": std_vars,
        "std_args": std_args,
        "wasi_vars": wasi_vars,
        "wasi_args": environment::get_arguments(),
        "initial_cwd": environment::initial_cwd(),
    })
}

fn attempt<T: Into<Value>>(result: std::io::Result<T>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value.into() }),
        Err(error) => json!({ "error": error.to_string() }),
    }
}

/// Tries to read files and list directories.
fn filesystem() -> Value {
    let preopens: Vec<String> = wasip2::filesystem::preopens::get_directories()
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    json!({
        "preopens": preopens,
        "etc_passwd": attempt(std::fs::read_to_string("/etc/passwd")),
        "dot": attempt(std::fs::read_dir(".").map(|entries| entries.count())),
        "root": attempt(std::fs::read_dir("/").map(|entries| entries.count())),
        "relative": attempt(std::fs::read_to_string("Cargo.toml")),
    })
}

/// Tries to read stdin, through std and through the raw stream.
fn stdin() -> Value {
    let mut buffer = Vec::new();
    let std_read = std::io::stdin().read_to_end(&mut buffer);
    let raw = match wasip2::cli::stdin::get_stdin().blocking_read(4096) {
        Ok(bytes) => json!({ "ok": bytes.len() }),
        Err(error) => json!({ "error": format!("{error:?}") }),
    };
    json!({ "std": attempt(std_read), "std_bytes": buffer.len(), "raw": raw })
}

/// Writes megabytes to stdout and stderr and reports how much the host took.
fn spam() -> Value {
    json!({
        "stdout": flood(&wasip2::cli::stdout::get_stdout()),
        "stderr": flood(&wasip2::cli::stderr::get_stderr()),
    })
}

fn flood(stream: &OutputStream) -> Value {
    let line = [b'#'; WRITE_CHUNK];
    let mut written = 0usize;
    while written < SPAM_BYTES {
        if let Err(error) = stream.blocking_write_and_flush(&line) {
            return json!({ "written": written, "error": format!("{error:?}") });
        }
        written += line.len();
    }
    json!({ "written": written, "error": null })
}

/// Creates host-side header maps (each holding `{"bytes": n}` bytes of
/// header value) and never drops them, so that only a host-side limit can
/// stop it. Runs until the host traps it.
fn hoard(input: &str) -> Result<String, Error> {
    let bytes = match input.trim() {
        "" => 0,
        text => serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|value| value.get("bytes").and_then(Value::as_u64))
            .ok_or_else(|| invalid("bytes", "{\"bytes\": <header value size>}"))?,
    };
    let value = vec![b'h'; usize::try_from(bytes).unwrap_or(usize::MAX)];
    let mut kept = Vec::new();
    loop {
        let fields = Fields::new();
        if !value.is_empty() {
            // A refusal (the host's field size limit) still leaves the map in the host's table.
            let _ = fields.append("x-hoard", &value);
        }
        kept.push(fields);
        black_box(&kept);
    }
}

/// Opens a request body and reports how many bytes the host lets it write at
/// once, which is what each unsent body may buffer in the host.
fn body_budget() -> Value {
    let request = OutgoingRequest::new(Fields::new());
    let Ok(body) = request.body() else {
        return json!({ "error": "the host gave no request body" });
    };
    let report = match body.write() {
        Ok(stream) => {
            let permit = match stream.check_write() {
                Ok(permit) => json!({ "permit": permit }),
                Err(error) => json!({ "error": format!("{error:?}") }),
            };
            // The stream is a child of the body, the body of the request.
            drop(stream);
            permit
        }
        Err(()) => json!({ "error": "the host gave no body stream" }),
    };
    drop(body);
    drop(request);
    report
}

/// Opens a TCP connection to `a.b.c.d:port` with `wasi:sockets`.
fn connect(input: &str) -> Value {
    let Ok(address) = input.trim().trim_matches('"').parse::<SocketAddrV4>() else {
        return json!({ "stage": "input", "error": "expected a.b.c.d:port" });
    };
    let socket = match tcp_create_socket::create_tcp_socket(IpAddressFamily::Ipv4) {
        Ok(socket) => socket,
        Err(error) => return json!({ "stage": "create", "error": format!("{error:?}") }),
    };
    let network = instance_network::instance_network();
    let [a, b, c, d] = address.ip().octets();
    let remote = IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port: address.port(),
        address: (a, b, c, d),
    });
    if let Err(error) = socket.start_connect(&network, remote) {
        return json!({ "stage": "start-connect", "error": format!("{error:?}") });
    }
    socket.subscribe().block();
    match socket.finish_connect() {
        Ok(streams) => {
            drop(streams);
            json!({ "connected": true })
        }
        Err(error) => json!({ "stage": "finish-connect", "error": format!("{error:?}") }),
    }
}

/// Resolves a host name with `wasi:sockets/ip-name-lookup`.
fn resolve(input: &str) -> Value {
    let network = instance_network::instance_network();
    let name = input.trim().trim_matches('"');
    let addresses = match ip_name_lookup::resolve_addresses(&network, name) {
        Ok(addresses) => addresses,
        Err(error) => return json!({ "stage": "resolve", "error": format!("{error:?}") }),
    };
    addresses.subscribe().block();
    match addresses.resolve_next_address() {
        Ok(address) => json!({ "address": format!("{address:?}") }),
        Err(error) => json!({ "stage": "next-address", "error": format!("{error:?}") }),
    }
}
