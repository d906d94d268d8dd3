//! What can go wrong when a test seeds the mock's state directly: the error of
//! [`MockServer`](crate::MockServer)'s `seed_*` methods.

use std::fmt;

/// What can go wrong when a test seeds the mock's state directly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MockError {
    /// The object type is none of the 14 the mock serves.
    UnknownObjectType(String),
    /// A record id must be a non-empty string of ASCII digits that fits in a `u64`.
    InvalidRecordId(String),
    /// No record (archived or not) has this id.
    RecordNotFound {
        /// The object type's path name, e.g. `contacts`.
        object_type: String,
        /// The id looked for.
        id: String,
    },
    /// HubSpot defines no association type with this id from the first object type
    /// to the second.
    InvalidAssociationType {
        /// The object type associated from.
        from_type: String,
        /// The object type associated to.
        to_type: String,
        /// The association type id that does not fit the pair.
        type_id: u32,
    },
    /// The JSON given as a pipeline lacks a member HubSpot's `Pipeline` requires, or
    /// has it with the wrong type.
    InvalidPipeline(String),
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownObjectType(name) => write!(f, "unknown object type `{name}`"),
            Self::InvalidRecordId(id) => {
                write!(f, "record id `{id}` is not a string of digits")
            }
            Self::RecordNotFound { object_type, id } => {
                write!(f, "no {object_type} record has id {id}")
            }
            Self::InvalidAssociationType {
                from_type,
                to_type,
                type_id,
            } => write!(
                f,
                "association type {type_id} does not lead from {from_type} to {to_type}"
            ),
            Self::InvalidPipeline(reason) => write!(f, "invalid pipeline: {reason}"),
        }
    }
}

impl std::error::Error for MockError {}
