//! Child processes the suite runs hosts in (`wasmtime serve`, Node.js): killed
//! when the test ends, however it ends, with their output kept for failure messages.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of tests: a panic here is a failed test"
)]

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

/// A running child; dropping it kills it.
pub struct Running {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    /// Starts `command` with stdin and stdout piped and stderr collected.
    pub fn start(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("{command:?} could not start: {error}"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let collected = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read @ 1..) = pipe.read(&mut buffer) {
                let text = String::from_utf8_lossy(&buffer[..read]).into_owned();
                collected.lock().map(|mut all| all.push_str(&text)).ok();
            }
        });
        Self { child, stderr }
    }

    /// What the child wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|all| all.clone()).unwrap_or_default()
    }

    /// Whether the child has ended, and how.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The child's stdin, to write requests to.
    pub fn stdin(&mut self) -> &mut std::process::ChildStdin {
        self.child.stdin.as_mut().expect("stdin is piped")
    }

    /// The child's stdout as lines.
    pub fn stdout_lines(&mut self) -> BufReader<ChildStdout> {
        BufReader::new(self.child.stdout.take().expect("stdout is piped and taken once"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a loopback port can be bound");
    listener.local_addr().expect("a bound listener has an address").port()
}

/// Reads one line, or says what the child printed before it ended.
pub fn read_line(lines: &mut BufReader<ChildStdout>, child: &Running, waiting_for: &str) -> String {
    let mut line = String::new();
    match lines.read_line(&mut line) {
        Ok(1..) => line,
        _ => panic!(
            "the child ended while the test waited for {waiting_for}; its stderr:\n{}",
            child.stderr()
        ),
    }
}
