//! HubSpot's default (`HUBSPOT_DEFINED`) association types between the mock's object
//! types: ids, directions, reverse ids and the labels reads report.
//!
//! Ids and reverses are those of HubSpot's Node SDK (see the crate docs), file
//! `src/enums/AssociationTypes.ts`; labels take the form of the `AssociatedId` example in
//! `openapi/objects.json` (`deal_to_contact`).
//!
//! A primary association (contact→company 1, deal→company 5, ticket→company 26 and
//! their reverses) implies the unlabeled one of the same pair (279, 341, 339, …), which
//! is why HubSpot's reads list such a target twice: once as `contact_to_company`, once as
//! `contact_to_company_unlabeled`. In the v4 and dated associations APIs a primary type
//! carries the label `Primary`; the other `HUBSPOT_DEFINED` types have none.
//!
//! ⚠ Custom labels (`USER_DEFINED`): the mock's account defines deals→contacts
//! `Decision maker` (1001, reverse 1002) and `Champion` (1003, reverse 1004), and
//! contacts→companies `Former employee` (1005, reverse 1006). The ids are chosen in
//! HubSpot's style (one id per direction, the reverse the next id; a real account's
//! label ids are its own); a label reads the same from both sides, as HubSpot's unpaired
//! labels do, and each brings the pair's unlabeled default type along (a labeled
//! association always implies the plain one). Reads through v3 name them by their label
//! in snake case (`decision_maker`). `INTEGRATOR_DEFINED` and `WORK` ids are unknown.
//!
//! Leads are not in that SDK file. 578 (lead→primary contact) is HubSpot's own, from the
//! example in its leads guide. ⚠ 608 (lead→contact, unlabeled) and 610 (lead→company) are
//! the ids public integration code uses; their reverses 579, 607 and 609 are chosen (the
//! neighbouring ids, as HubSpot's pairs usually are), and 578 is taken to imply 608 the way
//! the other primary types imply their unlabeled pair.
//!
//! ⚠ Custom objects: pets→contacts is 861 and contacts→pets 862 (chosen; a real
//! account's ids for its custom objects are its own), taken as `HUBSPOT_DEFINED` like the
//! rest, with labels `pets_to_contact` and `contact_to_pets`.

use crate::objects::ObjectType;
use crate::requests::AssociationCategory;

/// One directed association type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AssociationType {
    pub(crate) id: u32,
    pub(crate) from: ObjectType,
    pub(crate) to: ObjectType,
    /// The id of the same association seen from the other side.
    pub(crate) reverse: u32,
    /// What reads report as the association's `type`.
    pub(crate) label: &'static str,
    /// The unlabeled type a primary or labeled association brings along.
    pub(crate) implies: Option<u32>,
    /// Who defined it.
    pub(crate) category: AssociationCategory,
    /// Whether it is a primary association (at most one per record and target type).
    pub(crate) primary: bool,
    /// The label the v4 and dated associations APIs report: `Primary`, a custom label,
    /// or none.
    pub(crate) v4_label: Option<&'static str>,
}

impl AssociationType {
    /// Whether `from` is the side that may be primary for many records (a company, or a
    /// contact towards its leads), so a primary type's owner is the `to` record.
    pub(crate) fn primary_seen_from_target(self) -> bool {
        self.from == Companies || (self.from == Contacts && self.to == Leads)
    }
}

const fn pair(id: u32, from: ObjectType, to: ObjectType, reverse: u32, label: &'static str) -> AssociationType {
    AssociationType {
        id,
        from,
        to,
        reverse,
        label,
        implies: None,
        category: AssociationCategory::HubspotDefined,
        primary: false,
        v4_label: None,
    }
}

const fn primary(
    id: u32,
    from: ObjectType,
    to: ObjectType,
    reverse: u32,
    label: &'static str,
    implies: u32,
) -> AssociationType {
    AssociationType {
        id,
        from,
        to,
        reverse,
        label,
        implies: Some(implies),
        category: AssociationCategory::HubspotDefined,
        primary: true,
        v4_label: Some("Primary"),
    }
}

/// A custom (`USER_DEFINED`) label, which implies the pair's unlabeled type.
const fn custom(
    id: u32,
    from: ObjectType,
    to: ObjectType,
    reverse: u32,
    label: &'static str,
    v4_label: &'static str,
    implies: u32,
) -> AssociationType {
    AssociationType {
        id,
        from,
        to,
        reverse,
        label,
        implies: Some(implies),
        category: AssociationCategory::UserDefined,
        primary: false,
        v4_label: Some(v4_label),
    }
}

use ObjectType::{
    Calls, Companies, Contacts, Deals, Emails, Leads, LineItems, Meetings, Notes, Pets, PostalMail, Quotes, Tasks,
    Tickets,
};

/// Every association type the mock knows, as listed in HubSpot's Node SDK.
const TYPES: &[AssociationType] = &[
    primary(1, Contacts, Companies, 2, "contact_to_company", 279),
    primary(2, Companies, Contacts, 1, "company_to_contact", 280),
    pair(279, Contacts, Companies, 280, "contact_to_company_unlabeled"),
    pair(280, Companies, Contacts, 279, "company_to_contact_unlabeled"),
    pair(3, Deals, Contacts, 4, "deal_to_contact"),
    pair(4, Contacts, Deals, 3, "contact_to_deal"),
    primary(5, Deals, Companies, 6, "deal_to_company", 341),
    primary(6, Companies, Deals, 5, "company_to_deal", 342),
    pair(341, Deals, Companies, 342, "deal_to_company_unlabeled"),
    pair(342, Companies, Deals, 341, "company_to_deal_unlabeled"),
    pair(13, Companies, Companies, 14, "parent_to_child_company"),
    pair(14, Companies, Companies, 13, "child_to_parent_company"),
    pair(15, Contacts, Tickets, 16, "contact_to_ticket"),
    pair(16, Tickets, Contacts, 15, "ticket_to_contact"),
    pair(19, Deals, LineItems, 20, "deal_to_line_item"),
    pair(20, LineItems, Deals, 19, "line_item_to_deal"),
    primary(25, Companies, Tickets, 26, "company_to_ticket", 340),
    primary(26, Tickets, Companies, 25, "ticket_to_company", 339),
    pair(339, Tickets, Companies, 340, "ticket_to_company_unlabeled"),
    pair(340, Companies, Tickets, 339, "company_to_ticket_unlabeled"),
    pair(27, Deals, Tickets, 28, "deal_to_ticket"),
    pair(28, Tickets, Deals, 27, "ticket_to_deal"),
    pair(63, Deals, Quotes, 64, "deal_to_quote"),
    pair(64, Quotes, Deals, 63, "quote_to_deal"),
    pair(67, Quotes, LineItems, 68, "quote_to_line_item"),
    pair(68, LineItems, Quotes, 67, "line_item_to_quote"),
    pair(69, Quotes, Contacts, 70, "quote_to_contact"),
    pair(70, Contacts, Quotes, 69, "contact_to_quote"),
    pair(71, Quotes, Companies, 72, "quote_to_company"),
    pair(72, Companies, Quotes, 71, "company_to_quote"),
    pair(194, Calls, Contacts, 193, "call_to_contact"),
    pair(193, Contacts, Calls, 194, "contact_to_call"),
    pair(198, Emails, Contacts, 197, "email_to_contact"),
    pair(197, Contacts, Emails, 198, "contact_to_email"),
    pair(200, Meetings, Contacts, 199, "meeting_event_to_contact"),
    pair(199, Contacts, Meetings, 200, "contact_to_meeting_event"),
    pair(202, Notes, Contacts, 201, "note_to_contact"),
    pair(201, Contacts, Notes, 202, "contact_to_note"),
    pair(204, Tasks, Contacts, 203, "task_to_contact"),
    pair(203, Contacts, Tasks, 204, "contact_to_task"),
    pair(182, Calls, Companies, 181, "call_to_company"),
    pair(181, Companies, Calls, 182, "company_to_call"),
    pair(186, Emails, Companies, 185, "email_to_company"),
    pair(185, Companies, Emails, 186, "company_to_email"),
    pair(188, Meetings, Companies, 187, "meeting_event_to_company"),
    pair(187, Companies, Meetings, 188, "company_to_meeting_event"),
    pair(190, Notes, Companies, 189, "note_to_company"),
    pair(189, Companies, Notes, 190, "company_to_note"),
    pair(192, Tasks, Companies, 191, "task_to_company"),
    pair(191, Companies, Tasks, 192, "company_to_task"),
    pair(206, Calls, Deals, 205, "call_to_deal"),
    pair(205, Deals, Calls, 206, "deal_to_call"),
    pair(210, Emails, Deals, 209, "email_to_deal"),
    pair(209, Deals, Emails, 210, "deal_to_email"),
    pair(212, Meetings, Deals, 211, "meeting_event_to_deal"),
    pair(211, Deals, Meetings, 212, "deal_to_meeting_event"),
    pair(214, Notes, Deals, 213, "note_to_deal"),
    pair(213, Deals, Notes, 214, "deal_to_note"),
    pair(216, Tasks, Deals, 215, "task_to_deal"),
    pair(215, Deals, Tasks, 216, "deal_to_task"),
    pair(220, Calls, Tickets, 219, "call_to_ticket"),
    pair(219, Tickets, Calls, 220, "ticket_to_call"),
    pair(224, Emails, Tickets, 223, "email_to_ticket"),
    pair(223, Tickets, Emails, 224, "ticket_to_email"),
    pair(226, Meetings, Tickets, 225, "meeting_event_to_ticket"),
    pair(225, Tickets, Meetings, 226, "ticket_to_meeting_event"),
    pair(228, Notes, Tickets, 227, "note_to_ticket"),
    pair(227, Tickets, Notes, 228, "ticket_to_note"),
    pair(230, Tasks, Tickets, 229, "task_to_ticket"),
    pair(229, Tickets, Tasks, 230, "ticket_to_task"),
    pair(453, PostalMail, Contacts, 454, "postal_mail_to_contact"),
    pair(454, Contacts, PostalMail, 453, "contact_to_postal_mail"),
    pair(455, PostalMail, Tickets, 456, "postal_mail_to_ticket"),
    pair(456, Tickets, PostalMail, 455, "ticket_to_postal_mail"),
    pair(457, PostalMail, Deals, 458, "postal_mail_to_deal"),
    pair(458, Deals, PostalMail, 457, "deal_to_postal_mail"),
    pair(459, PostalMail, Companies, 460, "postal_mail_to_company"),
    pair(460, Companies, PostalMail, 459, "company_to_postal_mail"),
    pair(449, Contacts, Contacts, 449, "contact_to_contact"),
    pair(450, Companies, Companies, 450, "company_to_company"),
    pair(451, Deals, Deals, 451, "deal_to_deal"),
    pair(452, Tickets, Tickets, 452, "ticket_to_ticket"),
    primary(578, Leads, Contacts, 579, "lead_to_contact", 608),
    primary(579, Contacts, Leads, 578, "contact_to_lead", 607),
    pair(608, Leads, Contacts, 607, "lead_to_contact_unlabeled"),
    pair(607, Contacts, Leads, 608, "contact_to_lead_unlabeled"),
    pair(610, Leads, Companies, 609, "lead_to_company"),
    pair(609, Companies, Leads, 610, "company_to_lead"),
    pair(
        crate::custom_objects::PETS_TO_CONTACTS,
        Pets,
        Contacts,
        862,
        "pets_to_contact",
    ),
    pair(
        862,
        Contacts,
        Pets,
        crate::custom_objects::PETS_TO_CONTACTS,
        "contact_to_pets",
    ),
    custom(1001, Deals, Contacts, 1002, "decision_maker", "Decision maker", 3),
    custom(1002, Contacts, Deals, 1001, "decision_maker", "Decision maker", 4),
    custom(1003, Deals, Contacts, 1004, "champion", "Champion", 3),
    custom(1004, Contacts, Deals, 1003, "champion", "Champion", 4),
    custom(
        1005,
        Contacts,
        Companies,
        1006,
        "former_employee",
        "Former employee",
        279,
    ),
    custom(
        1006,
        Companies,
        Contacts,
        1005,
        "former_employee",
        "Former employee",
        280,
    ),
];

/// Every type from `from` to `to`, in id order: what the labels endpoint lists.
pub(crate) fn between(from: ObjectType, to: ObjectType) -> Vec<AssociationType> {
    let mut kinds: Vec<AssociationType> = TYPES
        .iter()
        .copied()
        .filter(|kind| kind.from == from && kind.to == to)
        .collect();
    kinds.sort_by_key(|kind| kind.id);
    kinds
}

/// The type an association without a label gets (`…/associations/default/…`): the pair's
/// unlabeled `HUBSPOT_DEFINED` type, the one a primary or labeled type implies.
pub(crate) fn default_between(from: ObjectType, to: ObjectType) -> Option<AssociationType> {
    let plain: Vec<AssociationType> = between(from, to)
        .into_iter()
        .filter(|kind| kind.category == AssociationCategory::HubspotDefined && !kind.primary)
        .collect();
    plain
        .iter()
        .find(|kind| kind.reverse == kind.id || kind.label.ends_with("_unlabeled"))
        .or(plain.first())
        .copied()
}

/// The `HUBSPOT_DEFINED` type `id` leading away from `from`.
pub(crate) fn from_type(from: ObjectType, id: u32) -> Option<AssociationType> {
    TYPES.iter().copied().find(|kind| kind.id == id && kind.from == from)
}

/// The type with `id` from any object type (ids are unique per direction).
pub(crate) fn by_id(id: u32) -> Option<AssociationType> {
    TYPES.iter().copied().find(|kind| kind.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn associations_reverses_are_consistent() {
        for kind in TYPES {
            let reverse = by_id(kind.reverse);
            assert!(reverse.is_some(), "{} has no reverse", kind.id);
            if let Some(reverse) = reverse {
                assert_eq!(reverse.reverse, kind.id, "{}", kind.id);
                assert_eq!((reverse.from, reverse.to), (kind.to, kind.from), "{}", kind.id);
            }
        }
    }

    #[test]
    fn associations_ids_are_unique_and_labels_name_both_ends() {
        let mut ids = std::collections::BTreeSet::new();
        for kind in TYPES {
            assert!(ids.insert(kind.id), "duplicate id {}", kind.id);
            if kind.from != kind.to && kind.category == AssociationCategory::HubspotDefined {
                let expected = format!("{}_to_{}", kind.from.singular(), kind.to.singular()).to_ascii_lowercase();
                assert!(kind.label.starts_with(&expected), "{}", kind.label);
            }
        }
    }

    #[test]
    fn associations_primary_types_imply_their_unlabeled_pair() {
        for kind in TYPES.iter().filter(|kind| kind.primary) {
            if let Some(implied) = kind.implies {
                let unlabeled = by_id(implied);
                assert_eq!(unlabeled.map(|u| (u.from, u.to)), Some((kind.from, kind.to)));
                assert!(unlabeled.is_some_and(|u| u.label.ends_with("_unlabeled")));
                let reverse_implied = by_id(kind.reverse).and_then(|r| r.implies);
                assert_eq!(reverse_implied, unlabeled.map(|u| u.reverse));
            }
        }
    }

    #[test]
    fn associations_custom_labels_imply_the_pair_s_default_and_read_the_same_both_ways() {
        for kind in TYPES
            .iter()
            .filter(|kind| kind.category == AssociationCategory::UserDefined)
        {
            let default = default_between(kind.from, kind.to).map(|default| default.id);
            assert_eq!(kind.implies, default, "{}", kind.id);
            assert_eq!(by_id(kind.reverse).and_then(|r| r.v4_label), kind.v4_label);
        }
        assert_eq!(default_between(Contacts, Companies).map(|k| k.id), Some(279));
        assert_eq!(default_between(Companies, Companies).map(|k| k.id), Some(450));
        assert_eq!(default_between(Deals, Contacts).map(|k| k.id), Some(3));
        let labels: Vec<Option<&str>> = between(Deals, Contacts).iter().map(|k| k.v4_label).collect();
        assert_eq!(labels, [None, Some("Decision maker"), Some("Champion")]);
    }

    #[test]
    fn associations_lookup_respects_direction() {
        assert_eq!(from_type(Contacts, 1).map(|k| k.to), Some(Companies));
        assert!(from_type(Deals, 1).is_none());
        assert_eq!(from_type(Deals, 3).map(|k| k.label), Some("deal_to_contact"));
        assert_eq!(
            from_type(Meetings, 200).map(|k| k.label),
            Some("meeting_event_to_contact")
        );
        assert!(from_type(ObjectType::Products, 1).is_none());
        assert_eq!(from_type(Leads, 578).map(|k| (k.to, k.reverse)), Some((Contacts, 579)));
        assert!(from_type(Contacts, 578).is_none());
        assert_eq!(from_type(Pets, 861).map(|k| (k.to, k.reverse)), Some((Contacts, 862)));
        assert_eq!(from_type(Contacts, 862).map(|k| k.label), Some("contact_to_pets"));
    }
}
