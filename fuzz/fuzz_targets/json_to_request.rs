//! JSON input → typed request → HTTP request, for any action and any bytes.
//!
//! The first byte picks the action (`'0'`..`'8'` in `ACTIONS` order), the
//! rest is the input, read as UTF-8 with invalid sequences replaced. Nothing
//! may panic; a rejection must be `invalid-input`; an accepted request must
//! pass `check_request` (fixed prefix, fully encoded single segments that
//! decode back to the input's values, no dot segments, known query keys only,
//! a JSON body that carries what the input said).
#![no_main]

use hubspot_connector::input;
use hubspot_connector_fuzz::{action_from_byte, check_rejection, check_request, v3};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let action = action_from_byte(first);
    let text = String::from_utf8_lossy(rest);
    let request = match input::parse(action, &text) {
        Ok(request) => request,
        Err(error) => {
            if let Err(reason) = check_rejection(&error) {
                panic!("{}: {reason}", action.name());
            }
            return;
        }
    };
    assert_eq!(request.action(), action, "parse changed the action");
    match request.to_http(v3()) {
        Ok(Some(http)) => {
            if let Err(reason) = check_request(&request, &http) {
                panic!("{}: {reason}\nrequest: {request:?}\nbuilt: {http:?}", action.name());
            }
        }
        Ok(None) => assert_eq!(
            action.name(),
            "test-connection",
            "only the connection test builds no request"
        ),
        Err(error) => {
            if let Err(reason) = check_rejection(&error) {
                panic!("{}: {reason}", action.name());
            }
        }
    }
});
