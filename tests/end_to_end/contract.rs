//! The built component against its contract in `wit/`: the interfaces it
//! exports, function by function and type by type, the interfaces it
//! imports, and a guard that every exported function and catalog action has
//! an end-to-end test.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of tests: a panic here is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use wit_component::DecodedWasm;
use wit_parser::{Function, Handle, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldId, WorldItem};

use crate::common::{connector, runtime};

/// The package whose interfaces the component exports.
const PACKAGE: &str = "connector:hubspot";
const VERSION: &str = "0.3.1";

/// Interfaces the component may import: those of the `connector` world (with
/// the interfaces they use) and those Rust's std for `wasm32-wasip2` pulls in
/// for stdio, environment and exit. A trailing `*` allows a whole package.
/// Nothing here reaches files or sockets.
const ALLOWED_IMPORTS: &[&str] = &[
    "wasi:cli/*",
    "wasi:io/*",
    "wasi:clocks/monotonic-clock",
    "wasi:random/insecure",
    "wasi:http/types",
    "wasi:http/outgoing-handler",
];

/// The `connector` world as `wit/` declares it.
fn declared() -> (Resolve, WorldId) {
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
    let mut resolve = Resolve::new();
    let (package, _) = resolve.push_dir(&wit).expect("wit/ parses");
    let world = resolve
        .select_world(&[package], Some("connector"))
        .expect("wit/ has the connector world");
    (resolve, world)
}

/// The world the built component implements, decoded from its binary.
fn built() -> (Resolve, WorldId) {
    match wit_component::decode(hubspot_harness::COMPONENT).expect("the component decodes") {
        DecodedWasm::Component(resolve, world) => (resolve, world),
        DecodedWasm::WitPackage(..) => panic!("the embedded binary is a WIT package, not a component"),
    }
}

/// A world's exported (or imported) interfaces by their full name, such as
/// `connector:hubspot/crm@0.3.1`.
fn interfaces(resolve: &Resolve, items: &wit_parser::IndexMap<wit_parser::WorldKey, WorldItem>) -> BTreeSet<String> {
    items
        .iter()
        .map(|(key, item)| match item {
            WorldItem::Interface { .. } => resolve.name_world_key(key),
            WorldItem::Function(f) => panic!("a bare function `{}` in the world", f.name),
            WorldItem::Type { .. } => panic!("a bare type `{}` in the world", resolve.name_world_key(key)),
        })
        .collect()
}

fn interface_id(resolve: &Resolve, world: WorldId, exported: bool, name: &str) -> wit_parser::InterfaceId {
    let world = &resolve.worlds[world];
    let items = if exported { &world.exports } else { &world.imports };
    items
        .iter()
        .find_map(|(key, item)| match item {
            WorldItem::Interface { id, .. } if resolve.name_world_key(key) == name => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no interface {name}"))
}

/// Renders types so that two resolves compare: named types by their owner
/// and name (after following `use` aliases to the definition), anonymous
/// ones by their structure.
struct Renderer<'a>(&'a Resolve);

impl Renderer<'_> {
    fn ty(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::U16 => "u16".into(),
            Type::U32 => "u32".into(),
            Type::U64 => "u64".into(),
            Type::S8 => "s8".into(),
            Type::S16 => "s16".into(),
            Type::S32 => "s32".into(),
            Type::S64 => "s64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "char".into(),
            Type::String => "string".into(),
            Type::ErrorContext => "error-context".into(),
            Type::Id(id) => self.reference(*id),
        }
    }

    fn optional(&self, ty: Option<&Type>) -> String {
        ty.map_or_else(|| "_".to_owned(), |ty| self.ty(ty))
    }

    /// A use of a type: its qualified name, or its structure when it has none.
    fn reference(&self, id: TypeId) -> String {
        let id = self.definition_of(id);
        let def = &self.0.types[id];
        match &def.name {
            Some(name) => format!("{}#{name}", self.owner(def.owner)),
            None => self.kind(&def.kind),
        }
    }

    /// Follows `use` aliases (`type a = b` of a named `b`) to the definition.
    fn definition_of(&self, mut id: TypeId) -> TypeId {
        while let TypeDefKind::Type(Type::Id(inner)) = self.0.types[id].kind
            && self.0.types[inner].name.is_some()
        {
            id = inner;
        }
        id
    }

    fn owner(&self, owner: TypeOwner) -> String {
        match owner {
            TypeOwner::Interface(id) => self.0.id_of(id).unwrap_or_else(|| "<anonymous interface>".into()),
            TypeOwner::World(id) => format!("world {}", self.0.worlds[id].name),
            TypeOwner::None => String::new(),
        }
    }

    fn kind(&self, kind: &TypeDefKind) -> String {
        let list = |items: Vec<String>| items.join(", ");
        match kind {
            TypeDefKind::Record(record) => format!(
                "record {{ {} }}",
                list(
                    record
                        .fields
                        .iter()
                        .map(|f| format!("{}: {}", f.name, self.ty(&f.ty)))
                        .collect()
                )
            ),
            TypeDefKind::Variant(variant) => format!(
                "variant {{ {} }}",
                list(
                    variant
                        .cases
                        .iter()
                        .map(|c| match &c.ty {
                            Some(ty) => format!("{}({})", c.name, self.ty(ty)),
                            None => c.name.clone(),
                        })
                        .collect()
                )
            ),
            TypeDefKind::Enum(e) => format!("enum {{ {} }}", list(e.cases.iter().map(|c| c.name.clone()).collect())),
            TypeDefKind::Flags(f) => format!("flags {{ {} }}", list(f.flags.iter().map(|f| f.name.clone()).collect())),
            TypeDefKind::Tuple(t) => format!("tuple<{}>", list(t.types.iter().map(|t| self.ty(t)).collect())),
            TypeDefKind::Option(ty) => format!("option<{}>", self.ty(ty)),
            TypeDefKind::Result(r) => format!(
                "result<{}, {}>",
                self.optional(r.ok.as_ref()),
                self.optional(r.err.as_ref())
            ),
            TypeDefKind::List(ty) => format!("list<{}>", self.ty(ty)),
            TypeDefKind::Map(k, v) => format!("map<{}, {}>", self.ty(k), self.ty(v)),
            TypeDefKind::FixedLengthList(ty, n) => format!("list<{}, {n}>", self.ty(ty)),
            TypeDefKind::Future(ty) => format!("future<{}>", self.optional(ty.as_ref())),
            TypeDefKind::Stream(ty) => format!("stream<{}>", self.optional(ty.as_ref())),
            TypeDefKind::Type(ty) => format!("type = {}", self.ty(ty)),
            TypeDefKind::Resource => "resource".into(),
            TypeDefKind::Handle(Handle::Own(id)) => format!("own<{}>", self.reference(*id)),
            TypeDefKind::Handle(Handle::Borrow(id)) => format!("borrow<{}>", self.reference(*id)),
            TypeDefKind::Unknown => "unknown".into(),
        }
    }

    fn function(&self, function: &Function) -> String {
        let params: Vec<String> = function
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, self.ty(&p.ty)))
            .collect();
        format!(
            "{:?} func({}) -> {}",
            function.kind,
            params.join(", "),
            self.optional(function.result.as_ref())
        )
    }

    /// An interface's type definitions by name: a `use`d type as a reference
    /// to its definition, a type defined here by its structure.
    fn types(&self, interface: wit_parser::InterfaceId) -> BTreeMap<String, String> {
        self.0.interfaces[interface]
            .types
            .iter()
            .map(|(name, id)| {
                let definition = self.definition_of(*id);
                let rendered = if definition == *id {
                    self.kind(&self.0.types[*id].kind)
                } else {
                    format!("use {}", self.reference(*id))
                };
                (name.clone(), rendered)
            })
            .collect()
    }

    fn functions(&self, interface: wit_parser::InterfaceId) -> BTreeMap<String, String> {
        self.0.interfaces[interface]
            .functions
            .iter()
            .map(|(name, function)| (name.clone(), self.function(function)))
            .collect()
    }
}

fn exported_names() -> BTreeSet<String> {
    ["types", "crm", "tool"]
        .into_iter()
        .map(|name| format!("{PACKAGE}/{name}@{VERSION}"))
        .collect()
}

#[test]
fn contract_component_exports_exactly_the_declared_interfaces() {
    let (declared, declared_world) = declared();
    let (built, built_world) = built();
    let declared_exports = interfaces(&declared, &declared.worlds[declared_world].exports);
    let built_exports = interfaces(&built, &built.worlds[built_world].exports);
    assert_eq!(declared_exports, exported_names(), "wit/ declares these exports");
    assert_eq!(built_exports, exported_names(), "the component exports these");
}

#[test]
fn contract_exported_interfaces_match_wit_function_by_function_and_type_by_type() {
    let (declared, declared_world) = declared();
    let (built, built_world) = built();
    let (want, got) = (Renderer(&declared), Renderer(&built));
    for name in exported_names() {
        let want_id = interface_id(&declared, declared_world, true, &name);
        let got_id = interface_id(&built, built_world, true, &name);
        let (want_types, got_types) = (want.types(want_id), got.types(got_id));
        assert!(
            !want_types.is_empty() || name.contains("/tool@"),
            "{name} declares types"
        );
        assert_eq!(got_types, want_types, "the type definitions of {name}");
        let (want_functions, got_functions) = (want.functions(want_id), got.functions(got_id));
        assert!(
            !want_functions.is_empty() || name.contains("/types@"),
            "{name} declares functions"
        );
        assert_eq!(got_functions, want_functions, "the functions of {name}");
    }
}

#[test]
fn contract_renderer_tells_apart_what_differs() {
    // The comparison above is only as strict as the rendering: a changed
    // parameter name, type or field must render differently.
    let render = |source: &str| {
        let mut resolve = Resolve::new();
        let package = resolve.push_str("test.wit", source).expect("the test WIT parses");
        let interface = resolve.packages[package].interfaces["i"];
        let renderer = Renderer(&resolve);
        (renderer.types(interface), renderer.functions(interface))
    };
    let base =
        render("package a:b; interface i { record r { x: u32 } f: func(a: r, b: list<string>) -> result<r, string>; }");
    for changed in [
        "package a:b; interface i { record r { x: u32 } f: func(c: r, b: list<string>) -> result<r, string>; }",
        "package a:b; interface i { record r { x: u32 } f: func(a: r, b: list<u8>) -> result<r, string>; }",
        "package a:b; interface i { record r { x: u32 } f: func(a: r, b: list<string>) -> result<r>; }",
        "package a:b; interface i { record r { x: u64 } f: func(a: r, b: list<string>) -> result<r, string>; }",
        "package a:b; interface i { record r { y: u32 } f: func(a: r, b: list<string>) -> result<r, string>; }",
        "package a:b; interface i { record r { x: u32 } f: func(b: list<string>, a: r) -> result<r, string>; }",
        "package a:b@0.2.0; interface i { record r { x: u32 } f: func(a: r, b: list<string>) -> result<r, string>; }",
    ] {
        assert_ne!(render(changed), base, "{changed}");
    }
}

/// Whether `name` (`ns:pkg/iface@version`) is one of [`ALLOWED_IMPORTS`].
fn allowed_import(name: &str) -> bool {
    let unversioned = name.split('@').next().unwrap_or(name);
    ALLOWED_IMPORTS.iter().any(|allowed| match allowed.strip_suffix('*') {
        Some(package) => unversioned.starts_with(package),
        None => unversioned == *allowed,
    })
}

#[test]
fn contract_component_imports_only_what_the_world_and_std_need() {
    let (declared, declared_world) = declared();
    let (built, built_world) = built();
    let imports = interfaces(&built, &built.worlds[built_world].imports);
    assert!(
        imports.contains("wasi:http/outgoing-handler@0.2.12"),
        "HubSpot is reached through the host's handler: {imports:#?}"
    );
    for import in &imports {
        assert!(
            !import.starts_with("wasi:filesystem") && !import.starts_with("wasi:sockets"),
            "the component must not reach files or sockets: {import}"
        );
        assert!(allowed_import(import), "unexpected import {import}");
    }
    // The allow-list covers the world itself, and each import is an
    // interface of the vendored WIT at the same version.
    let declared_imports = interfaces(&declared, &declared.worlds[declared_world].imports);
    for import in &declared_imports {
        assert!(
            allowed_import(import),
            "wit/ imports {import}, which the list does not allow"
        );
    }
    let vendored: BTreeSet<String> = declared
        .interfaces
        .iter()
        .filter_map(|(id, _)| declared.id_of(id))
        .collect();
    for import in &imports {
        assert!(vendored.contains(import), "{import} is not in wit/deps: {vendored:#?}");
    }
    assert!(!allowed_import("wasi:filesystem/preopens@0.2.12") && !allowed_import("wasi:sockets/tcp@0.2.12"));
}

/// The names of end-to-end tests, each a path to the test function, so that
/// the compiler checks that the test exists.
macro_rules! covered_by {
    ($($test:path),+ $(,)?) => {
        &[$({
            let _ = $test;
            stringify!($test)
        }),+]
    };
}

/// Which end-to-end tests call each function of the exported interfaces.
/// A function added to `wit/` fails the guard until a test is named here.
const FUNCTION_TESTS: &[(&str, &[&str])] = &[
    (
        "crm.create",
        covered_by![crate::crm_typed::contacts_crm_create_with_an_association_returns_the_typed_record],
    ),
    (
        "crm.read",
        covered_by![crate::crm_typed::deals_crm_read_returns_history_associations_and_unset_properties_as_none],
    ),
    (
        "crm.update",
        covered_by![crate::crm_typed::contacts_crm_update_by_email_returns_the_record_and_refusals_are_typed],
    ),
    (
        "crm.archive",
        covered_by![crate::crm_typed::deals_crm_archive_moves_the_record_to_the_recycle_bin],
    ),
    (
        "crm.search",
        covered_by![crate::crm_typed::deals_crm_search_pages_with_a_typed_cursor],
    ),
    (
        "crm.get-pipelines",
        covered_by![crate::crm_typed::deals_crm_get_pipelines_returns_typed_stages_with_their_metadata],
    ),
    (
        "crm.get-pipeline-stage",
        covered_by![crate::crm_typed::deals_crm_get_pipeline_stage_returns_the_stage_or_not_found],
    ),
    (
        "crm.get-properties",
        covered_by![crate::crm_typed::tickets_crm_get_properties_returns_typed_definitions],
    ),
    (
        "crm.test-connection",
        covered_by![crate::crm_typed::contacts_crm_test_connection_reports_typed_access],
    ),
    (
        "crm.list",
        covered_by![crate::account_context::a_listing_follows_every_version_s_paths_and_comes_typed],
    ),
    (
        "crm.get-owners",
        covered_by![crate::account_context::owners_come_typed_with_their_teams],
    ),
    (
        "crm.get-object-types",
        covered_by![crate::account_context::object_types_and_custom_records_come_typed],
    ),
    (
        "crm.associate",
        covered_by![crate::associations::associations_typed_functions_associate_list_label_and_remove],
    ),
    (
        "crm.get-associations",
        covered_by![crate::associations::associations_typed_functions_associate_list_label_and_remove],
    ),
    (
        "crm.remove-association",
        covered_by![crate::associations::associations_typed_functions_associate_list_label_and_remove],
    ),
    (
        "crm.get-association-labels",
        covered_by![crate::associations::associations_typed_functions_associate_list_label_and_remove],
    ),
    (
        "crm.preview-association",
        covered_by![crate::associations::associations_typed_functions_associate_list_label_and_remove],
    ),
    (
        "crm.preview-write",
        covered_by![crate::dry_run::typed_preview_write_plans_a_create_with_its_problems_and_sends_only_reads],
    ),
    (
        "crm.batch",
        covered_by![
            crate::batch::contacts_crm_batch_create_read_and_preview_are_typed,
            crate::batch::contacts_crm_batch_update_upsert_and_archive_are_typed
        ],
    ),
    (
        "crm.preview-batch",
        covered_by![crate::batch::contacts_crm_batch_create_read_and_preview_are_typed],
    ),
    (
        "tool.invoke",
        covered_by![
            crate::record_actions::spec_samples_of_record_actions_send_the_documented_requests,
            crate::cli::cli_spec_samples_of_record_actions_exit_and_print_as_expected
        ],
    ),
    (
        "tool.describe",
        covered_by![
            crate::catalog::catalog_describes_every_action_with_every_member,
            crate::cli::cli_describe_prints_the_catalog_of_every_action
        ],
    ),
];

/// Which end-to-end tests run each action of the tool catalog through `tool.invoke`.
const ACTION_TESTS: &[(&str, &[&str])] = &[
    (
        "create",
        covered_by![
            crate::record_actions::spec_samples_of_record_actions_send_the_documented_requests,
            crate::cli::cli_spec_samples_of_record_actions_exit_and_print_as_expected
        ],
    ),
    (
        "read",
        covered_by![
            crate::record_actions::spec_samples_of_record_actions_send_the_documented_requests,
            crate::cli::cli_spec_samples_of_record_actions_exit_and_print_as_expected
        ],
    ),
    (
        "update",
        covered_by![
            crate::record_actions::spec_samples_of_record_actions_send_the_documented_requests,
            crate::cli::cli_spec_samples_of_record_actions_exit_and_print_as_expected
        ],
    ),
    (
        "archive",
        covered_by![
            crate::record_actions::spec_samples_of_record_actions_send_the_documented_requests,
            crate::cli::cli_spec_samples_of_record_actions_exit_and_print_as_expected
        ],
    ),
    (
        "search",
        covered_by![
            crate::record_actions::spec_samples_of_record_actions_send_the_documented_requests,
            crate::cli::cli_spec_samples_of_record_actions_exit_and_print_as_expected
        ],
    ),
    (
        "get-pipelines",
        covered_by![
            crate::discovery::spec_samples_of_discovery_actions_send_the_documented_requests,
            crate::cli::cli_mock_command_serves_on_the_address_it_prints
        ],
    ),
    (
        "get-pipeline-stage",
        covered_by![
            crate::discovery::spec_samples_of_discovery_actions_send_the_documented_requests,
            crate::cli::cli_mock_command_serves_on_the_address_it_prints
        ],
    ),
    (
        "get-properties",
        covered_by![
            crate::discovery::spec_samples_of_discovery_actions_send_the_documented_requests,
            crate::cli::cli_mock_command_serves_on_the_address_it_prints
        ],
    ),
    (
        "test-connection",
        covered_by![
            crate::discovery::entities_test_connection_with_the_full_token_grants_everything_from_token_info,
            crate::cli::cli_mock_scopes_limit_what_test_connection_reports
        ],
    ),
    (
        "list",
        covered_by![
            crate::account_context::a_listing_past_ten_thousand_returns_every_record_once,
            crate::account_context::cli_lists_object_types_properties_and_records_of_the_sample_account
        ],
    ),
    (
        "get-owners",
        covered_by![
            crate::account_context::owners_are_listed_every_page_by_e_mail_and_archived_under_every_version,
            crate::account_context::cli_lists_object_types_properties_and_records_of_the_sample_account
        ],
    ),
    (
        "get-object-types",
        covered_by![
            crate::account_context::object_types_list_the_custom_object_which_works_by_name_under_every_version,
            crate::account_context::cli_lists_object_types_properties_and_records_of_the_sample_account
        ],
    ),
    (
        "associate",
        covered_by![
            crate::associations::associations_default_and_labelled_are_made_read_and_listed_under_every_version,
            crate::associations::cli_associates_lists_and_removes_against_a_mock
        ],
    ),
    (
        "get-associations",
        covered_by![
            crate::associations::associations_of_a_record_are_read_across_every_page_under_every_version,
            crate::associations::cli_associates_lists_and_removes_against_a_mock
        ],
    ),
    (
        "remove-association",
        covered_by![
            crate::associations::associations_removing_one_label_keeps_the_rest_and_removing_without_label_removes_all,
            crate::associations::cli_associates_lists_and_removes_against_a_mock
        ],
    ),
    (
        "get-association-labels",
        covered_by![
            crate::associations::associations_default_and_labelled_are_made_read_and_listed_under_every_version,
            crate::associations::cli_associates_lists_and_removes_against_a_mock
        ],
    ),
    (
        "batch-create",
        covered_by![
            crate::batch::contacts_batch_create_of_250_goes_in_three_chunks_under_every_version,
            crate::batch::cli_batch_create_and_dry_run_print_the_merged_result
        ],
    ),
    (
        "batch-read",
        covered_by![
            crate::batch::contacts_batch_read_with_history_goes_in_fifties_and_names_missing_ids,
            crate::batch::cli_batch_read_update_and_archive_run_against_the_cli_s_mock
        ],
    ),
    (
        "batch-update",
        covered_by![
            crate::batch::deals_batch_update_and_archive_report_each_input,
            crate::batch::cli_batch_read_update_and_archive_run_against_the_cli_s_mock
        ],
    ),
    (
        "batch-upsert",
        covered_by![
            crate::batch::contacts_batch_upsert_creates_or_updates_by_email,
            crate::batch::cli_batch_create_and_dry_run_print_the_merged_result
        ],
    ),
    (
        "batch-archive",
        covered_by![
            crate::batch::deals_batch_update_and_archive_report_each_input,
            crate::batch::cli_batch_read_update_and_archive_run_against_the_cli_s_mock
        ],
    ),
];

fn assert_covered(what: &str, listed: &[(&str, &[&str])], expected: &BTreeSet<String>) {
    let names: BTreeSet<String> = listed.iter().map(|(name, _)| (*name).to_owned()).collect();
    let untested: Vec<&String> = expected.difference(&names).collect();
    assert!(
        untested.is_empty(),
        "{what} without an end-to-end test: {untested:?}; add a test and list it here"
    );
    let stale: Vec<&String> = names.difference(expected).collect();
    assert!(stale.is_empty(), "listed {what} that do not exist: {stale:?}");
    for (name, covering) in listed {
        assert!(!covering.is_empty(), "{name} names no test");
    }
}

#[test]
fn contract_every_function_and_action_has_an_end_to_end_test() {
    let (declared, world) = declared();
    let mut functions = BTreeSet::new();
    for short in ["crm", "tool"] {
        let id = interface_id(&declared, world, true, &format!("{PACKAGE}/{short}@{VERSION}"));
        functions.extend(declared.interfaces[id].functions.keys().map(|f| format!("{short}.{f}")));
    }
    assert_covered("functions", FUNCTION_TESTS, &functions);

    let catalog: Value = serde_json::from_str(&runtime().block_on(connector().describe()).expect("describe runs"))
        .expect("the catalog is JSON");
    let actions: BTreeSet<String> = catalog["actions"]
        .as_array()
        .expect("the catalog lists actions")
        .iter()
        .map(|action| action["name"].as_str().expect("an action has a name").to_owned())
        .collect();
    assert_eq!(actions.len(), 21, "{actions:?}");
    assert_covered("actions", ACTION_TESTS, &actions);
}

#[test]
fn contract_the_host_admits_the_api_base_the_component_defaults_to() {
    let catalog: Value = serde_json::from_str(&runtime().block_on(connector().describe()).expect("describe runs"))
        .expect("the catalog is JSON");
    assert_eq!(
        catalog["connection"]["defaultApiBase"],
        hubspot_harness::DEFAULT_API_BASE,
        "the component's default API base and the host's allow-list default differ"
    );
    assert_eq!(
        hubspot_harness::Sandbox::default().default_api_base,
        hubspot_harness::DEFAULT_API_BASE
    );
}
