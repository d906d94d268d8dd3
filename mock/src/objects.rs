//! The CRM object types the mock serves — HubSpot's 14 standard ones and the account's
//! custom object `pets`: path names, type ids (`0-N`, `2-N`), singular names, and per type
//! the default, system-managed, required and free-text-searchable properties.
//!
//! ⚠ Choices where HubSpot's documentation is silent:
//! - Accepted spellings of `{objectType}`: the plural path name and the singular name in
//!   any letter case (`contacts`, `CONTACTS`, `contact`, `CONTACT`; HubSpot itself was
//!   recorded accepting `CONTACT`), the `0-N` id, and `MEETING`/`MEETING_EVENT` for
//!   meetings. The connector's camel-case entity names (`lineItems`) are *not* accepted,
//!   so a connector that forgets to translate them fails here as it would against HubSpot.
//! - Default properties: HubSpot documents them for contacts, companies, deals, products
//!   and tickets only; the other types return just their system properties, as a
//!   recorded custom-object response did.
//! - Create/modify date names: contacts `createdate`/`lastmodifieddate`; companies,
//!   deals, tickets, products and line items `createdate`/`hs_lastmodifieddate` (a real
//!   ticket create response in HubSpot's error-handling guide shows this pair for
//!   tickets); quotes and the engagement types `hs_createdate`/`hs_lastmodifieddate`.
//! - Searchable properties for `query` follow HubSpot's search guide from memory; line
//!   items and postal mail are a guess.
//! - Leads (`0-136`): HubSpot's leads guide names `hs_lead_name`, `hs_lead_type` and
//!   `hs_lead_label` as the common properties; the mock returns those plus the pipeline
//!   pair by default and matches `query` against `hs_lead_name` (both chosen). Their
//!   dates are `hs_createdate`/`hs_lastmodifieddate`, the default pipeline is
//!   `lead-pipeline-id`.
//! - Custom objects: the mock's account has exactly one, `pets` (type id
//!   [`PETS_TYPE_ID`], fully qualified name `p{portalId}_pets`, see `custom_objects.rs`).
//!   As `{objectType}` HubSpot takes a custom object's type id or its fully qualified
//!   name; the plain name (`pets`) is not accepted, so a connector that forgets to
//!   resolve it fails here as against HubSpot. [`ObjectType::parse`] takes the type id;
//!   the fully qualified name depends on the portal id and is resolved with
//!   [`ObjectType::resolve`]. Pets return `pet_name` by default and match `query`
//!   against it; their dates are `hs_createdate`/`hs_lastmodifieddate` like the custom
//!   object in the 2022 recordings.

/// One of the CRM object types the mock serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ObjectType {
    Contacts,
    Companies,
    Deals,
    Tickets,
    Products,
    LineItems,
    Quotes,
    Calls,
    Emails,
    Meetings,
    Notes,
    PostalMail,
    Tasks,
    Leads,
    /// The account's one custom object, `pets`.
    Pets,
}

/// The type id of the seeded custom object `pets`.
pub(crate) const PETS_TYPE_ID: &str = "2-3604285";

/// The facts about one object type, kept in one table so each exists once.
struct Facts {
    path_name: &'static str,
    type_id: &'static str,
    singular: &'static str,
    default_properties: &'static [&'static str],
    created_property: &'static str,
    modified_property: &'static str,
    searchable_properties: &'static [&'static str],
}

impl ObjectType {
    /// Every object type, in HubSpot's documentation order.
    pub(crate) const ALL: [ObjectType; 15] = [
        Self::Contacts,
        Self::Companies,
        Self::Deals,
        Self::Tickets,
        Self::Products,
        Self::LineItems,
        Self::Quotes,
        Self::Calls,
        Self::Emails,
        Self::Meetings,
        Self::Notes,
        Self::PostalMail,
        Self::Tasks,
        Self::Leads,
        Self::Pets,
    ];

    fn facts(self) -> Facts {
        match self {
            Self::Contacts => Facts {
                path_name: "contacts",
                type_id: "0-1",
                singular: "CONTACT",
                default_properties: &["firstname", "lastname", "email"],
                created_property: "createdate",
                modified_property: "lastmodifieddate",
                searchable_properties: &[
                    "firstname",
                    "lastname",
                    "email",
                    "phone",
                    "hs_additional_emails",
                    "fax",
                    "mobilephone",
                    "company",
                    "hs_marketable_until_renewal",
                ],
            },
            Self::Companies => Facts {
                path_name: "companies",
                type_id: "0-2",
                singular: "COMPANY",
                default_properties: &["name", "domain"],
                created_property: "createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["website", "phone", "name", "domain"],
            },
            Self::Deals => Facts {
                path_name: "deals",
                type_id: "0-3",
                singular: "DEAL",
                default_properties: &["dealname", "amount", "closedate", "pipeline", "dealstage"],
                created_property: "createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["dealname", "pipeline", "dealstage", "description", "dealtype"],
            },
            Self::Tickets => Facts {
                path_name: "tickets",
                type_id: "0-5",
                singular: "TICKET",
                default_properties: &[
                    "content",
                    "hs_pipeline",
                    "hs_pipeline_stage",
                    "hs_ticket_category",
                    "hs_ticket_priority",
                    "subject",
                ],
                created_property: "createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &[
                    "subject",
                    "content",
                    "hs_pipeline_stage",
                    "hs_ticket_category",
                    "hs_ticket_id",
                ],
            },
            Self::Products => Facts {
                path_name: "products",
                type_id: "0-7",
                singular: "PRODUCT",
                default_properties: &["name", "description", "price"],
                created_property: "createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["name", "description", "price", "hs_sku"],
            },
            Self::LineItems => Facts {
                path_name: "line_items",
                type_id: "0-8",
                singular: "LINE_ITEM",
                default_properties: &[],
                created_property: "createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["name", "description", "price", "quantity", "hs_sku"],
            },
            Self::Quotes => Facts {
                path_name: "quotes",
                type_id: "0-14",
                singular: "QUOTE",
                default_properties: &[],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &[
                    "hs_sender_firstname",
                    "hs_sender_lastname",
                    "hs_proposal_slug",
                    "hs_title",
                    "hs_sender_company_name",
                    "hs_sender_email",
                    "hs_quote_number",
                    "hs_public_url_key",
                ],
            },
            Self::Calls => Facts {
                path_name: "calls",
                type_id: "0-48",
                singular: "CALL",
                default_properties: &[],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["hs_call_title", "hs_body_preview"],
            },
            Self::Emails => Facts {
                path_name: "emails",
                type_id: "0-49",
                singular: "EMAIL",
                default_properties: &[],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["hs_email_subject"],
            },
            Self::Meetings => Facts {
                path_name: "meetings",
                type_id: "0-47",
                singular: "MEETING_EVENT",
                default_properties: &[],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["hs_meeting_title", "hs_meeting_body"],
            },
            Self::Notes => Facts {
                path_name: "notes",
                type_id: "0-46",
                singular: "NOTE",
                default_properties: &[],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["hs_note_body"],
            },
            Self::PostalMail => Facts {
                path_name: "postal_mail",
                type_id: "0-116",
                singular: "POSTAL_MAIL",
                default_properties: &[],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["hs_postal_mail_body"],
            },
            Self::Tasks => Facts {
                path_name: "tasks",
                type_id: "0-27",
                singular: "TASK",
                default_properties: &[],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["hs_task_body", "hs_task_subject"],
            },
            Self::Leads => Facts {
                path_name: "leads",
                type_id: "0-136",
                singular: "LEAD",
                default_properties: &[
                    "hs_lead_name",
                    "hs_lead_type",
                    "hs_lead_label",
                    "hs_pipeline",
                    "hs_pipeline_stage",
                ],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["hs_lead_name"],
            },
            Self::Pets => Facts {
                path_name: "pets",
                type_id: PETS_TYPE_ID,
                singular: "PETS",
                default_properties: &["pet_name"],
                created_property: "hs_createdate",
                modified_property: "hs_lastmodifieddate",
                searchable_properties: &["pet_name"],
            },
        }
    }

    /// Resolve an `{objectType}` path segment (see the module doc for the spellings).
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        let wanted = raw.trim();
        if wanted.eq_ignore_ascii_case("MEETING") {
            return Some(Self::Meetings);
        }
        Self::ALL.into_iter().find(|object_type| {
            let facts = object_type.facts();
            wanted == facts.type_id
                || (!object_type.is_custom()
                    && (wanted.eq_ignore_ascii_case(facts.path_name) || wanted.eq_ignore_ascii_case(facts.singular)))
        })
    }

    /// Resolve an `{objectType}` path segment of the account with `portal_id`: the
    /// spellings [`ObjectType::parse`] takes, plus a custom object's fully qualified name.
    pub(crate) fn resolve(raw: &str, portal_id: u64) -> Option<Self> {
        Self::parse(raw).or_else(|| {
            let wanted = raw.trim();
            Self::ALL
                .into_iter()
                .filter(|object_type| object_type.is_custom())
                .find(|object_type| wanted.eq_ignore_ascii_case(&object_type.fully_qualified_name(portal_id)))
        })
    }

    /// Whether this is one of the account's custom objects.
    pub(crate) fn is_custom(self) -> bool {
        self.type_id().starts_with("2-")
    }

    /// The name HubSpot qualifies with the portal id: `p{portalId}_{name}` for a custom
    /// object, the path name for a standard one.
    pub(crate) fn fully_qualified_name(self, portal_id: u64) -> String {
        if self.is_custom() {
            format!("p{portal_id}_{}", self.path_name())
        } else {
            self.path_name().to_owned()
        }
    }

    /// The plural path name, e.g. `line_items`.
    pub(crate) fn path_name(self) -> &'static str {
        self.facts().path_name
    }

    /// The object type id, e.g. `0-8`.
    pub(crate) fn type_id(self) -> &'static str {
        self.facts().type_id
    }

    /// The singular upper-case name HubSpot uses in error contexts, e.g. `LINE_ITEM`;
    /// lower-cased it is the name in association labels (`meeting_event_to_contact`).
    pub(crate) fn singular(self) -> &'static str {
        self.facts().singular
    }

    /// Properties returned when a read names none (system properties come on top).
    pub(crate) fn default_properties(self) -> &'static [&'static str] {
        self.facts().default_properties
    }

    /// The property holding the creation time.
    pub(crate) fn created_property(self) -> &'static str {
        self.facts().created_property
    }

    /// The property holding the last modification time.
    pub(crate) fn modified_property(self) -> &'static str {
        self.facts().modified_property
    }

    /// The properties HubSpot maintains on every record of this type and always returns.
    pub(crate) fn system_properties(self) -> [&'static str; 3] {
        ["hs_object_id", self.created_property(), self.modified_property()]
    }

    /// The properties every record of the type must have: a create must set them and an
    /// update may not clear them (a custom object's `requiredProperties`).
    pub(crate) fn required_properties(self) -> &'static [&'static str] {
        match self {
            Self::Pets => &["pet_name"],
            _ => &[],
        }
    }

    /// The properties a search `query` matches against.
    pub(crate) fn searchable_properties(self) -> &'static [&'static str] {
        self.facts().searchable_properties
    }

    /// The pipeline and stage properties of types that have pipelines.
    pub(crate) fn pipeline_properties(self) -> Option<PipelineProperties> {
        match self {
            Self::Deals => Some(PipelineProperties {
                pipeline: "pipeline",
                stage: "dealstage",
                default_pipeline: "default",
            }),
            Self::Tickets => Some(PipelineProperties {
                pipeline: "hs_pipeline",
                stage: "hs_pipeline_stage",
                default_pipeline: "0",
            }),
            Self::Leads => Some(PipelineProperties {
                pipeline: "hs_pipeline",
                stage: "hs_pipeline_stage",
                default_pipeline: "lead-pipeline-id",
            }),
            _ => None,
        }
    }
}

/// Which properties of a record name its pipeline and stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PipelineProperties {
    pub(crate) pipeline: &'static str,
    pub(crate) stage: &'static str,
    /// The pipeline a record is in when it names none.
    pub(crate) default_pipeline: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_type_parse_accepts_every_documented_spelling() {
        for object_type in ObjectType::ALL
            .into_iter()
            .filter(|object_type| !object_type.is_custom())
        {
            assert_eq!(ObjectType::parse(object_type.path_name()), Some(object_type));
            assert_eq!(ObjectType::parse(object_type.type_id()), Some(object_type));
            assert_eq!(ObjectType::parse(object_type.singular()), Some(object_type));
            let lower = object_type.singular().to_ascii_lowercase();
            assert_eq!(ObjectType::parse(&lower), Some(object_type));
        }
        assert_eq!(ObjectType::parse("CONTACT"), Some(ObjectType::Contacts));
        assert_eq!(ObjectType::parse("MEETING"), Some(ObjectType::Meetings));
        assert_eq!(ObjectType::parse("0-116"), Some(ObjectType::PostalMail));
        assert_eq!(ObjectType::parse("0-136"), Some(ObjectType::Leads));
        assert_eq!(ObjectType::parse("LEAD"), Some(ObjectType::Leads));
    }

    #[test]
    fn object_type_custom_objects_go_by_type_id_or_fully_qualified_name_only() {
        assert_eq!(ObjectType::parse("2-3604285"), Some(ObjectType::Pets));
        for refused in ["pets", "PETS", "pet", "p_pets", "p12345678_pets"] {
            assert_eq!(ObjectType::parse(refused), None, "{refused}");
        }
        assert_eq!(
            ObjectType::resolve("p12345678_pets", 12_345_678),
            Some(ObjectType::Pets)
        );
        assert_eq!(
            ObjectType::resolve("P12345678_PETS", 12_345_678),
            Some(ObjectType::Pets)
        );
        assert_eq!(ObjectType::resolve("2-3604285", 1), Some(ObjectType::Pets));
        assert_eq!(ObjectType::resolve("contacts", 1), Some(ObjectType::Contacts));
        for refused in ["p1_pets", "pets", "p12345678_pet"] {
            assert_eq!(ObjectType::resolve(refused, 12_345_678), None, "{refused}");
        }
        assert_eq!(ObjectType::Pets.fully_qualified_name(42), "p42_pets");
        assert_eq!(ObjectType::Deals.fully_qualified_name(42), "deals");
        assert!(ObjectType::Pets.is_custom() && !ObjectType::Leads.is_custom());
    }

    #[test]
    fn object_type_parse_rejects_unknown_and_camel_case_names() {
        for raw in ["lineItems", "postalMails", "widgets", "2-123", "0-4", "", "p_thing"] {
            assert_eq!(ObjectType::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn object_type_ids_and_names_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for object_type in ObjectType::ALL {
            assert!(seen.insert(object_type.type_id()));
            assert!(seen.insert(object_type.path_name()));
            assert!(seen.insert(object_type.singular()));
        }
    }

    #[test]
    fn object_type_system_properties_match_hubspot_naming() {
        assert_eq!(
            ObjectType::Contacts.system_properties(),
            ["hs_object_id", "createdate", "lastmodifieddate"]
        );
        assert_eq!(
            ObjectType::Companies.system_properties(),
            ["hs_object_id", "createdate", "hs_lastmodifieddate"]
        );
        assert_eq!(
            ObjectType::Calls.system_properties(),
            ["hs_object_id", "hs_createdate", "hs_lastmodifieddate"]
        );
    }
}
