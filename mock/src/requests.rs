//! The JSON bodies the record endpoints accept, read as leniently as HubSpot's Jackson
//! reads them, and the "Invalid input JSON" 400 when they cannot be read.
//!
//! Like Jackson reading into `Map<String, String>`, a property value may be a JSON string,
//! number or boolean (kept as its JSON text) or `null` (read as `""`, clearing the
//! value); an array or object is a 400. Unknown members are ignored; a missing or `null`
//! `properties`/`associations` counts as empty.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::errors::ApiError;

/// A scalar JSON value read as the string HubSpot stores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scalar(pub(crate) String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;

        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or null")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Scalar, E> {
                Ok(Scalar(value.to_owned()))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Scalar, E> {
                Ok(Scalar(value))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Scalar, E> {
                Ok(Scalar(serde_json::Value::from(value).to_string()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::default())
            }

            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::default())
            }
        }

        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// Property values keyed by name.
pub(crate) type PropertyMap = BTreeMap<String, Scalar>;

/// Turn read property values into the strings to store.
pub(crate) fn into_strings(properties: PropertyMap) -> BTreeMap<String, String> {
    properties
        .into_iter()
        .map(|(name, Scalar(value))| (name, value))
        .collect()
}

/// `POST /crm/v3/objects/{objectType}`: `SimplePublicObjectInputForCreate`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateBody {
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) properties: PropertyMap,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) associations: Vec<AssociationInput>,
}

/// `PATCH /crm/v3/objects/{objectType}/{objectId}`: `SimplePublicObjectInput`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateBody {
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) properties: PropertyMap,
}

/// One entry of a create's `associations`: `PublicAssociationsForObject`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssociationInput {
    pub(crate) to: ObjectReference,
    pub(crate) types: Vec<AssociationSpec>,
}

/// `PublicObjectId`; HubSpot's own examples send the id as a number, too.
#[derive(Debug, Deserialize)]
pub(crate) struct ObjectReference {
    pub(crate) id: Scalar,
}

/// `AssociationSpec`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssociationSpec {
    pub(crate) association_category: AssociationCategory,
    pub(crate) association_type_id: u32,
}

/// Who defined an association type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum AssociationCategory {
    HubspotDefined,
    UserDefined,
    IntegratorDefined,
    Work,
}

impl AssociationCategory {
    /// The name as HubSpot spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::HubspotDefined => "HUBSPOT_DEFINED",
            Self::UserDefined => "USER_DEFINED",
            Self::IntegratorDefined => "INTEGRATOR_DEFINED",
            Self::Work => "WORK",
        }
    }
}

/// `POST /oauth/v2/private-apps/get/access-token-info`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenInfoBody {
    pub(crate) token_key: String,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Read a request body as `T`, or the 400 HubSpot answers.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::missing_body());
    }
    serde_json::from_slice(body).map_err(|error| ApiError::invalid_json(&error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_create_body_coerces_scalars_like_jackson() {
        let body: Result<CreateBody, _> = parse(
            br#"{"properties":{"a":"x","b":1500,"c":true,"d":null,"e":1.5},
                 "associations":[{"to":{"id":201},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":3}]}],
                 "ignored":[1]}"#,
        );
        let Ok(body) = body else {
            panic!("{body:?}");
        };
        let properties = into_strings(body.properties);
        assert_eq!(properties["a"], "x");
        assert_eq!(properties["b"], "1500");
        assert_eq!(properties["c"], "true");
        assert_eq!(properties["d"], "");
        assert_eq!(properties["e"], "1.5");
        assert_eq!(body.associations[0].to.id.0, "201");
        assert_eq!(
            body.associations[0].types[0].association_category,
            AssociationCategory::HubspotDefined
        );
    }

    #[test]
    fn requests_missing_members_count_as_empty() {
        let body: Result<CreateBody, _> = parse(br#"{"properties":null}"#);
        assert!(body.is_ok_and(|b| b.properties.is_empty() && b.associations.is_empty()));
        let update: Result<UpdateBody, _> = parse(b"{}");
        assert!(update.is_ok_and(|b| b.properties.is_empty()));
    }

    #[test]
    fn requests_bad_bodies_answer_hubspots_400() {
        let array: Result<CreateBody, _> = parse(br#"{"properties":[]}"#);
        let message = array.err().map(|e| e.message).unwrap_or_default();
        assert!(
            message.starts_with("Invalid input JSON on line 1, column "),
            "{message}"
        );
        let nested: Result<UpdateBody, _> = parse(br#"{"properties":{"a":{"b":1}}}"#);
        assert!(nested.is_err());
        let empty: Result<UpdateBody, _> = parse(b"  ");
        assert_eq!(
            empty.err().map(|e| e.message),
            Some("Invalid JSON input: a request body was expected, but none found".to_owned())
        );
        let category: Result<CreateBody, _> = parse(
            br#"{"associations":[{"to":{"id":"1"},"types":[{"associationCategory":"NOPE","associationTypeId":1}]}]}"#,
        );
        assert_eq!(category.err().map(|e| e.status), Some(400));
    }
}
