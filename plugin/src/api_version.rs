//! HubSpot's API versions the connector can speak, and the path prefix of
//! every API family under each. Adding a version is one row of [`VERSIONS`].
//!
//! Since 2026-03-30 HubSpot's standard paths carry a date-based version
//! (`/crm/objects/2026-09/{type}`); the unversioned `v3` paths stay
//! selectable until HubSpot stops supporting them (September 2027).

use crate::error::Error;
use crate::input_path::{Field, InputPath};

/// How a version spells its paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// `/crm/v3/objects`, `/crm/v3/pipelines`, …
    Legacy,
    /// `/crm/objects/{version}`, `/crm/pipelines/{version}`, …
    Dated,
}

/// One version the connector can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiVersion {
    /// The name a connection gives, such as `2026-09`.
    pub name: &'static str,
    /// What a caller should know when choosing it.
    pub status: &'static str,
    scheme: Scheme,
    /// Whether the version reads one record's associations with
    /// `GET {record associations}/{type}/{id}/associations/{toType}`; without
    /// it they are read with the batch read of one record.
    pub reads_record_associations: bool,
}

/// The versions, newest first; the first is the default.
pub const VERSIONS: &[ApiVersion] = &[
    ApiVersion {
        name: "2026-09",
        status: "HubSpot's newest generally available version (released 2026-09-08); \
                 writes obey the account's validation rules",
        scheme: Scheme::Dated,
        // Its specification (associations.json) has no single-record read.
        reads_record_associations: false,
    },
    ApiVersion {
        name: "2026-03",
        status: "the previous date-based version (released 2026-03-30), supported until 2027-09",
        scheme: Scheme::Dated,
        reads_record_associations: true,
    },
    ApiVersion {
        name: "v3",
        status: "the unversioned v3 APIs, which HubSpot stops supporting in September 2027",
        scheme: Scheme::Legacy,
        reads_record_associations: true,
    },
];

/// A family of HubSpot APIs: the part of the path the version applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Records: `/crm/objects/{version}/{type}…`.
    Objects,
    /// Pipelines and stages: `/crm/pipelines/{version}/{type}…`.
    Pipelines,
    /// Property definitions: `/crm/properties/{version}/{type}…`.
    Properties,
    /// The account's users who own records: `/crm/owners/{version}`.
    Owners,
    /// Custom object schemas: `/crm-object-schemas/{version}/schemas`, the
    /// one family outside `/crm/` (`/crm-object-schemas/v3/schemas` in v3).
    Schemas,
    /// One record's associations: `/crm/objects/{version}/{type}/{id}/associations…`.
    /// HubSpot's v3 has no labels, so v3 connections use v4 (`/crm/v4/objects`).
    RecordAssociations,
    /// Associations in batches: `/crm/associations/{version}/{from}/{to}/batch/…`
    /// (`/crm/v4/associations` for v3 connections).
    Associations,
    /// The association types and labels between two object types:
    /// `/crm/associations/{version}/{from}/{to}/labels` (`/crm/associations/v4`
    /// for v3 connections).
    AssociationLabels,
}

impl Family {
    /// The name inside the path: `objects` in `/crm/objects/2026-09`.
    fn segment(self) -> &'static str {
        match self {
            Self::Objects => "objects",
            Self::Pipelines => "pipelines",
            Self::Properties => "properties",
            Self::Owners => "owners",
            Self::Schemas => "schemas",
            Self::RecordAssociations => "objects",
            Self::Associations | Self::AssociationLabels => "associations",
        }
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        VERSIONS[0]
    }
}

impl ApiVersion {
    /// The version a connection names; `None` for the default.
    pub fn from_connection(name: Option<&str>) -> Result<Self, Error> {
        let Some(name) = name else {
            return Ok(Self::default());
        };
        Self::named(name.trim()).ok_or_else(|| {
            Error::invalid(
                &InputPath::root().field(Field::Connection).field(Field::ApiVersion),
                format!(
                    "HubSpot API version `{}` is not one the connector speaks; use one of {} (absent means {})",
                    crate::validate::shorten(name),
                    names().join(", "),
                    Self::default().name
                ),
            )
        })
    }

    /// The version called `name`, if the connector speaks it.
    pub fn named(name: &str) -> Option<Self> {
        VERSIONS.iter().find(|version| version.name == name).copied()
    }

    /// The path prefix of `family` under this version, without a trailing slash.
    pub fn prefix(self, family: Family) -> String {
        match (self.scheme, family) {
            (Scheme::Legacy, Family::Schemas) => "/crm-object-schemas/v3/schemas".to_owned(),
            (Scheme::Dated, Family::Schemas) => format!("/crm-object-schemas/{}/schemas", self.name),
            (Scheme::Legacy, Family::RecordAssociations) => "/crm/v4/objects".to_owned(),
            (Scheme::Legacy, Family::Associations) => "/crm/v4/associations".to_owned(),
            (Scheme::Legacy, Family::AssociationLabels) => "/crm/associations/v4".to_owned(),
            (Scheme::Legacy, _) => format!("/crm/v3/{}", family.segment()),
            (Scheme::Dated, _) => format!("/crm/{}/{}", family.segment(), self.name),
        }
    }
}

/// The names of every version, newest first.
pub fn names() -> Vec<&'static str> {
    VERSIONS.iter().map(|version| version.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input_path::Vocabulary;

    #[test]
    fn the_default_is_the_newest_dated_version() {
        assert_eq!(ApiVersion::from_connection(None).map(|v| v.name), Ok("2026-09"));
        assert_eq!(ApiVersion::default().scheme, Scheme::Dated);
    }

    #[test]
    fn each_version_spells_its_paths() {
        let cases = [
            ("2026-09", Family::Objects, "/crm/objects/2026-09"),
            ("2026-09", Family::Pipelines, "/crm/pipelines/2026-09"),
            ("2026-03", Family::Properties, "/crm/properties/2026-03"),
            ("v3", Family::Objects, "/crm/v3/objects"),
            ("v3", Family::Pipelines, "/crm/v3/pipelines"),
            ("v3", Family::Properties, "/crm/v3/properties"),
            ("2026-09", Family::Owners, "/crm/owners/2026-09"),
            ("v3", Family::Owners, "/crm/v3/owners"),
            ("2026-03", Family::Schemas, "/crm-object-schemas/2026-03/schemas"),
            ("v3", Family::Schemas, "/crm-object-schemas/v3/schemas"),
            ("v3", Family::RecordAssociations, "/crm/v4/objects"),
            ("v3", Family::Associations, "/crm/v4/associations"),
            ("v3", Family::AssociationLabels, "/crm/associations/v4"),
            ("2026-03", Family::RecordAssociations, "/crm/objects/2026-03"),
            ("2026-09", Family::Associations, "/crm/associations/2026-09"),
            ("2026-09", Family::AssociationLabels, "/crm/associations/2026-09"),
        ];
        for (name, family, prefix) in cases {
            let version = ApiVersion::from_connection(Some(name));
            assert_eq!(version.map(|v| v.prefix(family)), Ok(prefix.to_owned()), "{name}");
        }
    }

    #[test]
    fn an_unknown_version_lists_the_accepted_ones() {
        for bad in ["2025-09", "v4", "", "2026-09-beta", "latest"] {
            match ApiVersion::from_connection(Some(bad)) {
                Err(Error::InvalidInput(problem)) => {
                    assert_eq!(problem.path_in(Vocabulary::Json), "connection.apiVersion");
                    for name in names() {
                        assert!(problem.message.contains(name), "{bad}: {}", problem.message);
                    }
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn version_names_are_unique() {
        let mut seen = names();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), VERSIONS.len());
    }
}
