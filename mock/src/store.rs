//! The mock's state: records with their property history, the associations between
//! them, archiving, and the pipelines of each object type.
//!
//! Record ids come from one counter shared by all types (starting at [`FIRST_ID`] and
//! always above any seeded id). Timestamps strictly increase from write to write, so
//! creation order and `createdate` order agree even within one millisecond.
//! ⚠ History: every property a write sets gets an entry with `sourceType: "API"` (newest
//! first) when its value changes; the properties HubSpot maintains itself (`hs_object_id`,
//! the create and modify dates) get `sourceType: "CALCULATED"` entries.

use std::collections::{BTreeMap, BTreeSet};

use crate::associations::AssociationType;
use crate::catalog::{Catalog, Pipeline};
use crate::objects::ObjectType;
use crate::timestamps::{format_iso, now_ms, parse_instant};

/// The id the first created record gets.
pub(crate) const FIRST_ID: u64 = 1001;

/// Where a property value came from, as history reports it.
pub(crate) const SOURCE_API: &str = "API";
const SOURCE_CALCULATED: &str = "CALCULATED";

/// One past value of a property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HistoryEntry {
    pub(crate) value: String,
    pub(crate) timestamp: i64,
    pub(crate) source_type: &'static str,
}

/// One CRM record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) id: u64,
    pub(crate) object_type: ObjectType,
    /// Current values; a cleared property holds `""`.
    pub(crate) properties: BTreeMap<String, String>,
    /// Past values per property, newest first.
    pub(crate) history: BTreeMap<String, Vec<HistoryEntry>>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) archived_at: Option<i64>,
}

impl Record {
    /// Whether the record is in the recycle bin.
    pub(crate) fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// The value of `name` if it is set to something other than `""`.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.properties
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    fn set(&mut self, name: &str, value: String, at: i64, source_type: &'static str) {
        if self.properties.get(name) == Some(&value) {
            return;
        }
        self.history.entry(name.to_owned()).or_default().insert(
            0,
            HistoryEntry {
                value: value.clone(),
                timestamp: at,
                source_type,
            },
        );
        self.properties.insert(name.to_owned(), value);
    }

    fn touch(&mut self, at: i64) {
        self.updated_at = at;
        let modified = self.object_type.modified_property();
        self.set(modified, format_iso(at), at, SOURCE_CALCULATED);
    }
}

/// A directed association edge; every association is stored in both directions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: ObjectType,
    from_id: u64,
    to: ObjectType,
    to_id: u64,
    type_id: u32,
}

/// Everything the mock holds.
#[derive(Clone, Debug)]
pub(crate) struct Store {
    next_id: u64,
    last_write_ms: i64,
    records: BTreeMap<ObjectType, BTreeMap<u64, Record>>,
    edges: BTreeSet<Edge>,
    pipelines: BTreeMap<ObjectType, Vec<Pipeline>>,
}

impl Store {
    /// An empty store whose pipelines are the catalog's defaults.
    pub(crate) fn new(catalog: &Catalog) -> Self {
        let pipelines = ObjectType::ALL
            .into_iter()
            .map(|object_type| (object_type, catalog.pipelines(object_type).to_vec()))
            .filter(|(_, pipelines)| !pipelines.is_empty())
            .collect();
        Self {
            next_id: FIRST_ID,
            last_write_ms: i64::MIN,
            records: BTreeMap::new(),
            edges: BTreeSet::new(),
            pipelines,
        }
    }

    /// The time of a write: now, but always after the previous write.
    fn tick(&mut self) -> i64 {
        let at = now_ms().max(self.last_write_ms.saturating_add(1));
        self.last_write_ms = at;
        at
    }

    /// Store a new record with `properties` (already validated) and return its id.
    pub(crate) fn create(&mut self, object_type: ObjectType, properties: &BTreeMap<String, String>) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        self.insert(object_type, id, properties);
        id
    }

    /// Put a record with a chosen `id`, replacing any record of that type with that id.
    pub(crate) fn seed(&mut self, object_type: ObjectType, id: u64, properties: &BTreeMap<String, String>) {
        self.next_id = self.next_id.max(id.saturating_add(1));
        self.insert(object_type, id, properties);
    }

    /// Store a record; a parseable create date among `properties` becomes its creation
    /// time, `hs_object_id` among them is ignored.
    fn insert(&mut self, object_type: ObjectType, id: u64, properties: &BTreeMap<String, String>) {
        let at = self.tick();
        let created_property = object_type.created_property();
        let created_at = properties
            .get(created_property)
            .and_then(|value| parse_instant(value))
            .unwrap_or(at);
        let mut record = Record {
            id,
            object_type,
            properties: BTreeMap::new(),
            history: BTreeMap::new(),
            created_at,
            updated_at: at,
            archived_at: None,
        };
        record.set("hs_object_id", id.to_string(), at, SOURCE_CALCULATED);
        record.set(created_property, format_iso(created_at), at, SOURCE_CALCULATED);
        for (name, value) in properties {
            if name != "hs_object_id" && name != created_property {
                record.set(name, value.clone(), at, SOURCE_API);
            }
        }
        record.touch(at);
        self.records.entry(object_type).or_default().insert(id, record);
    }

    /// Apply `properties` (already validated) to a record; `false` when there is none.
    pub(crate) fn update(&mut self, object_type: ObjectType, id: u64, properties: &BTreeMap<String, String>) -> bool {
        let at = self.tick();
        let Some(record) = self
            .records
            .get_mut(&object_type)
            .and_then(|records| records.get_mut(&id))
        else {
            return false;
        };
        for (name, value) in properties {
            record.set(name, value.clone(), at, SOURCE_API);
        }
        record.touch(at);
        true
    }

    /// Move a live record to the recycle bin; `false` when there is no live record.
    pub(crate) fn archive(&mut self, object_type: ObjectType, id: u64) -> bool {
        let at = self.tick();
        match self
            .records
            .get_mut(&object_type)
            .and_then(|records| records.get_mut(&id))
        {
            Some(record) if !record.is_archived() => {
                record.archived_at = Some(at);
                record.updated_at = at;
                true
            }
            _ => false,
        }
    }

    /// The record with `id`, archived or not.
    pub(crate) fn record(&self, object_type: ObjectType, id: u64) -> Option<&Record> {
        self.records.get(&object_type)?.get(&id)
    }

    /// Every record of a type, archived ones included, by ascending id.
    pub(crate) fn records(&self, object_type: ObjectType) -> impl Iterator<Item = &Record> {
        self.records.get(&object_type).into_iter().flat_map(BTreeMap::values)
    }

    /// The records of a type (archived ones included) from id `first` on, by ascending id.
    pub(crate) fn records_from(&self, object_type: ObjectType, first: u64) -> impl Iterator<Item = &Record> {
        self.records
            .get(&object_type)
            .into_iter()
            .flat_map(move |records| records.range(first..).map(|(_, record)| record))
    }

    /// The first record (by id) that is archived or not as asked and satisfies `matches`.
    pub(crate) fn find(
        &self,
        object_type: ObjectType,
        archived: bool,
        mut matches: impl FnMut(&Record) -> bool,
    ) -> Option<&Record> {
        self.records(object_type)
            .find(|record| record.is_archived() == archived && matches(record))
    }

    /// How many records of a type there are.
    pub(crate) fn count(&self, object_type: ObjectType, include_archived: bool) -> usize {
        self.records(object_type)
            .filter(|record| include_archived || !record.is_archived())
            .count()
    }

    /// Associate two records with `kind`, in both directions, together with the
    /// unlabeled type a primary one implies. A record keeps one primary company (a lead
    /// one primary contact): a new primary association replaces the previous one (its
    /// unlabeled association stays).
    pub(crate) fn associate(&mut self, kind: AssociationType, from_id: u64, to_id: u64) {
        let (owner_kind, owner_id, company_id) = if kind.primary_seen_from_target() {
            (crate::associations::by_id(kind.reverse), to_id, from_id)
        } else {
            (Some(kind), from_id, to_id)
        };
        if let Some(owner_kind) = owner_kind.filter(|owner| owner.primary) {
            self.edges.retain(|edge| {
                let replaced_forward =
                    edge.type_id == owner_kind.id && edge.from_id == owner_id && edge.to_id != company_id;
                let replaced_reverse =
                    edge.type_id == owner_kind.reverse && edge.to_id == owner_id && edge.from_id != company_id;
                !(replaced_forward || replaced_reverse)
            });
        }
        self.add_edge_pair(kind, from_id, to_id);
        if let Some(implied) = kind.implies.and_then(crate::associations::by_id) {
            self.add_edge_pair(implied, from_id, to_id);
        }
    }

    fn add_edge_pair(&mut self, kind: AssociationType, from_id: u64, to_id: u64) {
        self.edges.insert(Edge {
            from: kind.from,
            from_id,
            to: kind.to,
            to_id,
            type_id: kind.id,
        });
        self.edges.insert(Edge {
            from: kind.to,
            from_id: to_id,
            to: kind.from,
            to_id: from_id,
            type_id: kind.reverse,
        });
    }

    /// Remove every association between two records, in both directions.
    pub(crate) fn dissociate(&mut self, from: ObjectType, from_id: u64, to: ObjectType, to_id: u64) {
        self.edges.retain(|edge| {
            let forward = edge.from == from && edge.from_id == from_id && edge.to == to && edge.to_id == to_id;
            let backward = edge.from == to && edge.from_id == to_id && edge.to == from && edge.to_id == from_id;
            !(forward || backward)
        });
    }

    /// Remove one association type (and its reverse) between two records; the
    /// unlabeled type it implied stays.
    pub(crate) fn remove_type(&mut self, kind: AssociationType, from_id: u64, to_id: u64) {
        self.edges.remove(&Edge {
            from: kind.from,
            from_id,
            to: kind.to,
            to_id,
            type_id: kind.id,
        });
        self.edges.remove(&Edge {
            from: kind.to,
            from_id: to_id,
            to: kind.from,
            to_id: from_id,
            type_id: kind.reverse,
        });
    }

    /// The live records of type `to` associated with a record, with the association
    /// type ids, ordered by target id and then type id.
    pub(crate) fn associations(&self, object_type: ObjectType, id: u64, to: ObjectType) -> Vec<(u64, u32)> {
        let start = Edge {
            from: object_type,
            from_id: id,
            to,
            to_id: 0,
            type_id: 0,
        };
        self.edges
            .range(start..)
            .take_while(|edge| edge.from == object_type && edge.from_id == id && edge.to == to)
            .filter(|edge| self.record(to, edge.to_id).is_some_and(|target| !target.is_archived()))
            .map(|edge| (edge.to_id, edge.type_id))
            .collect()
    }

    /// The pipelines of a type (archived ones included), in order.
    pub(crate) fn pipelines(&self, object_type: ObjectType) -> &[Pipeline] {
        self.pipelines.get(&object_type).map(Vec::as_slice).unwrap_or_default()
    }

    /// Whether a type has pipelines at all: deals and tickets always do, other types once
    /// a pipeline was seeded for them.
    pub(crate) fn supports_pipelines(&self, object_type: ObjectType) -> bool {
        object_type.pipeline_properties().is_some() || !self.pipelines(object_type).is_empty()
    }

    /// Add `pipeline`, replacing one with the same id.
    pub(crate) fn put_pipeline(&mut self, object_type: ObjectType, pipeline: Pipeline) {
        let pipelines = self.pipelines.entry(object_type).or_default();
        match pipelines.iter_mut().find(|existing| existing.id == pipeline.id) {
            Some(existing) => *existing = pipeline,
            None => pipelines.push(pipeline),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::associations::from_type;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn store() -> Store {
        Store::new(&Catalog::default())
    }

    #[test]
    fn store_create_sets_system_properties_and_history() {
        let mut store = store();
        let id = store.create(ObjectType::Contacts, &props(&[("email", "a@b.co")]));
        assert_eq!(id, FIRST_ID);
        let record = store.record(ObjectType::Contacts, id).cloned();
        let Some(record) = record else {
            panic!("created record missing");
        };
        assert_eq!(record.value("hs_object_id"), Some("1001"));
        assert_eq!(record.value("createdate"), Some(format_iso(record.created_at).as_str()));
        assert_eq!(
            record.value("lastmodifieddate"),
            Some(format_iso(record.updated_at).as_str())
        );
        assert_eq!(record.history["email"][0].source_type, SOURCE_API);
        assert_eq!(record.history["hs_object_id"][0].source_type, "CALCULATED");
        assert!(!record.is_archived());
    }

    #[test]
    fn store_update_records_history_newest_first_and_skips_unchanged_values() {
        let mut store = store();
        let id = store.create(ObjectType::Deals, &props(&[("dealstage", "a")]));
        assert!(store.update(ObjectType::Deals, id, &props(&[("dealstage", "b")])));
        assert!(store.update(ObjectType::Deals, id, &props(&[("dealstage", "b"), ("amount", "")])));
        let history = store
            .record(ObjectType::Deals, id)
            .map(|record| record.history["dealstage"].clone())
            .unwrap_or_default();
        let values: Vec<&str> = history.iter().map(|entry| entry.value.as_str()).collect();
        assert_eq!(values, vec!["b", "a"]);
        assert!(history[0].timestamp > history[1].timestamp);
        let record = store.record(ObjectType::Deals, id);
        assert_eq!(record.map(|r| r.properties["amount"].as_str()), Some(""));
        assert_eq!(record.and_then(|r| r.value("amount")), None);
        assert!(!store.update(ObjectType::Deals, 9, &props(&[])));
    }

    #[test]
    fn store_seed_keeps_the_counter_above_seeded_ids() {
        let mut store = store();
        store.seed(ObjectType::Companies, 5000, &props(&[("name", "Acme")]));
        assert_eq!(store.create(ObjectType::Companies, &props(&[])), 5001);
        store.seed(ObjectType::Companies, 10, &props(&[]));
        assert_eq!(store.create(ObjectType::Contacts, &props(&[])), 5002);
        assert_eq!(store.count(ObjectType::Companies, false), 3);
    }

    #[test]
    fn store_seed_takes_the_creation_time_from_the_create_date() {
        let mut store = store();
        store.seed(
            ObjectType::Contacts,
            7,
            &props(&[("createdate", "2020-01-02"), ("hs_object_id", "999")]),
        );
        let record = store.record(ObjectType::Contacts, 7);
        assert_eq!(record.map(|r| r.created_at), Some(1_577_923_200_000));
        assert_eq!(
            record.and_then(|r| r.value("createdate")),
            Some("2020-01-02T00:00:00.000Z")
        );
        assert_eq!(record.and_then(|r| r.value("hs_object_id")), Some("7"));
    }

    #[test]
    fn store_archive_hides_from_live_counts() {
        let mut store = store();
        let id = store.create(ObjectType::Tickets, &props(&[]));
        assert!(store.archive(ObjectType::Tickets, id));
        assert!(!store.archive(ObjectType::Tickets, id));
        assert!(!store.archive(ObjectType::Tickets, 42));
        assert_eq!(store.count(ObjectType::Tickets, false), 0);
        assert_eq!(store.count(ObjectType::Tickets, true), 1);
        assert!(store.find(ObjectType::Tickets, true, |r| r.id == id).is_some());
        assert!(store.find(ObjectType::Tickets, false, |r| r.id == id).is_none());
    }

    #[test]
    fn store_associate_is_bidirectional_and_adds_implied_unlabeled_type() {
        let mut store = store();
        let contact = store.create(ObjectType::Contacts, &props(&[]));
        let company = store.create(ObjectType::Companies, &props(&[]));
        let Some(primary) = from_type(ObjectType::Contacts, 1) else {
            panic!("type 1 missing");
        };
        store.associate(primary, contact, company);
        assert_eq!(
            store.associations(ObjectType::Contacts, contact, ObjectType::Companies),
            vec![(company, 1), (company, 279)]
        );
        assert_eq!(
            store.associations(ObjectType::Companies, company, ObjectType::Contacts),
            vec![(contact, 2), (contact, 280)]
        );
        assert!(
            store
                .associations(ObjectType::Contacts, contact, ObjectType::Deals)
                .is_empty()
        );
        store.archive(ObjectType::Companies, company);
        assert!(
            store
                .associations(ObjectType::Contacts, contact, ObjectType::Companies)
                .is_empty()
        );
    }

    #[test]
    fn store_new_primary_company_replaces_the_old_one() {
        let mut store = store();
        let contact = store.create(ObjectType::Contacts, &props(&[]));
        let first = store.create(ObjectType::Companies, &props(&[]));
        let second = store.create(ObjectType::Companies, &props(&[]));
        let (Some(primary), Some(reverse)) = (from_type(ObjectType::Contacts, 1), from_type(ObjectType::Companies, 2))
        else {
            panic!("types missing");
        };
        store.associate(primary, contact, first);
        store.associate(reverse, second, contact);
        assert_eq!(
            store.associations(ObjectType::Contacts, contact, ObjectType::Companies),
            vec![(first, 279), (second, 1), (second, 279)]
        );
        assert_eq!(
            store.associations(ObjectType::Companies, first, ObjectType::Contacts),
            vec![(contact, 280)]
        );
    }

    #[test]
    fn store_put_pipeline_replaces_by_id() {
        let mut store = store();
        assert!(store.supports_pipelines(ObjectType::Deals));
        assert!(!store.supports_pipelines(ObjectType::Contacts));
        let pipeline = |label: &str| Pipeline {
            id: "p".to_owned(),
            archived: false,
            stages: Vec::new(),
            raw: serde_json::json!({"label": label}),
        };
        store.put_pipeline(ObjectType::Contacts, pipeline("one"));
        store.put_pipeline(ObjectType::Contacts, pipeline("two"));
        assert_eq!(store.pipelines(ObjectType::Contacts).len(), 1);
        assert_eq!(store.pipelines(ObjectType::Contacts)[0].raw["label"], "two");
        assert!(store.supports_pipelines(ObjectType::Contacts));
    }
}
