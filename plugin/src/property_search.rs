//! Finding properties by meaning and answering with what a model needs: an
//! object type can have hundreds of definitions, tens of kilobytes in all.

use serde_json::{Map, Value, json};

use crate::order;

/// The text of a definition that a query is matched against.
#[derive(Debug, Clone, Copy)]
pub struct PropertyText<'a> {
    /// Internal name.
    pub name: &'a str,
    /// Label.
    pub label: &'a str,
    /// Description.
    pub description: &'a str,
    /// Group.
    pub group: &'a str,
}

impl<'a> PropertyText<'a> {
    /// The text of a definition as HubSpot's JSON has it.
    pub fn of_json(definition: &'a Value) -> Self {
        let text = |member: &str| definition.get(member).and_then(Value::as_str).unwrap_or_default();
        Self {
            name: text("name"),
            label: text("label"),
            description: text("description"),
            group: text("groupName"),
        }
    }
}

/// How well a definition matches `query`, case-insensitively: every word
/// must match somewhere, and a match in the name counts most, then the
/// label, the group and the description. `None` when a word matches nothing.
pub fn relevance(query: &str, text: PropertyText<'_>) -> Option<u32> {
    let name = text.name.to_ascii_lowercase();
    let label = text.label.to_ascii_lowercase();
    let group = text.group.to_ascii_lowercase();
    let description = text.description.to_ascii_lowercase();
    query.split_ascii_whitespace().try_fold(0, |score, word| {
        let word = word.to_ascii_lowercase();
        let word_score = if name == word || label == word {
            100
        } else if name.starts_with(&word) || label.starts_with(&word) {
            60
        } else if name.contains(&word) {
            40
        } else if label.contains(&word) {
            30
        } else if group.contains(&word) {
            15
        } else if description.contains(&word) {
            10
        } else {
            return None;
        };
        Some(score + word_score)
    })
}

/// The items matching `query`, best first (ties keep HubSpot's order); all
/// of them, in order, without a query.
pub fn select<T>(items: Vec<T>, query: Option<&str>, text: impl Fn(&T) -> PropertyText<'_>) -> Vec<T> {
    let Some(query) = query else {
        return items;
    };
    let scores: Vec<Option<u32>> = items.iter().map(|item| relevance(query, text(item))).collect();
    let order = best_first(&scores);
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|index| slots.get_mut(index).and_then(Option::take))
        .collect()
}

/// The indices of the scored items, highest score first, ties in order.
fn best_first(scores: &[Option<u32>]) -> Vec<usize> {
    let score = |index: usize| scores.get(index).copied().flatten();
    let mut best: Vec<usize> = (0..scores.len()).filter(|&index| score(index).is_some()).collect();
    order::sort_by(&mut best, &|a, b| score(b).cmp(&score(a)).then(a.cmp(&b)));
    best
}

/// What a model needs to write a value of the property: its name, label,
/// types, whether it can be written, what it refers to (an owner, for
/// example) and, for dropdowns, the visible options' values and labels.
pub fn compact(definition: &Value) -> Value {
    let mut entry = Map::new();
    for member in ["name", "label", "type", "fieldType"] {
        if let Some(value) = definition.get(member) {
            entry.insert(member.to_owned(), value.clone());
        }
    }
    let read_only = definition
        .pointer("/modificationMetadata/readOnlyValue")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    entry.insert("readOnly".to_owned(), Value::Bool(read_only));
    if let Some(reference) = definition.get("referencedObjectType").filter(|value| value.is_string()) {
        entry.insert("referencedObjectType".to_owned(), reference.clone());
    }
    let options: Vec<Value> = definition
        .get("options")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|option| option.get("hidden").and_then(Value::as_bool) != Some(true))
        .map(|option| json!({ "value": option.get("value"), "label": option.get("label") }))
        .collect();
    if !options.is_empty() {
        entry.insert("options".to_owned(), Value::Array(options));
    }
    Value::Object(entry)
}

/// HubSpot's definitions narrowed to `query` and, when asked, made compact,
/// in HubSpot's `{"results": [...]}` shape.
pub fn narrow(definitions: Vec<Value>, query: Option<&str>, compact_mode: bool) -> String {
    let selected = select(definitions, query, |definition| PropertyText::of_json(definition));
    let results: Vec<Value> = if compact_mode {
        selected.iter().map(compact).collect()
    } else {
        selected
    };
    json!({ "results": results }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(name: &'a str, label: &'a str, description: &'a str) -> PropertyText<'a> {
        PropertyText {
            name,
            label,
            description,
            group: "contactinformation",
        }
    }

    #[test]
    fn a_name_match_outranks_a_label_match_and_a_description_match() {
        let by_name = relevance("phone", text("phone", "Phone Number", "")).unwrap();
        let by_prefix = relevance("phone", text("phone_ext", "Extension", "")).unwrap();
        let by_label = relevance("phone", text("mobilephone", "Mobile Phone Number", "")).unwrap();
        let by_description = relevance("phone", text("fax", "Fax", "A phone line for fax")).unwrap();
        assert!(by_name > by_prefix && by_prefix > by_label && by_label > by_description);
        assert_eq!(relevance("phone", text("email", "Email", "")), None);
    }

    #[test]
    fn every_word_must_match_somewhere() {
        assert!(relevance("mobile PHONE", text("mobilephone", "Mobile Phone Number", "")).is_some());
        assert_eq!(
            relevance("mobile fax", text("mobilephone", "Mobile Phone Number", "")),
            None
        );
    }

    #[test]
    fn narrowing_keeps_hubspot_s_shape_and_ranks_the_matches() {
        let definitions = vec![
            json!({"name": "email", "label": "Email", "type": "string", "fieldType": "text", "description": "", "groupName": "contactinformation"}),
            json!({"name": "mobilephone", "label": "Mobile Phone Number", "type": "string", "fieldType": "phonenumber", "description": "", "groupName": "contactinformation"}),
            json!({"name": "phone", "label": "Phone Number", "type": "string", "fieldType": "phonenumber", "description": "", "groupName": "contactinformation",
             "modificationMetadata": {"readOnlyValue": false}}),
        ];
        let narrowed: Value = serde_json::from_str(&narrow(definitions.clone(), Some("phone"), true)).unwrap();
        assert_eq!(
            narrowed,
            json!({"results": [
                {"name": "phone", "label": "Phone Number", "type": "string", "fieldType": "phonenumber", "readOnly": false},
                {"name": "mobilephone", "label": "Mobile Phone Number", "type": "string", "fieldType": "phonenumber", "readOnly": false},
            ]})
        );
        let whole: Value = serde_json::from_str(&narrow(definitions, None, false)).unwrap();
        assert_eq!(whole["results"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn compact_dropdowns_keep_the_visible_options_and_owner_references() {
        let definition = json!({
            "name": "hubspot_owner_id", "label": "Contact owner", "type": "enumeration", "fieldType": "select",
            "referencedObjectType": "OWNER", "modificationMetadata": {"readOnlyValue": false},
            "options": [
                {"value": "a", "label": "A", "hidden": false, "displayOrder": 0},
                {"value": "b", "label": "B", "hidden": true},
            ],
        });
        assert_eq!(
            compact(&definition),
            json!({"name": "hubspot_owner_id", "label": "Contact owner", "type": "enumeration", "fieldType": "select",
                   "readOnly": false, "referencedObjectType": "OWNER", "options": [{"value": "a", "label": "A"}]})
        );
    }
}
