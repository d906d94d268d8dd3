//! HubSpot's create rules for leads, from its leads guide
//! (developers.hubspot.com/docs/api-reference/2026-03/crm/objects/leads/guide): a new lead
//! "must have a lead name, specified using the `hs_lead_name` property" and "must be
//! associated with an existing contact". These hold in every API version, unlike an
//! account's validation rules.
//!
//! Both answer 400 `VALIDATION_ERROR`. ⚠ HubSpot documents neither message nor code:
//! - a missing (or, on update, cleared) `hs_lead_name` is a property issue in the shape
//!   of `validation.rs`, code `REQUIRED_PROPERTY`, message `Property "hs_lead_name" is
//!   required: a lead must have a lead name`;
//! - a create without an association to a contact answers `A lead must be associated
//!   with an existing contact: add an association to a contact (associationTypeId 578,
//!   lead to primary contact)`, with `context.requiredAssociation: ["CONTACT"]`.
//!
//! An association to a contact that does not exist is refused earlier, like any invalid
//! association target.

use std::collections::BTreeMap;

use crate::associations::AssociationType;
use crate::errors::ApiError;
use crate::objects::ObjectType;
use crate::validation::PropertyIssue;

/// The property every lead must have.
const LEAD_NAME: &str = "hs_lead_name";

/// The code of a missing lead name ⚠.
const REQUIRED_CODE: &str = "REQUIRED_PROPERTY";

/// The issue when a lead write leaves the lead without a name: on create when
/// `hs_lead_name` is absent or empty, on update when it is cleared.
pub(crate) fn missing_properties(
    object_type: ObjectType,
    input: &BTreeMap<String, String>,
    is_create: bool,
) -> Vec<PropertyIssue> {
    if object_type != ObjectType::Leads {
        return Vec::new();
    }
    let missing = match input.get(LEAD_NAME) {
        Some(value) => value.trim().is_empty(),
        None => is_create,
    };
    if !missing {
        return Vec::new();
    }
    vec![PropertyIssue {
        name: LEAD_NAME.to_owned(),
        code: REQUIRED_CODE,
        message: format!("Property \"{LEAD_NAME}\" is required: a lead must have a lead name"),
    }]
}

/// `Ok` unless a lead create has no association to a contact.
pub(crate) fn check_associations(object_type: ObjectType, links: &[(AssociationType, u64)]) -> Result<(), ApiError> {
    if object_type != ObjectType::Leads || links.iter().any(|(kind, _)| kind.to == ObjectType::Contacts) {
        return Ok(());
    }
    let mut error = ApiError::validation(
        "A lead must be associated with an existing contact: add an association to a contact \
         (associationTypeId 578, lead to primary contact)",
    );
    error.context = BTreeMap::from([(
        "requiredAssociation".to_owned(),
        vec![ObjectType::Contacts.singular().to_owned()],
    )]);
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::associations;

    fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn lead_rules_require_a_lead_name_on_create_and_keep_it_on_update() {
        let named = input(&[("hs_lead_name", "Ann")]);
        assert!(missing_properties(ObjectType::Leads, &named, true).is_empty());
        let create_without = missing_properties(ObjectType::Leads, &input(&[]), true);
        assert_eq!(create_without.len(), 1);
        assert_eq!(create_without[0].name, "hs_lead_name");
        assert!(create_without[0].message.contains("hs_lead_name"));
        assert_eq!(
            missing_properties(ObjectType::Leads, &input(&[("hs_lead_name", " ")]), true).len(),
            1
        );
        assert!(missing_properties(ObjectType::Leads, &input(&[]), false).is_empty());
        assert_eq!(
            missing_properties(ObjectType::Leads, &input(&[("hs_lead_name", "")]), false).len(),
            1
        );
        assert!(missing_properties(ObjectType::Contacts, &input(&[]), true).is_empty());
    }

    #[test]
    fn lead_rules_require_a_contact_association_on_leads_only() {
        let to_contact = associations::from_type(ObjectType::Leads, 578).map(|kind| vec![(kind, 1)]);
        assert!(check_associations(ObjectType::Leads, &to_contact.unwrap_or_default()).is_ok());
        let to_company = associations::from_type(ObjectType::Leads, 610).map(|kind| vec![(kind, 1)]);
        let refused = check_associations(ObjectType::Leads, &to_company.unwrap_or_default()).err();
        assert_eq!(refused.as_ref().map(|e| e.status), Some(400));
        assert!(refused.is_some_and(|e| e.message.contains("contact")));
        assert!(check_associations(ObjectType::Leads, &[]).is_err());
        assert!(check_associations(ObjectType::Deals, &[]).is_ok());
    }
}
