//! Runs one case: a fresh mock with the case's faults, the harness binary
//! against it, and every check the case asks for.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use hubspot_mock::{MockConfig, MockServer, TokenGrant};
use serde_json::Value;

use super::*;
use crate::TOKEN_VARIABLE;
use crate::artifacts::harness_command;

/// What one harness run produced.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs the harness for `case` against `base`, killing it if it outlives the case's bound.
fn run_harness(case: &Case, base: &str) -> Result<Run, String> {
    let started = Instant::now();
    let mut child = harness_command()
        .args(["invoke", case.action, "-", "--api-base", base, "--debug"])
        .arg("--request-timeout")
        .arg(case.request_timeout.as_secs_f64().to_string())
        .arg("--deadline")
        .arg(DEADLINE.as_secs_f64().to_string())
        .env(TOKEN_VARIABLE, &case.token)
        .env_remove("HUBSPOT_API_BASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the harness did not start: {e}"))?;
    let input = case.input.clone();
    let mut stdin = child.stdin.take().ok_or("stdin is not piped")?;
    // The harness may refuse before reading everything; a broken pipe is then fine.
    let writer = thread::spawn(move || drop(stdin.write_all(input.as_bytes())));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    // Compiling the component takes a while on a loaded machine; the call itself is
    // bounded by the case.
    let code = wait_at_most(&mut child, case.at_most + secs(30));
    let _ = writer.join();
    Ok(Run {
        code,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// The exit code, or `None` if the process had to be killed.
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(millis(10));
    }
}

/// Runs `case` and checks everything it must show; `Err` says what was wrong.
pub fn check(case: &Case) -> Result<(), String> {
    let config = MockConfig {
        tokens: vec![TokenGrant::private_app(TOKEN, hubspot_mock::all_scopes())],
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).map_err(|e| format!("the mock did not start: {e}"))?;
    mock.seed_record(
        "contacts",
        SEEDED_ID,
        &[("email", "ann@example.com"), ("firstname", "Ann")],
    )
    .map_err(|e| e.to_string())?;
    let seeded = mock.record_count("contacts", true);
    mock.add_faults(case.rules.clone());
    let base = match case.target {
        Target::Mock => mock.base_url(),
        Target::Refused => refused_base()?,
    };
    let run = run_harness(case, &base)?;
    let context = || format!("{run:#?}");
    let fail = |what: String| Err(format!("{what}\n{}", context()));

    let Some(code) = run.code else {
        return fail(format!("still running after {:?}; killed", run.elapsed));
    };
    if run.stdout.contains(TOKEN) || run.stderr.contains(TOKEN) {
        return fail("the token leaked".to_owned());
    }
    let lines: Vec<&str> = run.stderr.lines().collect();
    let debug: Value = lines
        .first()
        .and_then(|line| serde_json::from_str(line).ok())
        .unwrap_or(Value::Null);
    let (Some(sent), Some(elapsed_ms)) = (
        debug["debug"]["requestsSent"].as_u64(),
        debug["debug"]["elapsedMs"].as_u64(),
    ) else {
        return fail("no --debug line on stderr".to_owned());
    };
    // The call's own time, without the process start and the component's compilation.
    let elapsed = millis(elapsed_ms);
    if elapsed < case.at_least || elapsed > case.at_most {
        return fail(format!(
            "the call took {elapsed:?}, expected {:?} to {:?}",
            case.at_least, case.at_most
        ));
    }
    if sent != u64::from(case.attempts) {
        return fail(format!("requestsSent {sent}, expected {}", case.attempts));
    }
    match &case.expect {
        Expect::Ok => {
            if code != 0 || lines.len() != 1 {
                return fail(format!("expected success, exit code {code}"));
            }
            if !serde_json::from_str::<Value>(&run.stdout).is_ok_and(|v| v.is_object()) {
                return fail("stdout is not a JSON object".to_owned());
            }
        }
        expected => {
            let error: Value = lines
                .last()
                .and_then(|line| serde_json::from_str(line).ok())
                .unwrap_or(Value::Null);
            let error = &error["error"];
            let wanted_code = if matches!(expected, Expect::InvalidInput(_)) {
                2
            } else {
                1
            };
            if code != wanted_code || !run.stdout.is_empty() {
                return fail(format!("exit code {code}, expected {wanted_code} and no stdout"));
            }
            if let Err(problem) = error_matches(expected, error) {
                return fail(problem);
            }
            let attempts = error["attempts"].as_u64().unwrap_or(0);
            if attempts != u64::from(case.attempts) {
                return fail(format!("error.attempts {attempts}, expected {}", case.attempts));
            }
        }
    }
    let requests = mock.requests();
    if requests.len() != case.mock_saw {
        return fail(format!(
            "the mock saw {} requests, expected {}",
            requests.len(),
            case.mock_saw
        ));
    }
    if let Some(created) = case.created {
        let now = mock.record_count("contacts", true);
        if now != seeded + created {
            return fail(format!("{} records created, expected {created}", now - seeded));
        }
    }
    if let Some(inspect) = case.inspect {
        inspect(&requests).or_else(fail)?;
    }
    Ok(())
}

fn error_matches(expected: &Expect, error: &Value) -> Result<(), String> {
    let kind = error["kind"].as_str().unwrap_or_default();
    let ok = match expected {
        Expect::Ok => false,
        Expect::RateLimited { policy, retry_after_ms } => {
            kind == "rate-limited"
                && error["status"] == 429
                && error["policy"] == *policy
                && error["retryAfterMs"].as_u64() == *retry_after_ms
        }
        Expect::HubSpot(status) => kind == "hubspot" && error["status"] == *status,
        Expect::NotFound => kind == "not-found" && error["status"] == 404,
        Expect::Transport(failure) => kind == "transport" && error["failure"] == *failure,
        Expect::InvalidInput(path) => kind == "invalid-input" && error["path"] == *path,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {}, got {error}", expected.describe()))
    }
}

/// `http://127.0.0.1:PORT` with nothing listening on the port.
fn refused_base() -> Result<String, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    drop(listener);
    Ok(format!("http://127.0.0.1:{port}"))
}

/// Runs every case, several at once; the outcome of each, in order.
pub fn run_all(cases: &[Case]) -> Vec<Result<(), String>> {
    // The slowest cases first, so that the waits overlap.
    let mut order: Vec<(usize, &Case)> = cases.iter().enumerate().collect();
    order.sort_by_key(|(_, case)| std::cmp::Reverse((case.at_least, case.attempts)));
    let queue = Mutex::new(order.into_iter().collect::<VecDeque<_>>());
    let results = Mutex::new(vec![None; cases.len()]);
    thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut queue| queue.pop_front());
                    let Ok(Some((index, case))) = next else { break };
                    let outcome = check(case);
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some(outcome);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|| Err("not run".to_owned())))
        .collect()
}
