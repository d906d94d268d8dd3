//! Loads the component once and runs each call in a fresh, limited store:
//! compile, pre-instantiate, then per call a new store with its own outbound
//! policy, memory cap, CPU budget and wall-clock deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::component::{Component, Instance, InstancePre, Linker};
use wasmtime::{Engine, Store, UpdateDeadline};

use crate::cache::{CompileCache, Loaded};
use crate::call_state::CallState;
use crate::observer::RequestObserver;
use crate::outbound::{Counters, Origin, Outbound};
use crate::pool::Pool;
use crate::rate_budget::RateBudget;
use crate::sandbox::{Credential, Sandbox};

#[expect(missing_docs, reason = "bindgen-generated code; the WIT files document it")]
pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "connector",
        exports: { default: async },
        additional_derives: [PartialEq, Eq],
        with: {
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
            "wasi:random": wasmtime_wasi::p2::bindings::random,
        },
    });
}

use bindings::exports::connector::hubspot::crm::{Guest as CrmGuest, GuestIndices as CrmIndices};
use bindings::exports::connector::hubspot::tool::{Guest as ToolGuest, GuestIndices as ToolIndices};
use bindings::exports::connector::hubspot::types::{Connection, Error as WitError};

/// The connector component this crate was built with (the `plugin` crate
/// compiled for `wasm32-wasip2` by `build.rs`).
pub const COMPONENT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hubspot_connector.wasm"));

/// How often the epoch advances; the unit of the CPU budget.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// A compiled, pre-instantiated connector component and the sandbox its
/// calls run in. Cheap to share: calls take `&self`.
pub struct Connector {
    engine: Engine,
    pre: InstancePre<CallState>,
    /// Where each interface's functions are in the component, found once.
    /// A call looks up (and type-checks) only the interface it uses: the
    /// typed `crm` interface has dozens of functions with large types, and
    /// checking them all would cost every `tool` call tens of microseconds.
    tool: ToolIndices,
    crm: CrmIndices,
    sandbox: Sandbox,
    /// The keep-alive client every call's requests go through.
    pool: Arc<Pool>,
    /// With the pooling allocator: one permit per instance slot, so calls
    /// beyond the slots wait instead of failing to instantiate.
    slots: Option<Arc<tokio::sync::Semaphore>>,
    loaded: Loaded,
    /// Shared by all calls: HubSpot's limits are per account, not per call.
    budget: Option<Arc<RateBudget>>,
    /// Told of every request any call sends.
    observer: Option<RequestObserver>,
    _ticker: EpochTicker,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}

/// One action to run through `tool.invoke`.
#[derive(Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The tenant's connection.
    pub connection: Connection,
    /// The action's name, such as `create`.
    pub action: String,
    /// The action's JSON input.
    pub input: String,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("api_base", &self.connection.api_base)
            .field("api_version", &self.connection.api_version)
            .field("action", &self.action)
            .field("input", &self.input)
            .finish_non_exhaustive()
    }
}

/// A finished call: the component's answer and what the host observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call<T> {
    /// What the component returned.
    pub result: Result<T, WitError>,
    /// Requests the host let through to the API base.
    pub requests_sent: u32,
    /// Requests the host refused.
    pub requests_denied: u32,
    /// Requests that waited for the account's rate budget.
    pub requests_delayed: u32,
    /// Wall-clock time of the call.
    pub elapsed: Duration,
}

/// A call that did not complete: the component could not be run, or it
/// broke the sandbox's limits. Other calls are unaffected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The component could not be compiled or instantiated.
    #[error("the component could not be loaded: {0}")]
    Load(String),
    /// The component trapped (a panic, an invalid operation). `guest_output`
    /// is what it printed to stderr, with the token removed.
    #[error("the component trapped: {message}")]
    Trap {
        /// The trap.
        message: String,
        /// The guest's stderr.
        guest_output: String,
    },
    /// The component used more CPU time than the sandbox allows.
    #[error("the component used more than {0:?} of CPU time")]
    CpuBudget(Duration),
    /// The call took longer than the sandbox allows.
    #[error("the call took longer than {0:?}")]
    WallClock(Duration),
    /// The component asked for more memory than the sandbox allows.
    #[error("the component asked for more than {0} bytes of memory")]
    Memory(usize),
}

impl CallError {
    /// A short, stable name of the variant, such as `cpu-budget`, for logs
    /// and machine-readable reports.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Load(_) => "load",
            Self::Trap { .. } => "trap",
            Self::CpuBudget(_) => "cpu-budget",
            Self::WallClock(_) => "wall-clock",
            Self::Memory(_) => "memory",
        }
    }
}

impl Connector {
    /// Compiles `component` (a component binary) and prepares it for calls
    /// under `sandbox`.
    pub fn new(component: &[u8], sandbox: Sandbox) -> Result<Self, CallError> {
        Self::load(component, sandbox, None)
    }

    /// Like [`Connector::new`], but loads the compiled component from `cache`
    /// when it holds it, and stores it there otherwise.
    pub fn with_cache(component: &[u8], sandbox: Sandbox, cache: &CompileCache) -> Result<Self, CallError> {
        Self::load(component, sandbox, Some(cache))
    }

    fn load(component: &[u8], sandbox: Sandbox, cache: Option<&CompileCache>) -> Result<Self, CallError> {
        let load = |error: wasmtime::Error| CallError::Load(format!("{error:#}"));
        let pool = Pool::new(sandbox.extra_ca.as_deref()).map_err(|error| CallError::Load(error.to_string()))?;
        let engine = Engine::new(&crate::allocation::config(&sandbox)).map_err(load)?;
        let (component, loaded) = match cache {
            Some(cache) => cache.load(&engine, component).map_err(load)?,
            None => (Component::new(&engine, component).map_err(load)?, Loaded::Compiled),
        };
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(load)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).map_err(load)?;
        let pre = linker.instantiate_pre(&component).map_err(load)?;
        let tool = ToolIndices::new(&pre).map_err(load)?;
        let crm = CrmIndices::new(&pre).map_err(load)?;
        let ticker = EpochTicker::start(engine.clone())
            .map_err(|error| CallError::Load(format!("the epoch thread could not start: {error}")))?;
        let slots = sandbox
            .instance_slots
            .filter(|slots| *slots > 0)
            .map(|slots| Arc::new(tokio::sync::Semaphore::new(slots as usize)));
        Ok(Self {
            engine,
            pre,
            tool,
            crm,
            budget: sandbox.rate_limits.map(|limits| Arc::new(RateBudget::new(limits))),
            observer: None,
            sandbox,
            pool: Arc::new(pool),
            slots,
            loaded,
            _ticker: ticker,
        })
    }

    /// How the compiled component was obtained: compiled, or from the cache.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// Connections the shared client has opened so far, over all calls: with
    /// keep-alive, far fewer than the requests sent.
    pub fn connections_opened(&self) -> u64 {
        self.pool.opened()
    }

    /// The component this crate embeds, under `sandbox`.
    pub fn embedded(sandbox: Sandbox) -> Result<Self, CallError> {
        Self::new(COMPONENT, sandbox)
    }

    /// The sandbox calls run in.
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Tells `observer` of every request a call lets through, as it goes
    /// out: what a long call (a batch of many chunks) needs to show progress.
    #[must_use]
    pub fn with_observer(self, observer: RequestObserver) -> Self {
        Self {
            observer: Some(observer),
            ..self
        }
    }

    /// Runs `tool.invoke`.
    pub async fn invoke(&self, invocation: &Invocation) -> Result<Call<String>, CallError> {
        let Invocation {
            connection,
            action,
            input,
        } = invocation;
        let (guest_connection, token) = self.split_credential(connection);
        let action = action.clone();
        let input = input.clone();
        self.run(Some(connection), token, move |this, instance, store| {
            Box::pin(async move {
                this.tool(instance, store)?
                    .call_invoke(store, &guest_connection, &action, &input)
                    .await
            })
        })
        .await
    }

    /// Runs `tool.describe`.
    pub async fn describe(&self) -> Result<String, CallError> {
        let call = self
            .run(None, None, |this, instance, store| {
                Box::pin(async move { this.tool(instance, store)?.call_describe(store).await.map(Ok) })
            })
            .await?;
        Ok(call.result.unwrap_or_default())
    }

    /// Runs one function of the typed `crm` interface. `call` receives the
    /// interface, the store, and the connection to pass on (its token removed
    /// in host-credential mode).
    pub async fn crm<T, F>(&self, connection: &Connection, call: F) -> Result<Call<T>, CallError>
    where
        T: Send + 'static,
        F: for<'a> FnOnce(
                &'a CrmGuest,
                &'a mut Store<CallState>,
                Connection,
            ) -> BoxFuture<'a, wasmtime::Result<Result<T, WitError>>>
            + Send
            + 'static,
    {
        let (guest_connection, token) = self.split_credential(connection);
        self.run(Some(connection), token, move |this, instance, store| {
            Box::pin(async move {
                let crm = this.crm.load(&mut *store, instance)?;
                call(&crm, store, guest_connection).await
            })
        })
        .await
    }

    fn tool(&self, instance: &Instance, store: &mut Store<CallState>) -> wasmtime::Result<ToolGuest> {
        self.tool.load(store, instance)
    }

    /// The connection the guest gets, and the token the host keeps.
    fn split_credential(&self, connection: &Connection) -> (Connection, Option<String>) {
        match self.sandbox.credential {
            Credential::Guest => (connection.clone(), None),
            Credential::Host => (
                Connection {
                    access_token: String::new(),
                    ..connection.clone()
                },
                Some(connection.access_token.clone()).filter(|token| !token.is_empty()),
            ),
        }
    }

    /// Instantiates the component in a fresh store under the sandbox, as
    /// every call does, and drops it without calling any of its exports: a
    /// readiness check for a host, and what a benchmark times as the
    /// per-call instantiation. Returns how long it took.
    pub async fn instantiate(&self) -> Result<Duration, CallError> {
        let call = self.run(None, None, |_, _, _| Box::pin(async { Ok(Ok(())) })).await?;
        Ok(call.elapsed)
    }

    async fn run<T, F>(
        &self,
        connection: Option<&Connection>,
        host_token: Option<String>,
        call: F,
    ) -> Result<Call<T>, CallError>
    where
        F: for<'a> FnOnce(
            &'a Self,
            &'a Instance,
            &'a mut Store<CallState>,
        ) -> BoxFuture<'a, wasmtime::Result<Result<T, WitError>>>,
    {
        let started = Instant::now();
        let wall_clock = self.sandbox.wall_clock;
        // Declared before the store, so dropped after it: the slot is free
        // only once the instance in it is gone.
        let _slot = match &self.slots {
            Some(slots) => Some(
                tokio::time::timeout(wall_clock, Arc::clone(slots).acquire_owned())
                    .await
                    .map_err(|_| CallError::WallClock(wall_clock))?
                    .map_err(|_| CallError::Load("the instance slots are closed".to_owned()))?,
            ),
            None => None,
        };
        let secret = connection
            .map(|c| c.access_token.clone())
            .filter(|token| !token.is_empty());
        let allowed =
            connection.and_then(|c| Origin::parse(c.api_base.as_deref().unwrap_or(&self.sandbox.default_api_base)));
        let counters = Arc::new(Counters::default());
        let outbound = Outbound::new(
            &self.sandbox,
            allowed,
            host_token.as_deref(),
            Arc::clone(&counters),
            Arc::clone(&self.pool),
        )
        .with_budget(self.budget.clone(), started + self.sandbox.wall_clock)
        .with_observer(self.observer.clone());
        let stderr = CallState::stderr_pipe();
        let mut store = Store::new(&self.engine, CallState::new(&self.sandbox, outbound, stderr.clone()));
        store.limiter(|state| &mut state.limits);
        let cpu_budget = self.sandbox.cpu_time;
        let budget_ticks = ticks(cpu_budget);
        let mut used_ticks = 0u64;
        let cpu_exhausted = Arc::new(AtomicBool::new(false));
        let exhausted = Arc::clone(&cpu_exhausted);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            // Called only while guest code runs past a tick, so the count
            // approximates the CPU time the guest used.
            used_ticks += 1;
            if used_ticks > budget_ticks {
                exhausted.store(true, Ordering::Relaxed);
                Err(wasmtime::format_err!("the CPU budget of {cpu_budget:?} is used up"))
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });

        let outcome = tokio::time::timeout(wall_clock.saturating_sub(started.elapsed()), async {
            let instance = self.pre.instantiate_async(&mut store).await?;
            call(self, &instance, &mut store).await
        })
        .await;
        let redact = |text: String| match &secret {
            Some(token) => text.replace(token.as_str(), "<redacted>"),
            None => text,
        };
        let result = match outcome {
            Err(_elapsed) => return Err(CallError::WallClock(wall_clock)),
            Ok(Ok(result)) => result,
            Ok(Err(error)) => {
                let message = redact(format!("{error:#}"));
                return Err(if store.data().limits.exceeded {
                    CallError::Memory(self.sandbox.memory_bytes)
                } else if cpu_exhausted.load(Ordering::Relaxed) {
                    CallError::CpuBudget(cpu_budget)
                } else {
                    let guest_output = redact(String::from_utf8_lossy(&stderr.contents()).into_owned());
                    CallError::Trap { message, guest_output }
                });
            }
        };
        Ok(Call {
            result,
            requests_sent: counters.sent.load(Ordering::Relaxed),
            requests_denied: counters.denied.load(Ordering::Relaxed),
            requests_delayed: counters.delayed.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
        })
    }
}

/// A boxed future that can cross threads, as the call closures return.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

fn ticks(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis() / EPOCH_TICK.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name("epoch-ticker".into()).spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
