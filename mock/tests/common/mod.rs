//! A minimal HTTP/1.1 client over `std::net::TcpStream` for talking to the mock in
//! tests: one request per call, or several over one kept-alive connection.

#![allow(dead_code, reason = "each test binary uses a different part of these helpers")]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;

/// A received response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The first value of a header, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One connection to the server, kept alive between requests.
pub struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    pub fn open(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let writer = stream.try_clone()?;
        Ok(Self {
            reader: BufReader::new(stream),
            writer,
        })
    }

    /// Send raw bytes (for malformed-request tests).
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// Send a request and read its response.
    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> io::Result<Reply> {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: mock\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        self.writer.write_all(head.as_bytes())?;
        if let Some(body) = body {
            self.writer.write_all(body)?;
        }
        self.read_reply(method == "HEAD")
    }

    /// Read one response.
    pub fn read_reply(&mut self, head_only: bool) -> io::Result<Reply> {
        let mut status_line = String::new();
        if self.reader.read_line(&mut status_line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, status_line.clone()))?;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let find = |name: &str| {
            headers
                .iter()
                .find(|(header, _)| header == name)
                .map(|(_, value)| value.clone())
        };
        let mut body = Vec::new();
        if head_only || status == 204 || status == 304 {
        } else if let Some(length) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(length, 0);
            self.reader.read_exact(&mut body)?;
        } else if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            loop {
                let mut size_line = String::new();
                self.reader.read_line(&mut size_line)?;
                let size = usize::from_str_radix(size_line.trim(), 16)
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, size_line.clone()))?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            self.reader.read_to_end(&mut body)?;
        }
        Ok(Reply { status, headers, body })
    }
}

/// A client that opens one connection per request and sends a bearer token.
#[derive(Clone, Debug)]
pub struct Client {
    pub addr: SocketAddr,
    pub token: Option<String>,
    /// The API version requests go through: `/crm/v3/…` paths are sent as the same path
    /// of this version.
    pub version: &'static str,
}

/// `v3_path` (`/crm/v3/{family}/{rest}`) as `version` spells it: unchanged for `v3`,
/// `/crm/{family}/{version}/{rest}` for a date-based version. Other paths are unchanged.
pub fn versioned_path(version: &str, v3_path: &str) -> String {
    if version == "v3" {
        return v3_path.to_owned();
    }
    match v3_path.strip_prefix("/crm/v3/").and_then(|rest| rest.split_once('/')) {
        Some((family, rest)) => format!("/crm/{family}/{version}/{rest}"),
        None => v3_path.to_owned(),
    }
}

impl Client {
    pub fn new(addr: SocketAddr, token: &str) -> Self {
        Self {
            addr,
            token: Some(token.to_owned()),
            version: "v3",
        }
    }

    pub fn anonymous(addr: SocketAddr) -> Self {
        Self {
            addr,
            token: None,
            version: "v3",
        }
    }

    /// The same client, sending `/crm/v3/…` paths through `version`.
    pub fn at(&self, version: &'static str) -> Self {
        Self {
            version,
            ..self.clone()
        }
    }

    pub fn send(&self, method: &str, target: &str, body: Option<&[u8]>) -> Reply {
        let target = &versioned_path(self.version, target);
        let authorization = self.token.as_ref().map(|token| format!("Bearer {token}"));
        let mut headers = vec![("Connection", "close")];
        if let Some(value) = &authorization {
            headers.push(("Authorization", value.as_str()));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        Connection::open(self.addr)
            .and_then(|mut connection| connection.request(method, target, &headers, body))
            .unwrap_or_else(|error| panic!("{method} {target}: {error}"))
    }

    pub fn get(&self, target: &str) -> Reply {
        self.send("GET", target, None)
    }

    pub fn delete(&self, target: &str) -> Reply {
        self.send("DELETE", target, None)
    }

    pub fn post(&self, target: &str, body: &Value) -> Reply {
        self.send("POST", target, Some(body.to_string().as_bytes()))
    }

    pub fn patch(&self, target: &str, body: &Value) -> Reply {
        self.send("PATCH", target, Some(body.to_string().as_bytes()))
    }
}
