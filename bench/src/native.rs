//! The native client the component is compared with: the connector's own
//! pure logic (`hubspot_connector::tool::invoke`) over a [`Transport`] that
//! sends through one hyper HTTP/1.1 keep-alive connection per origin.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hubspot_connector::error::TransportFailure;
use hubspot_connector::http::HttpResponse;
use hubspot_connector::transport::{Delivery, Outgoing, SendError, Transport};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// A blocking transport over a keep-alive connection, driven by a runtime
/// of its own (the pure logic's transport is synchronous, as in the guest).
#[derive(Debug)]
pub struct NativeTransport {
    runtime: tokio::runtime::Runtime,
    connection: Option<(String, SendRequest<Full<Bytes>>)>,
    started: Instant,
    /// Connections opened so far.
    pub opened: u32,
}

impl NativeTransport {
    /// A transport with no connection yet.
    pub fn new() -> std::io::Result<Self> {
        Ok(Self {
            runtime: tokio::runtime::Builder::new_current_thread().enable_all().build()?,
            connection: None,
            started: Instant::now(),
            opened: 0,
        })
    }

    /// The keep-alive connection to `authority`, opened if there is none
    /// that can take a request.
    async fn sender<'a>(
        connection: &'a mut Option<(String, SendRequest<Full<Bytes>>)>,
        opened: &mut u32,
        authority: &str,
    ) -> Result<&'a mut SendRequest<Full<Bytes>>, String> {
        let reusable = match connection.as_mut() {
            Some((open_to, sender)) => open_to == authority && sender.ready().await.is_ok(),
            None => false,
        };
        if !reusable {
            let stream = tokio::net::TcpStream::connect(authority)
                .await
                .map_err(|error| error.to_string())?;
            let _ = stream.set_nodelay(true);
            let (sender, driver) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|error| error.to_string())?;
            tokio::spawn(driver);
            *opened += 1;
            *connection = Some((authority.to_owned(), sender));
        }
        connection
            .as_mut()
            .map(|(_, sender)| sender)
            .ok_or_else(|| "no connection".to_owned())
    }
}

fn failed(message: String) -> SendError {
    SendError {
        kind: TransportFailure::Connection,
        message,
        delivery: Delivery::MaybeSent,
    }
}

impl Transport for NativeTransport {
    fn send(&mut self, request: &Outgoing<'_>) -> Result<HttpResponse, SendError> {
        let uri: http::Uri = request.url.parse().map_err(|error| failed(format!("{error}")))?;
        let authority = uri.authority().map(|a| a.to_string()).unwrap_or_default();
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let mut builder = http::Request::builder()
            .method(request.method.as_str())
            .uri(path)
            .header("host", &authority);
        for (name, value) in request.headers {
            builder = builder.header(*name, value);
        }
        let body = Full::new(Bytes::copy_from_slice(request.body.unwrap_or_default()));
        let outgoing = builder.body(body).map_err(|error| failed(error.to_string()))?;
        let Self {
            runtime,
            connection,
            opened,
            ..
        } = self;
        runtime.block_on(async {
            let sender = Self::sender(connection, opened, &authority).await.map_err(failed)?;
            let response = sender
                .send_request(outgoing)
                .await
                .map_err(|error| failed(error.to_string()))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|error| failed(error.to_string()))?
                .to_bytes()
                .to_vec();
            Ok(HttpResponse { status, headers, body })
        })
    }

    fn sleep(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }

    fn now(&mut self) -> Duration {
        self.started.elapsed()
    }

    fn random(&mut self) -> u64 {
        0
    }
}
