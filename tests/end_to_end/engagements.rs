//! Engagements (notes, e-mails, calls, …) read, searched and listed without a
//! `properties` list come back with their content; an explicit list still
//! means exactly that list.

use serde_json::json;

use crate::common::Env;

#[test]
fn notes_read_without_properties_show_their_body() {
    let env = Env::new();
    let note = env.create(
        "notes",
        json!({"hs_note_body": "Called about the renewal", "hs_timestamp": "2025-03-01T10:00:00Z"}),
    );
    env.clear();
    let read = env.ok("read", &json!({"entity": "notes", "entityId": note}).to_string());
    assert_eq!(read["properties"]["hs_note_body"], "Called about the renewal", "{read}");
    assert_eq!(read["properties"]["hs_timestamp"], "2025-03-01T10:00:00.000Z", "{read}");
    assert_eq!(
        env.only_request().query.as_deref(),
        Some("properties=hs_note_body&properties=hs_timestamp")
    );

    let listed = env.ok("list", r#"{"entity": "notes"}"#);
    assert_eq!(
        listed["results"][0]["properties"]["hs_note_body"], "Called about the renewal",
        "{listed}"
    );

    env.clear();
    let chosen = env.ok(
        "read",
        &json!({"entity": "notes", "entityId": note, "properties": ["hs_createdate"]}).to_string(),
    );
    assert!(chosen["properties"].get("hs_note_body").is_none(), "{chosen}");
    assert_eq!(env.only_request().query.as_deref(), Some("properties=hs_createdate"));
}

#[test]
fn emails_searched_without_properties_ask_for_their_content() {
    let env = Env::new();
    env.create(
        "emails",
        json!({"hs_email_subject": "Renewal quote", "hs_email_text": "Please find the quote attached.",
               "hs_email_direction": "EMAIL", "hs_timestamp": "2025-03-01T10:00:00Z"}),
    );
    env.clear();
    let found = env.ok("search", r#"{"entity": "emails", "searchObj": {}}"#);
    let sent: serde_json::Value = serde_json::from_slice(&env.only_request().body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({"properties": ["hs_email_subject", "hs_email_text", "hs_email_direction", "hs_timestamp"]})
    );
    assert_eq!(
        found["results"][0]["properties"]["hs_email_text"], "Please find the quote attached.",
        "{found}"
    );
}
