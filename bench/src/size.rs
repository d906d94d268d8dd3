//! Where a component's bytes go: the function bodies of its core modules by
//! the crate each function comes from (read from the name section of an
//! unstripped build), its data segments, and the rest of the file.

use std::collections::BTreeMap;

use wasmparser::{Encoding, Name, Parser, Payload, TypeRef};

/// What the generated WIT glue's functions are named under: counted apart
/// from the connector's own code, which it would otherwise swell.
const GENERATED_GLUE: &str = "hubspot_connector::component::bindings";

/// The bytes of a component by what they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Breakdown {
    /// Bytes of function bodies by crate, largest first.
    pub code_by_crate: Vec<(String, u64)>,
    /// Bytes of data segments (string constants, tables, the catalog).
    pub data: u64,
    /// Bytes of name and other custom sections (absent from a stripped build).
    pub custom: u64,
    /// The file's size.
    pub total: u64,
}

/// One core module being read: how many functions it imports, and the size
/// of each body it defines, in order.
#[derive(Default)]
struct Module {
    imported_functions: u32,
    bodies: Vec<u64>,
    names: BTreeMap<u32, String>,
}

/// Reads `component` (or a core module) and attributes its bytes.
pub fn breakdown(component: &[u8]) -> Result<Breakdown, String> {
    let mut code: BTreeMap<String, u64> = BTreeMap::new();
    let mut data = 0u64;
    let mut custom = 0u64;
    // Nested modules and components, innermost last; `None` for a component.
    let mut open: Vec<Option<Module>> = Vec::new();
    for payload in Parser::new(0).parse_all(component) {
        let payload = payload.map_err(|error| format!("the component could not be read: {error}"))?;
        match payload {
            Payload::Version { encoding, .. } => open.push(match encoding {
                Encoding::Module => Some(Module::default()),
                Encoding::Component => None,
            }),
            Payload::ImportSection(imports) => {
                if let Some(Some(module)) = open.last_mut() {
                    for import in imports.into_imports() {
                        let import = import.map_err(|error| error.to_string())?;
                        if matches!(import.ty, TypeRef::Func(_)) {
                            module.imported_functions += 1;
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                if let Some(Some(module)) = open.last_mut() {
                    module.bodies.push(body.range().len() as u64);
                }
            }
            Payload::DataSection(section) => data += section.range().len() as u64,
            Payload::CustomSection(section) => {
                custom += section.range().len() as u64;
                if let (Some(Some(module)), wasmparser::KnownCustom::Name(names)) =
                    (open.last_mut(), section.as_known())
                {
                    for name in names {
                        if let Ok(Name::Function(map)) = name {
                            for naming in map.into_iter().flatten() {
                                module.names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            Payload::End(_) => {
                if let Some(Some(module)) = open.pop() {
                    for (defined, bytes) in module.bodies.iter().enumerate() {
                        let index = module.imported_functions + defined as u32;
                        let owner = module
                            .names
                            .get(&index)
                            .map_or_else(|| "(unnamed)".to_owned(), |name| crate_of(name));
                        *code.entry(owner).or_default() += bytes;
                    }
                }
            }
            _ => {}
        }
    }
    let mut code_by_crate: Vec<(String, u64)> = code.into_iter().collect();
    code_by_crate.sort_by(|(a, a_bytes), (b, b_bytes)| b_bytes.cmp(a_bytes).then(a.cmp(b)));
    Ok(Breakdown {
        code_by_crate,
        data,
        custom,
        total: component.len() as u64,
    })
}

/// What a function name belongs to: the first path segment of its demangled
/// name (the crate), the type's crate for a method, the trait's for a trait
/// method of a primitive type. The component's exports, their post-return
/// functions and `cabi_realloc` are the generated WIT glue; the rest of the
/// unmangled names are wasi-libc's (the C allocator and start-up code).
pub fn crate_of(mangled: &str) -> String {
    if mangled.starts_with("cabi_") || mangled.contains(':') {
        return GLUE_LABEL.to_owned();
    }
    let demangled = format!("{:#}", rustc_demangle::demangle(mangled));
    if demangled == mangled {
        return LIBC_LABEL.to_owned();
    }
    let path = unwrap_type(&demangled);
    if path.starts_with(GENERATED_GLUE) {
        return GLUE_LABEL.to_owned();
    }
    let head = path.split(['>', ' ', '<']).next().unwrap_or_default();
    match head.split_once("::") {
        Some((first, _)) => first.to_owned(),
        None => match path.split_once(" as ") {
            Some((_, trait_path)) => unwrap_type(trait_path)
                .split_once("::")
                .map_or_else(|| PRIMITIVES_LABEL.to_owned(), |(first, _)| first.to_owned()),
            None => PRIMITIVES_LABEL.to_owned(),
        },
    }
}

const GLUE_LABEL: &str = "generated WIT glue";
const LIBC_LABEL: &str = "wasi-libc (allocator, start-up)";
const PRIMITIVES_LABEL: &str = "core and alloc (methods of primitive types)";

/// `path` without the brackets, references and pointers around a type.
fn unwrap_type(path: &str) -> &str {
    let path = path.trim_start_matches(['<', '&', '*', '(', '[']);
    path.strip_prefix("mut ")
        .or_else(|| path.strip_prefix("dyn "))
        .or_else(|| path.strip_prefix("const "))
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_counted_under_their_crate_or_the_type_an_impl_is_for() {
        assert_eq!(
            crate_of("_ZN10serde_json2de10from_trait17hff3209ba1e00c735E"),
            "serde_json"
        );
        assert_eq!(
            crate_of(
                "_ZN108_$LT$hubspot_connector..wasi_transport..WasiTransport$u20$as$u20$hubspot_connector..transport..Transport$GT$4send17h987d7218eaa5b5eeE"
            ),
            "hubspot_connector"
        );
        assert_eq!(
            crate_of("_RNvMs3_NtCs8jb7XIKFSSy_5alloc3stre18to_ascii_lowercase"),
            PRIMITIVES_LABEL
        );
        assert_eq!(
            crate_of(
                "_ZN4core3fmt3num3imp52_$LT$impl$u20$core..fmt..Display$u20$for$u20$u64$GT$3fmt17h0123456789abcdefE"
            ),
            "core"
        );
        assert_eq!(crate_of("dlmalloc"), LIBC_LABEL);
    }

    #[test]
    fn the_generated_glue_is_counted_apart_from_the_connector() {
        assert_eq!(
            crate_of(
                "_ZN17hubspot_connector9component8bindings7exports9connector7hubspot3crm13_export_batch17h0123456789abcdefE"
            ),
            GLUE_LABEL
        );
        assert_eq!(crate_of("connector:hubspot/crm@0.3.1#batch"), GLUE_LABEL);
        assert_eq!(crate_of("cabi_post_connector:hubspot/tool@0.3.1#invoke"), GLUE_LABEL);
        assert_eq!(crate_of("cabi_realloc"), GLUE_LABEL);
    }

    #[test]
    fn a_file_that_is_no_wasm_is_an_error() {
        assert!(breakdown(b"not wasm").is_err());
    }
}
