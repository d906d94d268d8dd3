//! The records a mock started from the command line holds, so that examples
//! that read, update or list work as written: a company, two contacts, a deal
//! and two pets (the mock account's custom object), the first contact
//! associated with the company (its primary company) and with the deal. The
//! account's owners, its association labels and the pets schema come with the
//! mock itself.

use hubspot_mock::MockServer;

/// One sample record: its type, id and property values.
type SampleRecord = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

/// The sample records.
const RECORDS: &[SampleRecord] = &[
    (
        "companies",
        "20000001",
        &[("name", "Acme Corporation"), ("domain", "acme.example.com")],
    ),
    (
        "contacts",
        "10000001",
        &[
            ("email", "john.doe@example.com"),
            ("firstname", "John"),
            ("lastname", "Doe"),
        ],
    ),
    (
        "contacts",
        "10000002",
        &[
            ("email", "jane.smith@example.com"),
            ("firstname", "Jane"),
            ("lastname", "Smith"),
        ],
    ),
    (
        "deals",
        "30000001",
        &[
            ("dealname", "Acme renewal"),
            ("amount", "12000"),
            ("pipeline", "default"),
            ("dealstage", "appointmentscheduled"),
        ],
    ),
    ("2-3604285", "1001", &[("pet_name", "Rex"), ("species", "dog")]),
    ("2-3604285", "1002", &[("pet_name", "Misty"), ("species", "cat")]),
];

/// The sample associations: from type and id, to type and id, HubSpot's type id.
const ASSOCIATIONS: &[(&str, &str, &str, &str, u32)] = &[
    ("contacts", "10000001", "companies", "20000001", 1),
    ("deals", "30000001", "contacts", "10000001", 3),
];

/// Seeds the sample records and their associations into `server`.
pub fn seed(server: &MockServer) -> Result<(), String> {
    for (object_type, id, properties) in RECORDS {
        server
            .seed_record(object_type, id, properties)
            .map_err(|error| format!("the sample {object_type} {id} could not be seeded: {error}"))?;
    }
    for (from, from_id, to, to_id, type_id) in ASSOCIATIONS {
        server
            .seed_association(from, from_id, to, to_id, *type_id)
            .map_err(|error| format!("the sample association {from} {from_id} → {to} {to_id}: {error}"))?;
    }
    Ok(())
}
