//! The CRM object types the connector knows: their names, HubSpot path names,
//! type ids and the scopes (of a Service Key or private app) that unlock them. The one table of them.

use std::fmt;

/// One of the connector's built-in CRM entities.
#[derive(Debug, PartialEq, Eq)]
pub struct Entity {
    /// The connector's name, as the specification spells it (`lineItems`).
    pub name: &'static str,
    /// HubSpot's labels for one record and for many.
    pub labels: Labels,
    /// HubSpot's path segment (`line_items`).
    pub path_name: &'static str,
    /// HubSpot's object type id (`0-8`).
    pub type_id: &'static str,
    /// Scopes any one of which allows reading (from HubSpot's OpenAPI `security`).
    /// The first is the one to recommend: the setup guide's, when it names one.
    pub read_scopes: &'static [&'static str],
    /// Scopes any one of which allows writing; the first is the one to recommend.
    pub write_scopes: &'static [&'static str],
    /// The properties read, search and list ask for when the caller names
    /// none: an engagement's content, which HubSpot leaves out of its own
    /// defaults. Empty for HubSpot's defaults.
    pub default_properties: &'static [&'static str],
    /// Whether records of this type live in pipelines.
    pub has_pipelines: bool,
    /// What HubSpot requires of every create of this type.
    pub create_requires: CreateRequires,
}

/// How HubSpot's interface names an object type.
#[derive(Debug, PartialEq, Eq)]
pub struct Labels {
    /// One record: `Line item`.
    pub singular: &'static str,
    /// Many records: `Line items`.
    pub plural: &'static str,
}

/// What HubSpot requires of a new record beyond valid values.
#[derive(Debug, PartialEq, Eq)]
pub struct CreateRequires {
    /// Properties that must have a value.
    pub properties: &'static [&'static str],
    /// An association to an existing record, described for the caller: the
    /// target entity and HubSpot's default association type id to it.
    pub association: Option<(&'static str, u32)>,
}

/// Nothing beyond valid values.
const NOTHING: CreateRequires = CreateRequires {
    properties: &[],
    association: None,
};

/// The built-in entities: the specification's, in its order, then Leads.
pub const ENTITIES: &[Entity] = &[
    Entity {
        name: "companies",
        labels: Labels {
            singular: "Company",
            plural: "Companies",
        },
        path_name: "companies",
        type_id: "0-2",
        read_scopes: &["crm.objects.companies.read"],
        write_scopes: &["crm.objects.companies.write"],
        default_properties: &[],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "contacts",
        labels: Labels {
            singular: "Contact",
            plural: "Contacts",
        },
        path_name: "contacts",
        type_id: "0-1",
        read_scopes: &["crm.objects.contacts.read"],
        write_scopes: &["crm.objects.contacts.write"],
        default_properties: &[],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "deals",
        labels: Labels {
            singular: "Deal",
            plural: "Deals",
        },
        path_name: "deals",
        type_id: "0-3",
        read_scopes: &["crm.objects.deals.read"],
        write_scopes: &["crm.objects.deals.write"],
        default_properties: &[],
        has_pipelines: true,
        create_requires: NOTHING,
    },
    Entity {
        name: "lineItems",
        labels: Labels {
            singular: "Line item",
            plural: "Line items",
        },
        path_name: "line_items",
        type_id: "0-8",
        read_scopes: &["crm.objects.line_items.read", "e-commerce"],
        write_scopes: &["crm.objects.line_items.write", "e-commerce"],
        default_properties: &[],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "products",
        labels: Labels {
            singular: "Product",
            plural: "Products",
        },
        path_name: "products",
        type_id: "0-7",
        read_scopes: &["crm.objects.products.read", "e-commerce"],
        write_scopes: &["crm.objects.products.write", "e-commerce"],
        default_properties: &[],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "tickets",
        labels: Labels {
            singular: "Ticket",
            plural: "Tickets",
        },
        path_name: "tickets",
        type_id: "0-5",
        read_scopes: &["crm.objects.tickets.read", "tickets"],
        write_scopes: &["crm.objects.tickets.write", "tickets"],
        default_properties: &[],
        has_pipelines: true,
        create_requires: NOTHING,
    },
    Entity {
        name: "quotes",
        labels: Labels {
            singular: "Quote",
            plural: "Quotes",
        },
        path_name: "quotes",
        type_id: "0-14",
        read_scopes: &["crm.objects.quotes.read", "e-commerce"],
        write_scopes: &["crm.objects.quotes.write", "e-commerce"],
        default_properties: &[],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "calls",
        labels: Labels {
            singular: "Call",
            plural: "Calls",
        },
        path_name: "calls",
        type_id: "0-48",
        read_scopes: &["crm.objects.contacts.read"],
        write_scopes: &["crm.objects.contacts.write"],
        default_properties: &[
            "hs_call_title",
            "hs_call_body",
            "hs_call_direction",
            "hs_call_duration",
            "hs_timestamp",
        ],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "emails",
        labels: Labels {
            singular: "Email",
            plural: "Emails",
        },
        path_name: "emails",
        type_id: "0-49",
        read_scopes: &["crm.objects.contacts.read", "sales-email-read"],
        write_scopes: &["crm.objects.contacts.write", "sales-email-read"],
        default_properties: &[
            "hs_email_subject",
            "hs_email_text",
            "hs_email_direction",
            "hs_timestamp",
        ],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "meetings",
        labels: Labels {
            singular: "Meeting",
            plural: "Meetings",
        },
        path_name: "meetings",
        type_id: "0-47",
        read_scopes: &["crm.objects.contacts.read"],
        write_scopes: &["crm.objects.contacts.write"],
        default_properties: &[
            "hs_meeting_title",
            "hs_meeting_body",
            "hs_meeting_start_time",
            "hs_meeting_end_time",
            "hs_timestamp",
        ],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "notes",
        labels: Labels {
            singular: "Note",
            plural: "Notes",
        },
        path_name: "notes",
        type_id: "0-46",
        read_scopes: &["crm.objects.contacts.read"],
        write_scopes: &["crm.objects.contacts.write"],
        default_properties: &["hs_note_body", "hs_timestamp"],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "postalMails",
        labels: Labels {
            singular: "Postal mail",
            plural: "Postal mail",
        },
        path_name: "postal_mail",
        type_id: "0-116",
        read_scopes: &["crm.objects.contacts.read"],
        write_scopes: &["crm.objects.contacts.write"],
        default_properties: &["hs_postal_mail_body", "hs_timestamp"],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    Entity {
        name: "tasks",
        labels: Labels {
            singular: "Task",
            plural: "Tasks",
        },
        path_name: "tasks",
        type_id: "0-27",
        read_scopes: &["crm.objects.contacts.read"],
        write_scopes: &["crm.objects.contacts.write"],
        default_properties: &[
            "hs_task_subject",
            "hs_task_body",
            "hs_task_status",
            "hs_task_priority",
            "hs_timestamp",
        ],
        has_pipelines: false,
        create_requires: NOTHING,
    },
    // HubSpot's leads guide: a new lead must have a name and be associated
    // with an existing contact (type 578, lead to primary contact).
    Entity {
        name: "leads",
        labels: Labels {
            singular: "Lead",
            plural: "Leads",
        },
        path_name: "leads",
        type_id: "0-136",
        read_scopes: &["crm.objects.leads.read"],
        write_scopes: &["crm.objects.leads.write"],
        default_properties: &[],
        has_pipelines: true,
        create_requires: CreateRequires {
            properties: &["hs_lead_name"],
            association: Some(("contacts", LEAD_TO_PRIMARY_CONTACT)),
        },
    },
];

/// HubSpot's default association type from a lead to its primary contact.
pub const LEAD_TO_PRIMARY_CONTACT: u32 = 578;

/// The scopes the setup guide asks a Service Key to have.
pub const RECOMMENDED_SCOPES: &[&str] = &[
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.tickets.read",
    "crm.objects.tickets.write",
    "crm.objects.quotes.read",
    "crm.objects.quotes.write",
    "crm.objects.line_items.read",
    "crm.objects.line_items.write",
    "crm.schemas.read",
    // Beyond the specification's guide, which predates Leads.
    "crm.objects.leads.read",
    "crm.objects.leads.write",
];

/// Longest custom object type id accepted (`2-` and up to 18 digits).
const MAX_CUSTOM_ID_DIGITS: usize = 18;
/// Longest custom object name accepted (fully qualified: `p<portal>_<name>`).
pub const MAX_CUSTOM_NAME_CHARS: usize = 100;

/// An object type a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType<'a> {
    /// One of [`ENTITIES`].
    Builtin(&'static Entity),
    /// A custom object, by its type id (`2-3604285`).
    Custom(&'a str),
    /// A custom object by its name or fully qualified name (`pets`,
    /// `p12345678_pets`): only the account's schemas turn it into a type id,
    /// so no request is sent to its path until they have.
    Named(&'a str),
}

/// Why a string is not an object type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownObjectType;

impl fmt::Display for UnknownObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "must be one of {}, HubSpot's path names line_items and postal_mail, \
             an object type id such as 0-1, or a custom object's name or type id such as 2-1234567 \
             (get-object-types lists them)",
            entity_names().join(", ")
        )
    }
}

impl<'a> ObjectType<'a> {
    /// Resolves a connector name, HubSpot path name, object type id, custom
    /// object type id or custom object name. Built-in names are matched
    /// exactly (HubSpot's are lower case); a near miss of one (`Contacts`,
    /// `deal`) is refused rather than looked up as a custom object.
    pub fn parse(text: &'a str) -> Result<Self, UnknownObjectType> {
        if let Some(entity) = ENTITIES
            .iter()
            .find(|e| e.name == text || e.path_name == text || e.type_id == text)
        {
            return Ok(Self::Builtin(entity));
        }
        match text.strip_prefix("2-") {
            Some(digits)
                if !digits.is_empty()
                    && digits.len() <= MAX_CUSTOM_ID_DIGITS
                    && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Ok(Self::Custom(text))
            }
            _ if is_custom_name(text) && !near_builtin(text) => Ok(Self::Named(text)),
            _ => Err(UnknownObjectType),
        }
    }

    /// The segment that names this type in HubSpot's URLs.
    pub fn path_segment(&self) -> &'a str {
        match self {
            Self::Builtin(entity) => entity.path_name,
            Self::Custom(id) | Self::Named(id) => id,
        }
    }

    /// The properties to ask for when the caller names none (see
    /// [`Entity::default_properties`]); custom objects keep HubSpot's defaults.
    pub fn default_properties(&self) -> &'static [&'static str] {
        self.entity().map_or(&[], |entity| entity.default_properties)
    }

    /// The built-in entity, if this is one.
    pub fn entity(&self) -> Option<&'static Entity> {
        match self {
            Self::Builtin(entity) => Some(entity),
            Self::Custom(_) | Self::Named(_) => None,
        }
    }
}

/// A custom object's name as HubSpot allows it: a letter, then letters,
/// digits and underscores (which also covers `p<portal>_<name>`).
fn is_custom_name(text: &str) -> bool {
    text.len() <= MAX_CUSTOM_NAME_CHARS
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether `text` is a built-in name in other letter case, singular, or
/// without its separators (`Contacts`, `deal`, `company`, `LINE_ITEM`).
fn near_builtin(text: &str) -> bool {
    let given = singular_stem(text);
    near_miss_stems().any(|stem| stem == given)
}

/// The stem every near miss of a built-in name folds to: lower case, no
/// underscores, singular (`line_items` and `lineItem` → `lineitem`,
/// `companies` → `company`).
fn singular_stem(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if let Some(stem) = folded.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        folded.strip_suffix('s').map(str::to_owned).unwrap_or(folded)
    }
}

/// The stems of the built-in names and path names.
fn near_miss_stems() -> impl Iterator<Item = String> {
    ENTITIES
        .iter()
        .flat_map(|entity| [entity.name, entity.path_name])
        .map(singular_stem)
}

/// A regular expression (ECMA-262, for JSON Schema) matching exactly the
/// texts [`ObjectType::parse`] refuses as near misses of a built-in name.
pub fn near_miss_pattern() -> String {
    let mut stems: Vec<String> = near_miss_stems().collect();
    stems.sort();
    stems.dedup();
    let any_case = |c: char| format!("[{}{}]_*", c.to_ascii_lowercase(), c.to_ascii_uppercase());
    let alternatives: Vec<String> = stems
        .iter()
        .map(|stem| match stem.strip_suffix('y') {
            // `company`, `companies`
            Some(head) => format!(
                "{}(?:{}|{}{}{})",
                head.chars().map(any_case).collect::<String>(),
                any_case('y'),
                any_case('i'),
                any_case('e'),
                any_case('s')
            ),
            None => format!(
                "{}(?:{})?",
                stem.chars().map(any_case).collect::<String>(),
                any_case('s')
            ),
        })
        .collect();
    format!("^_*(?:{})$", alternatives.join("|"))
}

/// The connector's entity names, in the specification's order.
pub fn entity_names() -> Vec<&'static str> {
    ENTITIES.iter().map(|e| e.name).collect()
}

/// Every spelling [`ObjectType::parse`] accepts for a built-in entity.
pub fn accepted_names() -> Vec<&'static str> {
    spellings(ENTITIES.iter())
}

/// Every spelling of the built-in entities that have pipelines.
pub fn pipelined_names() -> Vec<&'static str> {
    spellings(ENTITIES.iter().filter(|e| e.has_pipelines))
}

/// Names first, then the path names that differ, then the type ids.
fn spellings<'a>(entities: impl Iterator<Item = &'a Entity> + Clone) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = entities.clone().map(|e| e.name).collect();
    names.extend(entities.clone().filter(|e| e.path_name != e.name).map(|e| e.path_name));
    names.extend(entities.map(|e| e.type_id));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_line_items_resolves_to_one_entity() {
        for text in ["lineItems", "line_items", "0-8"] {
            let parsed = ObjectType::parse(text).map(|t| t.path_segment());
            assert_eq!(parsed, Ok("line_items"), "{text}");
        }
        assert_eq!(
            ObjectType::parse("postalMails").map(|t| t.path_segment()),
            Ok("postal_mail")
        );
    }

    #[test]
    fn custom_object_type_ids_are_accepted_and_kept() {
        assert_eq!(ObjectType::parse("2-3604285"), Ok(ObjectType::Custom("2-3604285")));
        for bad in ["2-", "2-12a", "2-1234567890123456789", "3-1"] {
            assert_eq!(ObjectType::parse(bad), Err(UnknownObjectType), "{bad}");
        }
    }

    #[test]
    fn custom_object_names_wait_for_the_schemas() {
        for name in ["pets", "p12345678_pets", "Vehicles", "p_cars"] {
            assert_eq!(ObjectType::parse(name), Ok(ObjectType::Named(name)), "{name}");
        }
        for bad in ["my pets", "_pets", "9lives", "pets-2", "", &"x".repeat(101)] {
            assert_eq!(ObjectType::parse(bad), Err(UnknownObjectType), "{bad}");
        }
    }

    #[test]
    fn near_misses_of_built_in_names_are_refused_at_once() {
        for near in [
            "Contacts",
            "contact",
            "DEAL",
            "Leads",
            "lineitems",
            "LINE_ITEM",
            "postalMail",
            "Postal_Mail",
        ] {
            assert_eq!(ObjectType::parse(near), Err(UnknownObjectType), "{near}");
        }
    }

    #[test]
    fn unknown_names_are_rejected_with_the_list_of_entities() {
        assert_eq!(ObjectType::parse("Contacts"), Err(UnknownObjectType));
        let message = UnknownObjectType.to_string();
        for entity in ENTITIES {
            assert!(message.contains(entity.name), "{message}");
        }
    }

    #[test]
    fn the_recommended_scope_of_each_entity_is_the_setup_guide_s() {
        for entity in ENTITIES {
            for scopes in [entity.read_scopes, entity.write_scopes] {
                if scopes.iter().any(|scope| RECOMMENDED_SCOPES.contains(scope)) {
                    assert!(RECOMMENDED_SCOPES.contains(&scopes[0]), "{}: {scopes:?}", entity.name);
                }
            }
        }
    }

    #[test]
    fn deals_tickets_and_leads_are_the_pipelined_entities() {
        assert_eq!(pipelined_names(), ["deals", "tickets", "leads", "0-3", "0-5", "0-136"]);
    }

    #[test]
    fn engagements_and_only_they_ask_for_their_content_and_timestamp() {
        let engagements = ["calls", "emails", "meetings", "notes", "postalMails", "tasks"];
        for entity in ENTITIES {
            let defaults = entity.default_properties;
            assert_eq!(
                defaults.contains(&"hs_timestamp"),
                engagements.contains(&entity.name),
                "{}",
                entity.name
            );
        }
        let note = ObjectType::parse("0-46").unwrap();
        assert_eq!(note.default_properties(), ["hs_note_body", "hs_timestamp"]);
        assert!(ObjectType::parse("2-3604285").unwrap().default_properties().is_empty());
    }

    #[test]
    fn names_ids_and_path_names_are_unique() {
        let names = accepted_names();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(ENTITIES.len(), 14);
    }
}
