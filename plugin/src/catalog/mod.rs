//! The tool catalog `describe()` returns, written for a language model: the
//! connection, the errors, and every action with its schema, output and samples.
//!
//! Its one source is the builder ([`describe`]), which compiles natively only.
//! Its compact JSON text is checked in as `describe.json`; a unit test fails
//! when the file differs from what the builder makes, and names the command
//! that regenerates it. Components serve [`describe_json`], that text as
//! build.rs deflated it, so that neither the building nor the whole text is
//! compiled into them.

#[cfg(not(target_arch = "wasm32"))]
mod builder;
#[cfg(not(target_arch = "wasm32"))]
mod errors;
#[cfg(not(target_arch = "wasm32"))]
mod schema;

#[cfg(not(target_arch = "wasm32"))]
pub use builder::describe;
#[cfg(not(target_arch = "wasm32"))]
pub use schema::{CUSTOM_OBJECT_PATTERN, NAME_PATTERN, input_schema};

/// The catalog as the components serve it: [`describe`]'s compact JSON text.
///
/// build.rs checked that the stream inflates to the text, so the empty text
/// that stands for a failure here is never served.
pub fn describe_json() -> String {
    let compressed = include_bytes!(concat!(env!("OUT_DIR"), "/describe.json.deflate"));
    miniz_oxide::inflate::decompress_to_vec(compressed)
        .ok()
        .and_then(|text| String::from_utf8(text).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in text (the file's closing newline is not part of it).
    const DESCRIBE: &str = include_str!("describe.json").trim_ascii_end();

    /// Where the served text is kept, and the command that rewrites it.
    const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/catalog/describe.json");
    const REGENERATE: &str = "UPDATE_CATALOG=1 cargo test -p hubspot-connector --lib catalog";

    #[test]
    fn the_served_text_is_what_the_builder_makes() {
        let built = describe().to_string();
        if std::env::var_os("UPDATE_CATALOG").is_some() {
            std::fs::write(FILE, format!("{built}\n")).unwrap();
            return;
        }
        if built != DESCRIBE {
            let at = built.bytes().zip(DESCRIBE.bytes()).take_while(|(a, b)| a == b).count();
            let context = |text: &str| {
                let start = (0..=at.saturating_sub(40))
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                text[start..].chars().take(80).collect::<String>()
            };
            panic!(
                "{FILE} is not what the catalog builder makes (first difference at byte {at}:\n  built: …{}\n  file:  …{}).\n\
                 Regenerate it with:  {REGENERATE}",
                context(&built),
                context(DESCRIBE),
            );
        }
    }

    #[test]
    fn the_file_is_the_text_and_one_newline() {
        let file = include_str!("describe.json");
        assert_eq!(
            file.strip_suffix('\n'),
            Some(DESCRIBE),
            "regenerate it with: {REGENERATE}"
        );
    }

    #[test]
    fn the_served_text_is_the_checked_in_text() {
        assert!(
            describe_json() == DESCRIBE,
            "the deflated catalog does not inflate to describe.json"
        );
    }
}
