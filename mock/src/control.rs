//! The mock's own control endpoint under `/__mock/`, a prefix no HubSpot path has: it
//! programs faults in a standalone server. It needs no token, is not recorded in the
//! request log and is never itself subject to a fault.
//!
//! - `GET /__mock/faults`: `{"faults": [rule, …]}`, the rules that may still fire.
//! - `POST /__mock/faults` with a JSON list of rules ([`FaultRule`]): appends them,
//!   answers like `GET`; 400 with a message when the list does not parse.
//! - `DELETE /__mock/faults`: removes every rule, 204.

use serde_json::json;

use crate::faults::{Canned, FaultRule, FaultRules};
use crate::headers::JSON_CONTENT_TYPE;

/// Where the control endpoint lives.
pub(crate) const PREFIX: &str = "/__mock/";
/// The fault list.
const FAULTS_PATH: &str = "/__mock/faults";

/// Whether `path` is the control endpoint's rather than HubSpot's.
pub(crate) fn is_control(path: &str) -> bool {
    path.starts_with(PREFIX) || path == PREFIX.trim_end_matches('/')
}

/// Answers a control request.
pub(crate) fn handle(rules: &mut FaultRules, method: &str, path: &str, body: &[u8]) -> Canned {
    if path.trim_end_matches('/') != FAULTS_PATH {
        return reply(
            404,
            &json!({"status": "error", "message": format!("the mock has no control endpoint {path}; it has {FAULTS_PATH}")}),
        );
    }
    match method {
        "GET" => reply(200, &json!({ "faults": rules.active() })),
        "POST" => match serde_json::from_slice::<Vec<FaultRule>>(body) {
            Ok(added) => {
                rules.add(added);
                reply(200, &json!({ "faults": rules.active() }))
            }
            Err(error) => reply(
                400,
                &json!({"status": "error", "message": format!("the body must be a JSON list of fault rules: {error}")}),
            ),
        },
        "DELETE" => {
            rules.clear();
            Canned {
                status: 204,
                headers: Vec::new(),
                body: Vec::new(),
            }
        }
        _ => {
            let mut canned = reply(
                405,
                &json!({"status": "error", "message": format!("{FAULTS_PATH} accepts GET, POST and DELETE")}),
            );
            canned.headers.push(("allow", "GET, POST, DELETE".to_owned()));
            canned
        }
    }
}

fn reply(status: u16, body: &serde_json::Value) -> Canned {
    Canned {
        status,
        headers: vec![("content-type", JSON_CONTENT_TYPE.to_owned())],
        body: serde_json::to_vec(body).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_paths_are_apart_from_hubspot_s() {
        assert!(is_control("/__mock/faults"));
        assert!(is_control("/__mock"));
        assert!(!is_control("/crm/v3/objects/__mock"));
        assert!(!is_control("/__mockery"));
    }

    #[test]
    fn control_faults_are_added_listed_and_cleared() {
        let mut rules = FaultRules::default();
        let added = handle(
            &mut rules,
            "POST",
            "/__mock/faults",
            br#"[{"fault": {"kind": "status", "status": 503}, "times": 1}]"#,
        );
        assert_eq!(added.status, 200);
        let listed = handle(&mut rules, "GET", "/__mock/faults/", b"");
        let listed: serde_json::Value = serde_json::from_slice(&listed.body).unwrap();
        assert_eq!(listed["faults"][0]["fault"]["status"], 503);
        assert_eq!(listed["faults"][0]["times"], 1);
        assert_eq!(
            handle(&mut rules, "POST", "/__mock/faults", b"{\"fault\":1}").status,
            400
        );
        assert_eq!(handle(&mut rules, "PUT", "/__mock/faults", b"").status, 405);
        assert_eq!(handle(&mut rules, "GET", "/__mock/other", b"").status, 404);
        assert_eq!(handle(&mut rules, "DELETE", "/__mock/faults", b"").status, 204);
        assert!(rules.active().is_empty());
    }
}
