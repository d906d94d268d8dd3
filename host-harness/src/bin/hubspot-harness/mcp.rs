//! `hubspot-harness mcp`: the connector's actions as Model Context Protocol
//! tools, over stdio or Streamable HTTP.
//!
//! Each action of the component's `describe()` catalog is one tool, with the
//! catalog's name, title, description and input schema. A call runs through
//! the component in the sandbox exactly as `invoke` does: HubSpot's JSON is
//! the tool's result, a typed error is a tool error (`isError: true`) whose
//! text is the same `{"error": {...}}` JSON `invoke` prints.
//!
//! The credential: over stdio it is the command's own (`HUBSPOT_ACCESS_TOKEN`,
//! or the mock's). Over HTTP there is none of the server's: each call uses the
//! `Authorization: Bearer` of the HTTP request that carries it, and a session
//! whose `initialize` carried one accepts no other, so one server serves many
//! tenants without mixing them. Tokens cross the wire in the clear, so the
//! listener must be a loopback address (a TLS proxy in front of it may face
//! the network).

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, InitializeRequestParams,
    InitializeResult, ListToolsResult, PaginatedRequestParams, ServerCapabilities, Tool,
};
use rmcp::service::{RequestContext, RoleServer, ServiceExt};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, transport};
use serde_json::{Value, json};

use hubspot_harness::wit::Connection;
use hubspot_harness::{Connector, Invocation};

use crate::report;

/// The path the Streamable HTTP endpoint is served at.
pub const HTTP_PATH: &str = "/mcp";

/// What every session shares: the loaded component, its tools, where HubSpot
/// is and which API version to speak.
#[derive(Debug)]
pub struct Shared {
    connector: Connector,
    tools: Vec<Tool>,
    instructions: Option<String>,
    api_base: String,
    api_version: Option<String>,
}

impl Shared {
    /// Reads the tools from the component's catalog.
    pub async fn new(connector: Connector, api_base: String, api_version: Option<String>) -> Result<Self, String> {
        let catalog = connector.describe().await.map_err(|error| error.to_string())?;
        let catalog: Value =
            serde_json::from_str(&catalog).map_err(|error| format!("the catalog is not JSON: {error}"))?;
        let tools = tools(&catalog)?;
        Ok(Self {
            connector,
            tools,
            instructions: catalog["description"].as_str().map(str::to_owned),
            api_base,
            api_version,
        })
    }
}

/// The tools of a `describe()` catalog: one per action.
fn tools(catalog: &Value) -> Result<Vec<Tool>, String> {
    let actions = catalog["actions"].as_array().ok_or("the catalog lists no actions")?;
    actions
        .iter()
        .map(|action| {
            let name = action["name"].as_str().ok_or("an action has no name")?;
            let Some(schema) = action["inputSchema"].as_object() else {
                return Err(format!("the action {name} has no input schema"));
            };
            let mut description = action["description"].as_str().unwrap_or_default().to_owned();
            if let Some(output) = action["output"].as_str() {
                description.push_str("\n\nReturns: ");
                description.push_str(output);
            }
            let mut tool = Tool::new(name.to_owned(), description, Arc::new(schema.clone()));
            if let Some(title) = action["title"].as_str() {
                tool = tool.with_title(title);
            }
            Ok(tool)
        })
        .collect()
}

/// Where a session's credential comes from.
#[derive(Debug, Clone)]
enum Credential {
    /// The server's own (stdio).
    Fixed(String),
    /// Each HTTP request's bearer token; the first one `initialize` carried
    /// binds the session.
    Bearer(Arc<OnceLock<String>>),
}

/// One MCP session.
#[derive(Debug, Clone)]
pub struct Session {
    shared: Arc<Shared>,
    credential: Credential,
}

impl Session {
    /// A stdio session with the server's own token.
    pub fn with_token(shared: Arc<Shared>, token: String) -> Self {
        Self {
            shared,
            credential: Credential::Fixed(token),
        }
    }

    /// An HTTP session: credentials come with the requests.
    pub fn over_http(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            credential: Credential::Bearer(Arc::new(OnceLock::new())),
        }
    }

    /// The token for a request of this session, or why there is none.
    fn token(&self, context: &RequestContext<RoleServer>) -> Result<String, Value> {
        match &self.credential {
            Credential::Fixed(token) => Ok(token.clone()),
            Credential::Bearer(bound) => {
                let Some(token) = bearer(context) else {
                    return Err(credential_error(
                        "send the tenant's HubSpot access token as `Authorization: Bearer <token>` with every MCP request",
                    ));
                };
                match bound.get() {
                    Some(owner) if *owner != token => Err(credential_error(
                        "this MCP session was opened with another credential; open a new session for this one",
                    )),
                    _ => Ok(token),
                }
            }
        }
    }
}

/// The bearer token of the HTTP request that carried this MCP request.
fn bearer(context: &RequestContext<RoleServer>) -> Option<String> {
    let parts = context.extensions.get::<http::request::Parts>()?;
    let value = parts.headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

fn credential_error(message: &str) -> Value {
    json!({"error": {"kind": "unauthorized", "message": message}})
}

/// A tool result carrying `value` as JSON text and, for an object, as
/// structured content.
fn result(value: &Value, is_error: bool) -> CallToolResult {
    let text = ContentBlock::text(value.to_string());
    let mut result = if is_error {
        CallToolResult::error(vec![text])
    } else {
        CallToolResult::success(vec![text])
    };
    if value.is_object() {
        result.structured_content = Some(value.clone());
    }
    result
}

impl ServerHandler for Session {
    fn get_info(&self) -> InitializeResult {
        let mut info = InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("hubspot-harness", env!("CARGO_PKG_VERSION")));
        if let Some(instructions) = &self.shared.instructions {
            info = info.with_instructions(instructions.clone());
        }
        info
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        if let (Credential::Bearer(bound), Some(token)) = (&self.credential, bearer(&context)) {
            let _ = bound.set(token);
        }
        context.peer.set_peer_info(request.clone());
        self.negotiate_initialize(&request)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.shared.tools.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let token = match self.token(&context) {
            Ok(token) => token,
            Err(error) => return Ok(result(&error, true).into()),
        };
        let input = Value::Object(request.arguments.unwrap_or_default()).to_string();
        let invocation = Invocation {
            connection: Connection {
                access_token: token,
                api_base: Some(self.shared.api_base.clone()),
                api_version: self.shared.api_version.clone(),
            },
            action: request.name.into_owned(),
            input,
        };
        tracing::debug!(action = %invocation.action, "tool call");
        let answer = match self.shared.connector.invoke(&invocation).await {
            Ok(call) => match call.result {
                Ok(output) => match serde_json::from_str::<Value>(&output) {
                    Ok(value) => result(&value, false),
                    Err(_) => CallToolResult::success(vec![ContentBlock::text(output)]),
                },
                Err(error) => result(&report::error_json(&error), true),
            },
            Err(error) => result(&report::call_error_json(&error), true),
        };
        Ok(answer.into())
    }
}

/// Serves one session over stdin and stdout until the client closes them.
pub async fn serve_stdio(session: Session) -> Result<(), String> {
    let running = session
        .serve(transport::stdio())
        .await
        .map_err(|error| format!("the MCP session did not start: {error}"))?;
    running
        .waiting()
        .await
        .map_err(|error| format!("the MCP session ended abnormally: {error}"))?;
    Ok(())
}

/// Why an address may not be listened on: bearer tokens would cross the
/// network in the clear.
pub fn check_listen(listen: SocketAddr) -> Result<(), String> {
    if listen.ip().is_loopback() {
        Ok(())
    } else {
        Err(format!(
            "{listen} is not a loopback address: tenants' HubSpot tokens would cross the network unencrypted. Listen \
             on 127.0.0.1 or [::1], and put a TLS-terminating proxy in front of it to serve other machines"
        ))
    }
}

/// Serves Streamable HTTP at [`HTTP_PATH`] on `listener` until interrupted.
/// `ready` is called with the endpoint's URL once it accepts connections.
pub async fn serve_http(
    shared: Arc<Shared>,
    listener: tokio::net::TcpListener,
    ready: impl FnOnce(&str),
) -> Result<(), String> {
    let local = listener.local_addr().map_err(|error| error.to_string())?;
    check_listen(local)?;
    let config = StreamableHttpServerConfig::default().with_allowed_hosts([
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
        local.ip().to_string(),
    ]);
    let service = Arc::new(StreamableHttpService::new(
        move || Ok(Session::over_http(Arc::clone(&shared))),
        Arc::new(LocalSessionManager::default()),
        config,
    ));
    let url = format!("http://{local}{HTTP_PATH}");
    ready(&url);
    tracing::info!(%url, "serving MCP over Streamable HTTP");
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    continue;
                }
            },
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let service = Arc::clone(&service);
        tokio::spawn(async move {
            let handler = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let service = Arc::clone(&service);
                async move {
                    if request.uri().path() != HTTP_PATH {
                        return Ok::<_, std::convert::Infallible>(not_found());
                    }
                    Ok(service.handle(request).await.map(http_body_util::Either::Left))
                }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), handler);
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "an MCP connection ended with an error");
            }
        });
    }
}

type Body = http_body_util::Either<
    http_body_util::combinators::BoxBody<bytes::Bytes, std::convert::Infallible>,
    http_body_util::Full<bytes::Bytes>,
>;

fn not_found() -> http::Response<Body> {
    let body = json!({"error": {"kind": "not-found", "message": format!("the MCP endpoint is {HTTP_PATH}")}});
    let mut response = http::Response::new(http_body_util::Either::Right(http_body_util::Full::new(
        bytes::Bytes::from(body.to_string()),
    )));
    *response.status_mut() = http::StatusCode::NOT_FOUND;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_action_becomes_a_tool_with_its_schema() {
        let catalog = json!({"actions": [
            {"name": "read", "title": "Read", "description": "Reads.", "output": "A record.",
             "inputSchema": {"type": "object", "required": ["entity"]}},
        ]});
        let tools = tools(&catalog).unwrap();
        assert_eq!(tools.len(), 1);
        assert_eq!(tools[0].name, "read");
        assert_eq!(tools[0].title.as_deref(), Some("Read"));
        assert_eq!(tools[0].description.as_deref(), Some("Reads.\n\nReturns: A record."));
        assert_eq!(tools[0].input_schema["required"], json!(["entity"]));
        let broken = json!({"actions": [{"name": "read"}]});
        assert!(super::tools(&broken).unwrap_err().contains("read"));
    }

    #[test]
    fn only_loopback_listeners_are_accepted() {
        assert!(check_listen("127.0.0.1:0".parse().unwrap()).is_ok());
        assert!(check_listen("[::1]:8080".parse().unwrap()).is_ok());
        let refused = check_listen("0.0.0.0:8080".parse().unwrap()).unwrap_err();
        assert!(refused.contains("loopback"), "{refused}");
    }
}
