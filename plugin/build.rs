//! Compresses the catalog's text (`src/catalog/describe.json`, checked in and
//! kept equal to what the catalog builder makes) into `OUT_DIR`. The crate
//! serves it inflated, so the component carries a raw-deflate stream about a
//! seventh of the text's size.

use std::env;
use std::path::PathBuf;

const CATALOG: &str = "src/catalog/describe.json";
/// What `catalog::describe_json` includes.
const COMPRESSED: &str = "describe.json.deflate";

fn main() {
    if let Err(message) = compress() {
        // A build script reports failure by exiting non-zero; the message is what the user sees.
        eprintln!("\nerror: {message}\n");
        std::process::exit(1);
    }
}

fn compress() -> Result<(), String> {
    println!("cargo:rerun-if-changed={CATALOG}");
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let source = manifest_dir.join(CATALOG);
    let text = std::fs::read_to_string(&source).map_err(|e| format!("{} could not be read: {e}", source.display()))?;
    // The file ends with a newline; the catalog's text does not.
    let text = text.trim_ascii_end().as_bytes();
    let compressed = miniz_oxide::deflate::compress_to_vec(text, 10);
    // The build fails rather than ship a stream that does not inflate to the text.
    if miniz_oxide::inflate::decompress_to_vec(&compressed).ok().as_deref() != Some(text) {
        return Err(format!("{} does not inflate to the text it was made from", COMPRESSED));
    }
    let destination = out_dir.join(COMPRESSED);
    std::fs::write(&destination, compressed).map_err(|e| format!("{} could not be written: {e}", destination.display()))
}
