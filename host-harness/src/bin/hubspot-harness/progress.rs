//! Progress on stderr for anything that takes longer than a second, when
//! stderr is a terminal: a spinner, what is happening and the time so far,
//! redrawn in place and erased when the work is done. Pipes and files get
//! nothing, so scripts and agents read only the JSON.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long work runs before progress shows.
const QUIET_FOR: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(100);
const SPINNER: [char; 4] = ['|', '/', '-', '\\'];
/// Carriage return, then erase the line.
const ERASE: &str = "\r\x1b[2K";

/// The progress line, shown until dropped.
#[derive(Debug)]
pub struct Progress {
    state: Option<(Arc<Mutex<Shown>>, tokio::task::JoinHandle<()>)>,
}

#[derive(Debug)]
struct Shown {
    what: String,
    drawn: bool,
}

impl Progress {
    /// Shows `what` after a second of work, if stderr is a terminal.
    pub fn start(what: &str) -> Self {
        Self::start_if(std::io::stderr().is_terminal(), what)
    }

    fn start_if(terminal: bool, what: &str) -> Self {
        if !terminal {
            return Self { state: None };
        }
        let shown = Arc::new(Mutex::new(Shown {
            what: what.to_owned(),
            drawn: false,
        }));
        let drawing = Arc::clone(&shown);
        let started = Instant::now();
        let task = tokio::spawn(async move {
            tokio::time::sleep(QUIET_FOR).await;
            let mut tick = 0usize;
            loop {
                {
                    let mut shown = drawing.lock().unwrap_or_else(PoisonError::into_inner);
                    let mut stderr = std::io::stderr().lock();
                    let _ = write!(stderr, "{ERASE}{}", line(&shown.what, started.elapsed(), tick));
                    let _ = stderr.flush();
                    shown.drawn = true;
                }
                tick = tick.wrapping_add(1);
                tokio::time::sleep(REDRAW_EVERY).await;
            }
        });
        Self {
            state: Some((shown, task)),
        }
    }

    /// A handle that changes what the line says, from any thread; `None`
    /// when nothing is shown (stderr is not a terminal).
    pub fn setter(&self) -> Option<impl Fn(&str) + Send + Sync + 'static> {
        let (shown, _) = self.state.as_ref()?;
        let shown = Arc::clone(shown);
        Some(move |what: &str| what.clone_into(&mut shown.lock().unwrap_or_else(PoisonError::into_inner).what))
    }

    /// Changes what the line says.
    pub fn set(&self, what: &str) {
        if let Some((shown, _)) = &self.state {
            what.clone_into(&mut shown.lock().unwrap_or_else(PoisonError::into_inner).what);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some((shown, task)) = self.state.take() {
            task.abort();
            // Taking the lock waits for a redraw under way to finish.
            let shown = shown.lock().unwrap_or_else(PoisonError::into_inner);
            if shown.drawn {
                let mut stderr = std::io::stderr().lock();
                let _ = write!(stderr, "{ERASE}");
                let _ = stderr.flush();
            }
        }
    }
}

/// One frame: spinner, what, seconds so far.
fn line(what: &str, elapsed: Duration, tick: usize) -> String {
    format!(
        "{} {what} ({:.1} s)",
        SPINNER[tick % SPINNER.len()],
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_turn_the_spinner_and_show_tenths_of_seconds() {
        assert_eq!(
            line("calling HubSpot", Duration::from_millis(1234), 0),
            "| calling HubSpot (1.2 s)"
        );
        assert_eq!(line("x", Duration::from_secs(2), 5), "/ x (2.0 s)");
    }

    #[tokio::test]
    async fn progress_stays_silent_when_stderr_is_not_a_terminal() {
        assert!(Progress::start_if(false, "work").state.is_none());
        let shown = Progress::start_if(true, "work");
        shown.set("more work");
        let (state, _) = shown.state.as_ref().unwrap();
        assert_eq!(state.lock().unwrap().what, "more work");
        // Dropped within the quiet second: nothing was drawn, nothing to erase.
        assert!(!state.lock().unwrap().drawn);
    }

    #[tokio::test]
    async fn progress_setters_exist_only_for_a_terminal() {
        assert!(Progress::start_if(false, "work").setter().is_none());
        let shown = Progress::start_if(true, "work");
        let set = shown.setter().unwrap();
        std::thread::spawn(move || set("request 3 (POST /x)")).join().unwrap();
        let (state, _) = shown.state.as_ref().unwrap();
        assert_eq!(state.lock().unwrap().what, "request 3 (POST /x)");
    }
}
