//! The catalog's builder: the connection, the errors, and every action with
//! its schema, output and samples, as a JSON value.

use serde_json::{Value, json};

use crate::action::Action;
use crate::api_version::{self, ApiVersion, Family};
use crate::connection::DEFAULT_API_BASE;
use crate::entity::ENTITIES;
use crate::limits::{MAX_FILTERS_TOTAL, MAX_SEARCH_LIMIT, MAX_SEARCH_RESULTS};

use super::errors;
use super::schema::input_schema;

/// The specification's sample inputs, with its masked e-mail addresses
/// replaced by realistic ones.
const EXAMPLES: &str = include_str!("examples.json");

/// What the catalog says about one action.
struct Entry {
    title: &'static str,
    description: &'static str,
    output: &'static str,
}

fn entry(action: Action) -> Entry {
    match action {
        Action::Create => Entry {
            title: "Create a CRM record",
            description: "Creates a contact, company, deal, ticket, product, line item, quote, call, email, meeting, note, \
                postal mail, task or lead. Use get-properties first if unsure of property names or of the allowed values of \
                dropdown properties (HubSpot rejects unknown properties and unknown options, and its error lists the \
                valid ones). Deals need `dealname`, `pipeline` and `dealstage` (ids from get-pipelines). A dropdown, \
                pipeline or stage value may also be given by its label (\"Closed Won\", \"Marketing Qualified Lead\"): when \
                HubSpot refuses it and it is the label of exactly one option, the connector sends the create once more \
                with that option's internal value (HubSpot refused the first, so nothing was created twice); an \
                unknown or ambiguous label is refused with the allowed values. \
                `hubspot_owner_id` takes an owner's id, e-mail address or full name (see get-owners). To link the \
                new record to existing ones, add associations with HubSpot's default type ids: contact→company 1, \
                company→contact 2, deal→contact 3, contact→deal 4, deal→company 5, company→deal 6, ticket→contact 16, \
                contact→ticket 15, deal→line item 19, lead→primary contact 578. A lead needs `hs_lead_name` and an \
                association to an existing contact (type 578); it is refused without either. A contact whose email already exists is refused with a conflict \
                error naming the existing record's id: update that record instead. Creating is never retried after an \
                uncertain failure, so a record is never created twice. With `dryRun: true` nothing is \
                written: the answer is the request it would send and the problems found against the type's property \
                definitions ({dryRun, requests: [{method, path, query?, body?}], problems: [{property, message, \
                allowedValues?}]}).",
            output: "The new record: {id, properties (the values set plus HubSpot's system properties), createdAt, \
                updatedAt, archived}.",
        },
        Action::Read => Entry {
            title: "Read a CRM record by id",
            description: "Fetches one record by its numeric id, or by a unique property such as a contact's email when \
                `idProperty` names it. HubSpot returns only a few default properties unless `properties` lists the ones \
                you need, so always ask for them explicitly. `propertiesWithHistory` adds every past value with its \
                timestamp and source; `associations` adds the ids of linked records of the given types. Archived \
                records are found only with `archived: true`.",
            output: "{id, properties, propertiesWithHistory?, associations? ({type: {results: [{id, type}]}}), \
                createdAt, updatedAt, archived}. Unset requested properties come back as null.",
        },
        Action::Update => Entry {
            title: "Update a CRM record",
            description: "Changes property values of one record, by numeric id or by a unique property named in \
                `idProperty` (such as email). Only the given properties change; an empty string clears a value. \
                Read-only properties, unknown properties and values outside a dropdown's options are refused with a \
                validation error that names the property and, for dropdowns, the allowed values. A dropdown, pipeline \
                or stage value may be given by its label (\"Closed Won\"): when HubSpot refuses it and it is the label \
                of exactly one option (stages: of the record's pipeline), the connector sends the update once more with \
                that option's internal value. \
                `hubspot_owner_id` takes an owner's id, e-mail address or full name (see get-owners). With \
                `dryRun: true` nothing is written: the answer is the request it would send and the problems found, as \
                for create.",
            output: "The updated record: {id, properties, createdAt, updatedAt, archived}.",
        },
        Action::Archive => Entry {
            title: "Archive (soft-delete) a CRM record",
            description: "Moves a record to HubSpot's recycle bin (contacts can be restored there for 90 days). Use it \
                to remove duplicates or obsolete records; it cannot be undone through this connector. With `dryRun: true` \
                nothing is archived: the answer is the DELETE it would send.",
            output: "{\"id\": \"<the id>\", \"archived\": true}.",
        },
        Action::Search => Entry {
            title: "Search CRM records",
            description: "Finds records of one type by property filters and free text. Filters inside a group must all \
                match; a record matches when any group matches. Values are compared as text (EQ is case-insensitive; \
                give IN values in lower case for text properties), numbers numerically, dates as epoch milliseconds. \
                Ask for the properties you need in `properties`. Results are paged: pass `paging.next.after` from one \
                page as `after` of the next, or give `maxResults` and the connector reads page after page (200 \
                results each, paced to HubSpot's 5 searches per second) until that many are read, up to 50,000. \
                HubSpot's own paging stops after the first 10,000 results; past them the connector pages by \
                hs_object_id, so such a search takes no sort other than hs_object_id ascending and each filter group \
                needs room for one more filter. Pitfalls: HubSpot's search index lags writes by a few seconds, so a \
                record created a moment ago may not be found yet; only the first sort is applied.",
            output: "{total, results: [{id, properties, createdAt, updatedAt, archived}], paging?: {next: {after}}}; \
                with `maxResults` also `pages` (requests made), and `paging` only when it stopped at `maxResults` \
                within the first 10,000 results with more left (past them, go on with a filter hs_object_id GT the \
                last id).",
        },
        Action::GetPipelines => Entry {
            title: "List the pipelines of an object type",
            description: "Lists the pipelines of deals, tickets or another pipelined type with all their stages. Use it \
                before creating or moving a deal or ticket: `pipeline` and `dealstage` (deals) or `hs_pipeline` and \
                `hs_pipeline_stage` (tickets) take these ids; create and update also accept a stage's label.",
            output: "{results: [{id, label, displayOrder, stages: [{id, label, displayOrder, metadata, archived, \
                createdAt, updatedAt}], archived, createdAt, updatedAt}]}. Deal stage metadata has `probability` and \
                `isClosed`; ticket stage metadata has `ticketState`.",
        },
        Action::GetPipelineStage => Entry {
            title: "Get one pipeline stage",
            description: "Fetches one stage of one pipeline by their ids, to check that a stage exists or to read its \
                metadata (a deal stage's win probability and whether it closes the deal).",
            output: "{id, label, displayOrder, metadata, archived, createdAt, updatedAt}.",
        },
        Action::GetProperties => Entry {
            title: "List the properties of an object type",
            description: "Lists the properties of an object type: internal name (what create, update, read and search \
                take), label, data type, field type, group, description, dropdown options, and whether the value is \
                read-only. Use it to discover the exact names and allowed values before writing. An object type has \
                hundreds of properties: give `query` (words matched against name, label, group and description, \
                best matches first) and `compact: true` (only name, label, type, fieldType, readOnly, \
                referencedObjectType and the dropdown options' values and labels) to keep the answer small. \
                `archived: true` lists retired properties instead.",
            output: "{results: [{name, label, type, fieldType, description, groupName, options: [{label, value, \
                hidden}], modificationMetadata: {readOnlyValue, …}, hasUniqueValue, calculated, hidden, \
                hubspotDefined, referencedObjectType?, createdAt, updatedAt}]}; with `compact`, {results: [{name, \
                label, type, fieldType, readOnly, referencedObjectType?, options?: [{value, label}]}]}.",
        },
        Action::TestConnection => Entry {
            title: "Test the connection",
            description: "Checks that the access token works and reports, for each entity, whether it may be read and \
                written and which scopes are missing. For a legacy private app token HubSpot lists its scopes; for a \
                Service Key or an OAuth token, whose scopes HubSpot does not report, it reads one record of each \
                entity and names the scopes HubSpot says are missing. Run it after setting up a connection or when \
                calls fail with forbidden errors. An invalid token ends with an unauthorized error that says where to \
                create a Service Key.",
            output: "{ok: true, hubId, source (\"token-info\" or \"probe\"), grantedScopes, entities: [{entity, read, \
                write (\"granted\", \"denied\" or \"unknown\"), missingScopes}], missingScopes}.",
        },
        Action::List => Entry {
            title: "List CRM records",
            description: "Lists the records of one type in HubSpot's order (by id), without search's limits: no \
                10,000-result cap and no 5-requests-per-second limit, and records written a moment ago are already \
                there. Use it to go through all records or the most recent ones; use search to filter. Without \
                `maxResults` it reads one page (`limit` records, 10 by default, at most 100); with `maxResults` it \
                follows HubSpot's cursor until that many records are read (up to 50,000). Ask for the properties you \
                need in `properties`; `archived: true` lists the recycle bin.",
            output: "{results: [{id, properties, createdAt, updatedAt, archived}], paging?: {next: {after}}}: \
                `paging` only when records are left; pass its `after` to go on.",
        },
        Action::GetOwners => Entry {
            title: "List the account's owners",
            description: "Lists the users who can own records (every page), with their owner id, e-mail, first and last \
                name and teams. `hubspot_owner_id` takes an owner id, but create and update also accept an owner's \
                e-mail address or full name there and resolve it; use this action to find who to assign, or to \
                filter a search by owner (search takes the id). `email` finds one owner; `archived: true` lists \
                deactivated owners instead.",
            output: "{results: [{id, email, firstName, lastName, userId, teams: [{id, name, primary}], archived, \
                createdAt, updatedAt}]}.",
        },
        Action::GetObjectTypes => Entry {
            title: "List the object types",
            description: "Lists HubSpot's standard object types (the names `entity` takes, with their type ids) and the \
                account's custom objects, with their names, type ids (2-…), labels, primary display property and the \
                properties a new record needs. Every action that takes `entity` or `objectType` accepts a custom \
                object's name (or its fully qualified name or type id); call get-properties with it to learn its \
                properties.",
            output: "{results: [{name, objectTypeId, fullyQualifiedName? (custom), labels: {singular, plural}, custom, \
                primaryDisplayProperty?, requiredProperties}]}.",
        },
        Action::Associate => Entry {
            title: "Associate two records",
            description: "Links one existing record to another (a deal to a contact, a contact to a company, …). \
                Without `label` or `associationTypeId` it makes HubSpot's default association of the pair. `label` \
                gives a named association label such as \"Decision maker\" (any letter case): the connector reads the \
                pair's labels (get-association-labels) and sends the label's type id; an unknown or ambiguous label is \
                refused as invalid input listing the pair's labels, and nothing is written. `associationTypeId` (with \
                `associationCategory`, or looked up) gives a type by id. Associating twice is harmless. With \
                `dryRun: true` nothing is written: the answer is the request it would send, or the problem with the \
                label.",
            output: "HubSpot's answer: for the default association {status, results: [{from: {id}, to: {id}, \
                associationSpec: {associationCategory, associationTypeId}}]}; for a label or type \
                {fromObjectTypeId, fromObjectId, toObjectTypeId, toObjectId, labels}.",
        },
        Action::GetAssociations => Entry {
            title: "List a record's associations with their labels",
            description: "Lists the records of one object type associated with a record, with every association type \
                and label between them, reading every page. Use it to see who a deal's decision makers are, or which \
                companies a contact belongs to.",
            output: "{results: [{toObjectId, associationTypes: [{category, typeId, label}]}], paging?: {next: {after}}} \
                (`label` is null for HubSpot's unlabelled types; `paging` only when more were left past 50,000).",
        },
        Action::RemoveAssociation => Entry {
            title: "Remove an association between two records",
            description: "Without `label`, removes every association between the two records. With `label`, removes \
                only that label and keeps the records associated otherwise; the label is resolved as associate \
                resolves it (an unknown label is refused with the pair's labels). With `dryRun: true` nothing is \
                removed: the answer is the request it would send.",
            output: "{entityId, toEntityId, removed: true, label?}.",
        },
        Action::GetAssociationLabels => Entry {
            title: "List the association labels between two object types",
            description: "Lists every association type from one object type to another: HubSpot's own (the default \
                association, primary company) and the account's labels (such as \"Decision maker\"), with the type ids \
                and categories associate and remove-association take.",
            output: "{results: [{category, typeId, label}]} (`label` is null for HubSpot's unlabelled types).",
        },
        Action::BatchCreate => Entry {
            title: "Create many CRM records",
            description: "Creates records of one type from `inputs` (any number up to 10,000, each {properties, \
                associations?} as for create). The connector sends them in chunks of 100 one after another within \
                HubSpot's rate limits and merges the answers. Inputs are checked first: one bad input refuses the \
                whole call with its path (inputs[3].properties.email) and nothing is sent. Each input goes with its \
                index as `objectWriteTraceId`, so each record in `results` carries it and each error names the \
                inputs it is about. A chunk whose outcome is unknown (no answer, a server error) is never sent \
                again, so no record is created twice: its inputs are listed in `inDoubt`; check them with search \
                before retrying them. An input HubSpot refuses only because a dropdown value or stage is given by its \
                label (exactly one option's, any letter case) is sent once more with the internal value, in one \
                extra request per chunk; an unknown label keeps HubSpot's error. With `dryRun: true` nothing is \
                written: the answer is every chunk's request and the problems found against the type's property \
                definitions, each at its input's path.",
            output: BATCH_OUTPUT,
        },
        Action::BatchRead => Entry {
            title: "Read many CRM records by id",
            description: "Reads records of one type by id (or by a unique property named in `idProperty`, such as a \
                contact's email) from `inputs` ([{id}], up to 10,000), in chunks of 100 (50 when \
                `propertiesWithHistory` is given). Ask for the properties you need in `properties`. Ids that do not \
                exist come back as errors naming their inputs; the others are in `results` (in HubSpot's order: match \
                them by id).",
            output: BATCH_OUTPUT,
        },
        Action::BatchUpdate => Entry {
            title: "Update many CRM records",
            description: "Changes property values of many records of one type: `inputs` [{id, properties}] (up to \
                10,000), by record id or by the unique property named in `idProperty`. Sent in chunks of 100; a chunk \
                that fails for a passing reason is retried as update is (it is safe to repeat). Unknown ids and \
                refused values come back as errors naming their inputs, the rest is written; values given by label \
                are sent once more as their internal values, as for batch-create. `dryRun: true` plans it without \
                writing, as for batch-create.",
            output: BATCH_OUTPUT,
        },
        Action::BatchUpsert => Entry {
            title: "Create or update many CRM records by a unique property",
            description: "For each input {id, properties}, updates the record whose `idProperty` (required: a property \
                with unique values, such as a contact's email) equals `id`, or creates it when none does. Sent in \
                chunks of 100 and safe to repeat. Each record in `results` says `new: true` when it was created. \
                Values given by label are sent once more as their internal values, as for batch-create. \
                `dryRun: true` plans it without writing, as for batch-create.",
            output: BATCH_OUTPUT,
        },
        Action::BatchArchive => Entry {
            title: "Archive many CRM records",
            description: "Moves records of one type to the recycle bin by record id: `inputs` [{id}] (up to 10,000), \
                in chunks of 100. HubSpot answers each chunk without details (archiving an unknown id is not an \
                error), so `archived` lists every input of every chunk HubSpot accepted. `dryRun: true` answers with \
                the requests it would send.",
            output: BATCH_OUTPUT,
        },
    }
}

/// What every batch action answers.
const BATCH_OUTPUT: &str = "HubSpot's batch answer merged over every chunk: {status: \"COMPLETE\" when every input \
    succeeded, else \"PARTIAL\"; results: [records as HubSpot answers them: {id, properties, createdAt, updatedAt, \
    archived, objectWriteTraceId? (create: the input's index), new? (upsert: created rather than updated)}]; numErrors; \
    errors: [HubSpot's error {status, category, message, context} plus inputIndexes (the caller's indexes of the inputs \
    it is about) and httpStatus when a whole chunk failed]; inDoubt: [indexes of creates that may or may not have \
    happened]; notSent: [indexes never sent because the run stopped]; stoppedBy?: the error that stopped it (401, 403, \
    or a rate limit that outlasted the retries; on the first chunk the action fails with it instead); archived?: \
    [indexes archived] (batch-archive); chunks: requests sent}.";

/// The whole catalog.
pub fn describe() -> Value {
    let examples: Vec<Value> = serde_json::from_str(EXAMPLES).unwrap_or_default();
    let actions: Vec<Value> = Action::all()
        .map(|action| {
            let Entry {
                title,
                description,
                output,
            } = entry(action);
            let samples: Vec<Value> = examples
                .iter()
                .filter(|example| example["action"] == action.name())
                .map(|example| json!({ "title": example["title"], "input": example["input"] }))
                .collect();
            json!({
                "name": action.name(),
                "title": title,
                "description": described(action, description),
                "inputSchema": input_schema(action),
                "output": output,
                "examples": samples,
            })
        })
        .collect();
    json!({
        "name": "hubspot",
        "version": env!("CARGO_PKG_VERSION"),
        "description": format!(
            "HubSpot CRM through its REST API (date-based version 2026-09 by default; see `connection.apiVersions`): create, read, update, archive and search records of the standard CRM \
             objects and the account's custom objects (by name), one at a time or thousands at once (batch-*), list records and owners, and discover object types, \
             pipelines, stages and properties. Property values are text. Search returns at most \
             {MAX_SEARCH_LIMIT} records per page, {MAX_FILTERS_TOTAL} filters per search and {MAX_SEARCH_RESULTS} results in all. \
             Every failure is a case of the WIT `error` variant, listed in `errors` with what to do: {}. \
             An invalid-input error means nothing was sent; its `path` names the value to fix, by JSON member for tool.invoke \
             (`searchObj.limit`) and by WIT field for the crm functions (`search-request.limit`). Errors from HubSpot's \
             answer carry it as an `api-error` ({}), directly or as `detail`: forbidden adds `missing-scopes`, conflict \
             `existing-id`, validation `problems` (each with its `allowed-values`), rate-limited `policy` and \
             `retry-after-ms`; transport has its own `kind`, `status` and `attempts`.",
            errors::kinds().join(", "),
            errors::API_ERROR_FIELDS.join(", "),
        ),
        "connection": connection(),
        "errors": errors::errors(),
        "actions": actions,
    })
}

/// The entry's description, and for the actions that read records what
/// they ask for when `properties` is not given, from the entity table.
fn described(action: Action, description: &str) -> String {
    if !matches!(action, Action::Read | Action::Search | Action::List) {
        return description.to_owned();
    }
    let defaults: Vec<String> = ENTITIES
        .iter()
        .filter(|entity| !entity.default_properties.is_empty())
        .map(|entity| format!("{} {}", entity.name, entity.default_properties.join(", ")))
        .collect();
    format!(
        "{description} Without `properties`, engagements come back with their content: {}; an explicit `properties` \
         list returns exactly those properties.",
        defaults.join("; ")
    )
}

/// What every call takes besides its input: the WIT `connection` record.
fn connection() -> Value {
    let versions: Vec<Value> = api_version::VERSIONS
        .iter()
        .map(|version| {
            json!({
                "name": version.name,
                "objectsPath": version.prefix(Family::Objects),
                "status": version.status,
            })
        })
        .collect();
    json!({
        "description": format!(
            "Every call takes a `connection`: `access-token`, a HubSpot Service Key, legacy private app token or OAuth \
             access token sent as a bearer token (empty when the host adds the credential); `api-base`, the scheme and \
             host of the API, absent for the default; and `api-version`, HubSpot's API version whose paths every \
             request uses, absent for {}.",
            ApiVersion::default().name
        ),
        "fields": CONNECTION_FIELDS,
        "defaultApiBase": DEFAULT_API_BASE,
        "defaultApiVersion": ApiVersion::default().name,
        "apiVersions": versions,
    })
}

/// The fields of the WIT `connection` record.
const CONNECTION_FIELDS: [&str; 3] = ["access-token", "api-base", "api-version"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input;

    #[test]
    fn every_action_is_described_with_a_schema() {
        let catalog = describe();
        let actions = catalog["actions"].as_array().unwrap();
        assert_eq!(actions.len(), crate::action::ACTIONS.len());
        for (entry, action) in actions.iter().zip(Action::all()) {
            assert_eq!(entry["name"], action.name());
            assert_eq!(
                entry["inputSchema"]["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            assert!(!entry["description"].as_str().unwrap().is_empty());
        }
    }

    #[test]
    fn every_example_is_accepted_by_the_connector() {
        let examples: Vec<Value> = serde_json::from_str(EXAMPLES).unwrap();
        assert_eq!(examples.len(), 59);
        for example in examples {
            let action = Action::from_name(example["action"].as_str().unwrap()).unwrap();
            let request = input::parse(action, &example["input"].to_string());
            let built = request.and_then(|r| r.to_http(ApiVersion::default()));
            assert!(built.is_ok(), "{}: {built:?}", example["title"]);
        }
    }

    #[test]
    fn the_connection_is_described_with_the_connector_s_default_base() {
        let catalog = describe();
        assert_eq!(
            catalog.pointer("/connection/defaultApiBase").and_then(Value::as_str),
            Some(DEFAULT_API_BASE)
        );
        let wit = include_str!("../../../wit/types.wit");
        for field in CONNECTION_FIELDS {
            assert!(wit.contains(&format!("        {field}: ")), "{field}");
        }
    }

    #[test]
    fn errors_are_described_in_wit_names() {
        let catalog = describe();
        let description = catalog["description"].as_str().unwrap();
        for camel in [
            "missingScopes",
            "existingId",
            "retryAfterMs",
            "allowedValues",
            "correlationId",
        ] {
            assert!(!description.contains(camel), "{camel}");
        }
        for wit in [
            "missing-scopes",
            "existing-id",
            "retry-after-ms",
            "allowed-values",
            "`path`",
        ] {
            assert!(description.contains(wit), "{wit}");
        }
        let errors = catalog["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 9);
        for error in errors {
            for member in ["kind", "payload", "meaning", "whatToDo"] {
                assert!(error[member].as_str().is_some_and(|text| !text.is_empty()), "{error}");
            }
            assert!(!error["fields"].as_array().unwrap().is_empty(), "{error}");
        }
    }

    #[test]
    fn the_actions_that_read_records_name_each_engagement_s_default_properties() {
        let catalog = describe();
        for entry in catalog["actions"].as_array().unwrap() {
            let description = entry["description"].as_str().unwrap();
            let reads = ["read", "search", "list"].contains(&entry["name"].as_str().unwrap());
            assert_eq!(
                description.contains("notes hs_note_body, hs_timestamp; postalMails hs_postal_mail_body"),
                reads,
                "{description}"
            );
        }
    }

    #[test]
    fn every_action_but_the_connection_test_has_examples() {
        let catalog = describe();
        for entry in catalog["actions"].as_array().unwrap() {
            let count = entry["examples"].as_array().unwrap().len();
            assert_eq!(count == 0, entry["name"] == "test-connection", "{}", entry["name"]);
        }
    }
}
