//! Any status, headers and body → `response::interpret`.
//!
//! The input is a response in text form (`STATUS [ATTEMPTS]`, header lines,
//! a blank line, the body; see `parse_response`). Nothing may panic; a 2xx
//! is success or a malformed-response error carrying the status; anything
//! else is the typed error for its status, carrying status and attempts,
//! with a bounded copy of the body.
#![no_main]

use hubspot_connector::response::interpret;
use hubspot_connector_fuzz::{check_interpretation, parse_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (response, attempts) = parse_response(data);
    let result = interpret(response.clone(), attempts);
    if let Err(reason) = check_interpretation(&response, attempts, &result) {
        panic!("{reason}\nresponse: {response:?}\nresult: {result:?}");
    }
    if let Err(error) = &result {
        // Formatting must not panic either: the component shows it to the agent.
        let _ = error.to_string();
    }
});
