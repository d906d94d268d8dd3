//! The `hubspot-harness` command line: run an action through the component,
//! print the tool catalog, serve the actions over MCP, serve the mock
//! HubSpot, or run the demo.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use hubspot_harness::wit::Connection;
use hubspot_harness::{
    CallError, CompileCache, Connector, Credential, DEFAULT_API_BASE, Invocation, Sandbox, SentRequest,
};
use serde_json::json;

use crate::mcp;
use crate::progress::Progress;
use crate::report::{self, EXIT_FAILED, EXIT_HOST, EXIT_OK, EXIT_USAGE};
use crate::sample;
use hubspot_mock::{FaultRule, MockConfig, MockServer, TokenGrant};

/// The environment variable that holds the access token.
pub const TOKEN_VARIABLE: &str = "HUBSPOT_ACCESS_TOKEN";

/// Runs the HubSpot connector component in a sandboxed wasmtime host.
#[derive(Debug, Parser)]
#[command(name = "hubspot-harness", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Indent the JSON printed on stdout and stderr.
    #[arg(long, global = true)]
    pretty: bool,
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "\
Examples:
  hubspot-harness invoke create '{\"entity\": \"contacts\", \"properties\": {\"email\": \"jane@acme.com\"}}' --mock
  HUBSPOT_ACCESS_TOKEN=pat-na1-… hubspot-harness invoke test-connection --pretty
  hubspot-harness describe --pretty
  hubspot-harness mcp --mock                       # MCP over stdio, against an embedded mock
  hubspot-harness mcp --listen 127.0.0.1:8765      # MCP over Streamable HTTP at /mcp
  hubspot-harness mock --listen 127.0.0.1:8080
  RUST_LOG=debug hubspot-harness invoke read @input.json

Logs go to stderr, filtered by RUST_LOG (default: hubspot_harness=warn).";

const INVOKE_EXAMPLES: &str = "\
Examples:
  hubspot-harness invoke read '{\"entity\": \"contacts\", \"entityId\": \"101\", \"properties\": [\"email\"]}'
  echo '{\"entity\": \"deals\"}' | hubspot-harness invoke get-pipelines --pretty
  hubspot-harness invoke search @search.json --api-base http://127.0.0.1:8080
  hubspot-harness invoke test-connection --mock --mock-scopes crm.objects.contacts.read";

const MCP_EXAMPLES: &str = "\
Examples:
  HUBSPOT_ACCESS_TOKEN=pat-na1-… hubspot-harness mcp
  hubspot-harness mcp --mock
  hubspot-harness mcp --listen 127.0.0.1:8765
      then each MCP client sends its tenant's token: Authorization: Bearer pat-na1-…";

const MOCK_EXAMPLES: &str = "\
Examples:
  hubspot-harness mock --listen 127.0.0.1:8080
  hubspot-harness mock --token my-test-token --scopes crm.objects.contacts.read,crm.objects.contacts.write
  hubspot-harness mock --faults faults.json";

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one action and print HubSpot's JSON answer.
    ///
    /// The token comes from HUBSPOT_ACCESS_TOKEN (never from the command line,
    /// where other users could see it). Errors go to stderr as
    /// {"error": {"kind": …, "message": …}}; the exit code is 2 for usage
    /// errors and invalid input, 1 for errors from HubSpot or the network,
    /// 3 when the component itself failed.
    #[command(after_help = INVOKE_EXAMPLES)]
    Invoke(InvokeArgs),
    /// Print the tool catalog: every action with its JSON Schema and samples.
    #[command(after_help = "Example:\n  hubspot-harness describe --pretty")]
    Describe {
        /// Load this component instead of the embedded one.
        #[arg(long, value_name = "PATH")]
        component: Option<PathBuf>,
        /// Compile the component even if the compile cache holds it, and do not store it.
        #[arg(long)]
        no_cache: bool,
    },
    /// Serve every action as a Model Context Protocol tool.
    ///
    /// Over stdio by default, with the token from HUBSPOT_ACCESS_TOKEN (or
    /// --mock). With --listen, over Streamable HTTP at /mcp on a loopback
    /// address: each MCP request carries its tenant's token as
    /// `Authorization: Bearer …`, and a session keeps the token it was
    /// opened with.
    #[command(after_help = MCP_EXAMPLES)]
    Mcp(McpArgs),
    /// Serve the mock HubSpot API until interrupted.
    #[command(after_help = MOCK_EXAMPLES)]
    Mock {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The bearer token the mock accepts (default: the mock's built-in token).
        #[arg(long, value_name = "TOKEN")]
        token: Option<String>,
        /// Comma-separated scopes to grant the token (default: all).
        #[arg(long, value_name = "SCOPES", value_delimiter = ',')]
        scopes: Option<Vec<String>>,
        /// Inject faults: a JSON list of fault rules, such as
        /// [{"method": "POST", "times": 2, "fault": {"kind": "status", "status": 503}}].
        /// More can be added while it runs with POST /__mock/faults (GET lists them,
        /// DELETE clears them).
        #[arg(long, value_name = "FILE")]
        faults: Option<PathBuf>,
    },
    /// Run a realistic scenario through the component against the embedded mock.
    Demo,
}

#[derive(Debug, clap::Args)]
struct InvokeArgs {
    /// The action's name: create, read, update, archive, search, or any
    /// other that `hubspot-harness describe` lists (batch-create, associate,
    /// ...).
    action: String,
    /// The action's JSON input: JSON text, @FILE, or - (or nothing) for stdin.
    input: Option<String>,
    #[command(flatten)]
    target: Target,
    /// Also print {"debug": {...}} (requests sent, time taken) to stderr.
    #[arg(long)]
    debug: bool,
}

#[derive(Debug, clap::Args)]
struct McpArgs {
    /// Serve Streamable HTTP on this loopback address (port 0 picks a free
    /// one) instead of stdio; the endpoint's URL is printed as
    /// {"mcp": {"url": …}}.
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    #[command(flatten)]
    target: Target,
}

/// Where calls go and the sandbox they run in: what `invoke` and `mcp` share.
#[derive(Debug, clap::Args)]
struct Target {
    /// HubSpot's API base.
    #[arg(
        long,
        env = "HUBSPOT_API_BASE",
        value_name = "URL",
        default_value = DEFAULT_API_BASE
    )]
    api_base: String,
    /// HubSpot's API version: 2026-09 (the default), 2026-03 or v3. The
    /// component checks it and lists the accepted versions when it is not one.
    #[arg(long, env = "HUBSPOT_API_VERSION", value_name = "VERSION")]
    api_version: Option<String>,
    /// Run against an embedded mock HubSpot (with a few sample records:
    /// contacts 10000001-2, company 20000001, deal 30000001, pets 1001-2)
    /// instead of --api-base.
    #[arg(long)]
    mock: bool,
    /// With --mock: grant the token only these comma-separated scopes.
    #[arg(long, value_name = "SCOPES", value_delimiter = ',', requires = "mock")]
    mock_scopes: Option<Vec<String>>,
    /// Keep the token in the host: the component never sees it.
    #[arg(long)]
    host_credential: bool,
    /// Load this component instead of the embedded one.
    #[arg(long, value_name = "PATH")]
    component: Option<PathBuf>,
    /// Compile the component even if the compile cache holds it, and do not store it.
    /// The cache is in $HUBSPOT_HARNESS_CACHE_DIR, else $XDG_CACHE_HOME/hubspot-harness,
    /// else ~/.cache/hubspot-harness.
    #[arg(long)]
    no_cache: bool,
    /// Also trust the CA certificates in this PEM file for HTTPS (the built-in roots
    /// stay trusted).
    #[arg(long, value_name = "FILE")]
    extra_ca: Option<PathBuf>,
    /// Lower the ceiling on each request's connect, first-byte and between-bytes
    /// timeouts (default 10 s, 30 s, 30 s). Seconds, fractions allowed, or a duration
    /// such as 500ms.
    #[arg(long, value_name = "SECS", value_parser = parse_duration)]
    request_timeout: Option<Duration>,
    /// Stop the call after this long in all, retries included (default 45 s). Seconds,
    /// fractions allowed, or a duration such as 500ms.
    #[arg(long, value_name = "SECS", value_parser = parse_duration)]
    deadline: Option<Duration>,
}

/// A positive duration: seconds (`1.5`) or humantime (`500ms`).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = match text.trim().parse::<f64>() {
        Ok(seconds) => Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text}: {e}"))?,
        Err(_) => humantime::parse_duration(text).map_err(|e| format!("{text}: {e}"))?,
    };
    if duration.is_zero() {
        return Err("must be longer than zero".to_owned());
    }
    Ok(duration)
}

/// The default sandbox with the command line's timeouts.
fn sandbox_for(args: &Target) -> Sandbox {
    let defaults = Sandbox::default();
    let cap = |ceiling: Duration| args.request_timeout.map_or(ceiling, |asked| asked.min(ceiling));
    Sandbox {
        credential: if args.host_credential {
            Credential::Host
        } else {
            Credential::Guest
        },
        connect_timeout: cap(defaults.connect_timeout),
        first_byte_timeout: cap(defaults.first_byte_timeout),
        between_bytes_timeout: cap(defaults.between_bytes_timeout),
        wall_clock: args.deadline.unwrap_or(defaults.wall_clock),
        extra_ca: args.extra_ca.clone(),
        ..defaults
    }
}

/// Parses `args` and runs the command; returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    init_logs();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // --help and --version print as usual; mistakes are JSON like every other error.
        Err(error) if !error.use_stderr() => {
            let _ = error.print();
            return EXIT_OK;
        }
        Err(error) => {
            let message = error.render().to_string();
            return fail(EXIT_USAGE, &report::usage_json(message.trim()));
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return fail(EXIT_HOST, &report::usage_json(&format!("no async runtime: {error}"))),
    };
    PRETTY.store(cli.pretty, std::sync::atomic::Ordering::Relaxed);
    runtime.block_on(dispatch(cli.command))
}

/// `--pretty`, for every JSON the command prints.
static PRETTY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Logs to stderr through `tracing`, filtered by `RUST_LOG`. By default only
/// the harness's own warnings: the libraries' (wasmtime warns of every
/// refused connection) repeat what the error JSON already says.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("hubspot_harness=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

async fn dispatch(command: Command) -> i32 {
    match command {
        Command::Invoke(args) => invoke(args).await,
        Command::Mcp(args) => serve_mcp(args).await,
        Command::Describe { component, no_cache } => match load(component.as_ref(), Sandbox::default(), !no_cache) {
            Ok(connector) => match connector.describe().await {
                Ok(catalog) => print_json_text(&catalog),
                Err(error) => fail(EXIT_HOST, &report::call_error_json(&error)),
            },
            Err(code) => code,
        },
        Command::Mock {
            listen,
            token,
            scopes,
            faults,
        } => serve_mock(listen, token, scopes, faults.as_deref()).await,
        Command::Demo => {
            let mut stdout = std::io::stdout().lock();
            match crate::demo::run(&mut stdout).await {
                Ok(()) => EXIT_OK,
                Err(error) => fail(
                    EXIT_FAILED,
                    &json!({"error": {"kind": "demo", "message": error.to_string()}}),
                ),
            }
        }
    }
}

async fn invoke(args: InvokeArgs) -> i32 {
    let input = match read_input(args.input.as_deref()) {
        Ok(input) => input,
        Err(message) => return fail(EXIT_USAGE, &report::usage_json(&message)),
    };
    let (api_base, token, mock) = match endpoint(&args.target) {
        Ok(endpoint) => endpoint,
        Err(code) => return code,
    };
    let Some(token) = token else {
        return fail(EXIT_USAGE, &report::usage_json(&missing_token()));
    };
    let progress = Progress::start("loading the component");
    // One process runs one call: one instance slot is all it needs.
    let sandbox = Sandbox {
        instance_slots: Some(1),
        ..sandbox_for(&args.target)
    };
    let connector = match load_component(args.target.component.as_ref(), sandbox, !args.target.no_cache) {
        Ok(connector) => connector,
        Err(error) => {
            drop(progress);
            return fail(EXIT_HOST, &report::call_error_json(&error));
        }
    };
    let what = format!("{} via {api_base}", args.action);
    progress.set(&what);
    // Only a terminal shows progress; `Progress` draws nothing for a pipe.
    let connector = match progress.setter() {
        Some(set) => connector.with_observer(Arc::new(move |sent: &SentRequest| {
            set(&format!(
                "{what}: request {} ({} {})",
                sent.number, sent.method, sent.path
            ));
        })),
        None => connector,
    };
    let invocation = Invocation {
        connection: Connection {
            access_token: token,
            api_base: Some(api_base),
            api_version: args.target.api_version.clone(),
        },
        action: args.action,
        input,
    };
    tracing::debug!(action = %invocation.action, api_base = ?invocation.connection.api_base, "calling the component");
    let outcome = connector.invoke(&invocation).await;
    drop(progress);
    drop(mock);
    match outcome {
        Ok(call) => {
            if args.debug {
                let debug = json!({"debug": {
                    "requestsSent": call.requests_sent,
                    "requestsDenied": call.requests_denied,
                    "requestsDelayed": call.requests_delayed,
                    "connectionsOpened": connector.connections_opened(),
                    "component": connector.loaded().name(),
                    "elapsedMs": call.elapsed.as_millis(),
                }});
                let _ = writeln!(std::io::stderr(), "{}", render(&debug));
            }
            match call.result {
                Ok(output) => print_json_text(&output),
                Err(error) => fail(report::exit_code(&error), &report::error_json(&error)),
            }
        }
        Err(error) => fail(EXIT_HOST, &report::call_error_json(&error)),
    }
}

fn missing_token() -> String {
    format!(
        "set {TOKEN_VARIABLE} to a HubSpot Service Key (HubSpot: Settings > Integrations > \
         Service Keys), a legacy private app token or an OAuth access token, or pass --mock"
    )
}

/// The API base calls go to and the command's token (from the environment;
/// with --mock, the mock's token unless the environment names one), and the
/// embedded mock when --mock asks for one.
fn endpoint(target: &Target) -> Result<(String, Option<String>, Option<MockServer>), i32> {
    let token = std::env::var(TOKEN_VARIABLE).ok().filter(|token| !token.is_empty());
    if !target.mock {
        return Ok((target.api_base.clone(), token, None));
    }
    let token = token.unwrap_or_else(|| hubspot_mock::DEFAULT_TOKEN.to_owned());
    let scopes = target.mock_scopes.clone().unwrap_or_else(hubspot_mock::all_scopes);
    let config = MockConfig {
        tokens: vec![TokenGrant::private_app(token.clone(), scopes)],
        ..MockConfig::default()
    };
    let started = MockServer::start(config)
        .map_err(|error| format!("the mock could not start: {error}"))
        .and_then(|server| sample::seed(&server).map(|()| server));
    match started {
        Ok(server) => Ok((server.base_url(), Some(token), Some(server))),
        Err(message) => Err(fail(EXIT_HOST, &report::usage_json(&message))),
    }
}

async fn serve_mcp(args: McpArgs) -> i32 {
    if let Some(listen) = args.listen
        && let Err(message) = mcp::check_listen(listen)
    {
        return fail(EXIT_USAGE, &report::usage_json(&message));
    }
    let (api_base, token, _mock) = match endpoint(&args.target) {
        Ok(endpoint) => endpoint,
        Err(code) => return code,
    };
    let connector = match load(
        args.target.component.as_ref(),
        sandbox_for(&args.target),
        !args.target.no_cache,
    ) {
        Ok(connector) => connector,
        Err(code) => return code,
    };
    let shared = match mcp::Shared::new(connector, api_base, args.target.api_version.clone()).await {
        Ok(shared) => Arc::new(shared),
        Err(message) => return fail(EXIT_HOST, &report::usage_json(&message)),
    };
    let served = match args.listen {
        None => match token {
            Some(token) => mcp::serve_stdio(mcp::Session::with_token(shared, token)).await,
            None => return fail(EXIT_USAGE, &report::usage_json(&missing_token())),
        },
        Some(listen) => match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => {
                mcp::serve_http(shared, listener, |url| {
                    print_json_text(&json!({"mcp": {"url": url}}).to_string());
                    let _ = std::io::stdout().flush();
                })
                .await
            }
            Err(error) => Err(format!("could not listen on {listen}: {error}")),
        },
    };
    match served {
        Ok(()) => EXIT_OK,
        Err(message) => fail(EXIT_HOST, &report::usage_json(&message)),
    }
}

/// The connector, its compiled component from the user's compile cache
/// when `cached` (a cache that cannot be used only means compiling).
fn load(component: Option<&PathBuf>, sandbox: Sandbox, cached: bool) -> Result<Connector, i32> {
    load_component(component, sandbox, cached).map_err(|error| fail(EXIT_HOST, &report::call_error_json(&error)))
}

/// The component at `component`, or the embedded one, compiled for `sandbox`
/// or loaded from the compile cache.
fn load_component(component: Option<&PathBuf>, sandbox: Sandbox, cached: bool) -> Result<Connector, CallError> {
    let bytes = match component {
        None => std::borrow::Cow::Borrowed(hubspot_harness::COMPONENT),
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => std::borrow::Cow::Owned(bytes),
            Err(error) => return Err(CallError::Load(format!("{}: {error}", path.display()))),
        },
    };
    match CompileCache::user().filter(|_| cached) {
        Some(cache) => Connector::with_cache(&bytes, sandbox, &cache),
        None => Connector::new(&bytes, sandbox),
    }
}

/// The input as given: JSON text, `@FILE`, or `-`/nothing for stdin (an
/// interactive terminal counts as no input).
fn read_input(input: Option<&str>) -> Result<String, String> {
    match input {
        Some("-") | None => {
            let stdin = std::io::stdin();
            if input.is_none() && stdin.is_terminal() {
                return Ok(String::new());
            }
            let mut text = String::new();
            stdin
                .lock()
                .read_to_string(&mut text)
                .map_err(|e| format!("stdin could not be read: {e}"))?;
            Ok(text)
        }
        Some(argument) => match argument.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{path} could not be read: {e}")),
            None => Ok(argument.to_owned()),
        },
    }
}

async fn serve_mock(
    listen: SocketAddr,
    token: Option<String>,
    scopes: Option<Vec<String>>,
    faults: Option<&Path>,
) -> i32 {
    let rules = match faults.map(read_faults).transpose() {
        Ok(rules) => rules.unwrap_or_default(),
        Err(message) => return fail(EXIT_USAGE, &report::usage_json(&message)),
    };
    let token = token.unwrap_or_else(|| hubspot_mock::DEFAULT_TOKEN.to_owned());
    let scopes = scopes.unwrap_or_else(hubspot_mock::all_scopes);
    let config = MockConfig {
        listen,
        tokens: vec![TokenGrant::private_app(token, scopes)],
        ..MockConfig::default()
    };
    let server = match MockServer::start(config) {
        Ok(server) => server,
        Err(error) => {
            return fail(
                EXIT_HOST,
                &report::usage_json(&format!("the mock could not listen on {listen}: {error}")),
            );
        }
    };
    if let Err(message) = sample::seed(&server) {
        return fail(EXIT_HOST, &report::usage_json(&message));
    }
    server.add_faults(rules);
    println!("{}", json!({"mock": {"apiBase": server.base_url()}}));
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown();
    EXIT_OK
}

/// The fault rules in `path`, a JSON list.
fn read_faults(path: &Path) -> Result<Vec<FaultRule>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{} could not be read: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not a JSON list of fault rules: {e}", path.display()))
}

fn print_json_text(text: &str) -> i32 {
    let text = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) if PRETTY.load(std::sync::atomic::Ordering::Relaxed) => render(&value),
        _ => text.to_owned(),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    EXIT_OK
}

fn fail(code: i32, error: &serde_json::Value) -> i32 {
    let _ = writeln!(std::io::stderr(), "{}", render(error));
    code
}

/// JSON on one line, or indented with --pretty.
fn render(value: &serde_json::Value) -> String {
    if PRETTY.load(std::sync::atomic::Ordering::Relaxed) {
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox_of(args: &[&str]) -> Sandbox {
        let cli = Cli::try_parse_from(["hubspot-harness", "invoke", "read"].iter().chain(args)).unwrap();
        match cli.command {
            Command::Invoke(args) => sandbox_for(&args.target),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn durations_are_seconds_or_humantime_and_positive() {
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        for wrong in ["0", "-1", "soon", "NaN"] {
            assert!(parse_duration(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn request_timeout_lowers_the_ceilings_and_deadline_sets_the_wall_clock() {
        let defaults = Sandbox::default();
        assert_eq!(sandbox_of(&[]), defaults);
        let lowered = sandbox_of(&["--request-timeout", "0.5", "--deadline", "8"]);
        assert_eq!(lowered.connect_timeout, Duration::from_millis(500));
        assert_eq!(lowered.first_byte_timeout, Duration::from_millis(500));
        assert_eq!(lowered.between_bytes_timeout, Duration::from_millis(500));
        assert_eq!(lowered.wall_clock, Duration::from_secs(8));
        let high = sandbox_of(&["--request-timeout", "600"]);
        assert_eq!(high.first_byte_timeout, defaults.first_byte_timeout);
        assert_eq!(high.connect_timeout, defaults.connect_timeout);
    }
}
