//! The search request: filter groups, operators and sorts, the table of
//! operators every other part reads, and the HubSpot body it becomes.

use serde_json::{Map, Value, json};

/// What a search operator needs besides the property name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// One value in `value`.
    Value,
    /// A low bound in `value` and a high bound in `highValue`.
    Range,
    /// A non-empty list in `values`.
    Values,
    /// Nothing.
    Nothing,
}

/// One of HubSpot's search operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorInfo {
    /// HubSpot's name for it.
    pub name: &'static str,
    /// What it takes.
    pub operand: Operand,
    /// What it matches, for the tool catalog.
    pub meaning: &'static str,
}

/// HubSpot's thirteen search operators.
pub const OPERATORS: &[OperatorInfo] = &[
    OperatorInfo {
        name: "EQ",
        operand: Operand::Value,
        meaning: "equal to `value` (case-insensitive for text)",
    },
    OperatorInfo {
        name: "NEQ",
        operand: Operand::Value,
        meaning: "not equal to `value`",
    },
    OperatorInfo {
        name: "LT",
        operand: Operand::Value,
        meaning: "less than `value`",
    },
    OperatorInfo {
        name: "LTE",
        operand: Operand::Value,
        meaning: "less than or equal to `value`",
    },
    OperatorInfo {
        name: "GT",
        operand: Operand::Value,
        meaning: "greater than `value`",
    },
    OperatorInfo {
        name: "GTE",
        operand: Operand::Value,
        meaning: "greater than or equal to `value`",
    },
    OperatorInfo {
        name: "BETWEEN",
        operand: Operand::Range,
        meaning: "from `value` to `highValue`, both inclusive",
    },
    OperatorInfo {
        name: "IN",
        operand: Operand::Values,
        meaning: "equal to one of `values` (lower-case for text)",
    },
    OperatorInfo {
        name: "NOT_IN",
        operand: Operand::Values,
        meaning: "equal to none of `values`",
    },
    OperatorInfo {
        name: "HAS_PROPERTY",
        operand: Operand::Nothing,
        meaning: "has any value",
    },
    OperatorInfo {
        name: "NOT_HAS_PROPERTY",
        operand: Operand::Nothing,
        meaning: "has no value",
    },
    OperatorInfo {
        name: "CONTAINS_TOKEN",
        operand: Operand::Value,
        meaning: "contains the word `value` (`*` is a wildcard)",
    },
    OperatorInfo {
        name: "NOT_CONTAINS_TOKEN",
        operand: Operand::Value,
        meaning: "does not contain the word `value`",
    },
];

/// The operator names, for messages and schemas.
pub fn operator_names() -> Vec<&'static str> {
    OPERATORS.iter().map(|op| op.name).collect()
}

/// Looks an operator up by HubSpot's name.
pub fn operator_info(name: &str) -> Option<&'static OperatorInfo> {
    OPERATORS.iter().find(|op| op.name == name)
}

/// A search operator with its operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterOperator {
    /// `EQ`.
    Eq(String),
    /// `NEQ`.
    Neq(String),
    /// `LT`.
    Lt(String),
    /// `LTE`.
    Lte(String),
    /// `GT`.
    Gt(String),
    /// `GTE`.
    Gte(String),
    /// `BETWEEN`, inclusive.
    Between {
        /// Low bound.
        low: String,
        /// High bound.
        high: String,
    },
    /// `IN`.
    In(Vec<String>),
    /// `NOT_IN`.
    NotIn(Vec<String>),
    /// `HAS_PROPERTY`.
    HasProperty,
    /// `NOT_HAS_PROPERTY`.
    NotHasProperty,
    /// `CONTAINS_TOKEN`.
    ContainsToken(String),
    /// `NOT_CONTAINS_TOKEN`.
    NotContainsToken(String),
}

impl FilterOperator {
    /// HubSpot's name for the operator.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Eq(_) => "EQ",
            Self::Neq(_) => "NEQ",
            Self::Lt(_) => "LT",
            Self::Lte(_) => "LTE",
            Self::Gt(_) => "GT",
            Self::Gte(_) => "GTE",
            Self::Between { .. } => "BETWEEN",
            Self::In(_) => "IN",
            Self::NotIn(_) => "NOT_IN",
            Self::HasProperty => "HAS_PROPERTY",
            Self::NotHasProperty => "NOT_HAS_PROPERTY",
            Self::ContainsToken(_) => "CONTAINS_TOKEN",
            Self::NotContainsToken(_) => "NOT_CONTAINS_TOKEN",
        }
    }

    /// Builds the operator called `name` from its operands; `None` when the
    /// name is unknown. The caller has checked that the operands fit
    /// [`OperatorInfo::operand`].
    pub fn from_parts(name: &str, value: String, high: String, values: Vec<String>) -> Option<Self> {
        Some(match name {
            "EQ" => Self::Eq(value),
            "NEQ" => Self::Neq(value),
            "LT" => Self::Lt(value),
            "LTE" => Self::Lte(value),
            "GT" => Self::Gt(value),
            "GTE" => Self::Gte(value),
            "BETWEEN" => Self::Between { low: value, high },
            "IN" => Self::In(values),
            "NOT_IN" => Self::NotIn(values),
            "HAS_PROPERTY" => Self::HasProperty,
            "NOT_HAS_PROPERTY" => Self::NotHasProperty,
            "CONTAINS_TOKEN" => Self::ContainsToken(value),
            "NOT_CONTAINS_TOKEN" => Self::NotContainsToken(value),
            _ => return None,
        })
    }

    /// The list operand, for `IN` and `NOT_IN`.
    pub fn values(&self) -> Option<&[String]> {
        match self {
            Self::In(values) | Self::NotIn(values) => Some(values),
            _ => None,
        }
    }

    /// Every single-value operand (`value`, and `highValue` for `BETWEEN`).
    pub fn scalar_operands(&self) -> Vec<(&'static str, &str)> {
        match self {
            Self::Eq(v)
            | Self::Neq(v)
            | Self::Lt(v)
            | Self::Lte(v)
            | Self::Gt(v)
            | Self::Gte(v)
            | Self::ContainsToken(v)
            | Self::NotContainsToken(v) => vec![("value", v)],
            Self::Between { low, high } => vec![("value", low), ("highValue", high)],
            Self::In(_) | Self::NotIn(_) | Self::HasProperty | Self::NotHasProperty => Vec::new(),
        }
    }
}

/// One condition on one property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The property's internal name.
    pub property_name: String,
    /// How to compare.
    pub operator: FilterOperator,
}

/// Sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    /// Smallest first.
    Ascending,
    /// Largest first.
    Descending,
}

impl SortDirection {
    /// HubSpot's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ascending => "ASCENDING",
            Self::Descending => "DESCENDING",
        }
    }

    /// Parses HubSpot's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ASCENDING" => Some(Self::Ascending),
            "DESCENDING" => Some(Self::Descending),
            _ => None,
        }
    }
}

/// One sort criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    /// The property to sort by.
    pub property_name: String,
    /// The order.
    pub direction: SortDirection,
}

/// `POST /crm/v3/objects/{type}/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// The object type as given.
    pub object_type: String,
    /// OR-ed groups of AND-ed filters.
    pub filter_groups: Vec<Vec<Filter>>,
    /// Properties to return.
    pub properties: Vec<String>,
    /// Sort criteria.
    pub sorts: Vec<Sort>,
    /// Free text.
    pub query: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// Paging cursor.
    pub after: Option<String>,
}

impl SearchRequest {
    /// The JSON body HubSpot expects. Sorts always go as objects: HubSpot
    /// honours those, while its handling of bare strings is undocumented.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        if !self.filter_groups.is_empty() {
            let groups: Vec<Value> = self
                .filter_groups
                .iter()
                .map(|filters| json!({ "filters": filters.iter().map(filter_json).collect::<Vec<_>>() }))
                .collect();
            body.insert("filterGroups".into(), Value::Array(groups));
        }
        if !self.sorts.is_empty() {
            let sorts: Vec<Value> = self
                .sorts
                .iter()
                .map(|sort| json!({ "propertyName": sort.property_name, "direction": sort.direction.name() }))
                .collect();
            body.insert("sorts".into(), Value::Array(sorts));
        }
        if let Some(query) = &self.query {
            body.insert("query".into(), Value::from(query.as_str()));
        }
        if !self.properties.is_empty() {
            body.insert("properties".into(), json!(self.properties));
        }
        if let Some(limit) = self.limit {
            body.insert("limit".into(), Value::from(limit));
        }
        if let Some(after) = &self.after {
            body.insert("after".into(), Value::from(after.as_str()));
        }
        Value::Object(body)
    }
}

fn filter_json(filter: &Filter) -> Value {
    let mut object = Map::new();
    object.insert("propertyName".into(), Value::from(filter.property_name.as_str()));
    object.insert("operator".into(), Value::from(filter.operator.name()));
    for (key, operand) in filter.operator.scalar_operands() {
        object.insert(key.into(), Value::from(operand));
    }
    if let Some(values) = filter.operator.values() {
        object.insert("values".into(), json!(values));
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_in_the_table_builds_and_names_itself() {
        for info in OPERATORS {
            let op = FilterOperator::from_parts(info.name, "1".into(), "2".into(), vec!["a".into()]);
            assert_eq!(op.map(|op| op.name()), Some(info.name));
        }
        assert_eq!(OPERATORS.len(), 13);
        assert!(FilterOperator::from_parts("LIKE", String::new(), String::new(), Vec::new()).is_none());
    }

    #[test]
    fn between_sends_value_and_high_value() {
        let request = SearchRequest {
            object_type: "deals".into(),
            filter_groups: vec![vec![Filter {
                property_name: "amount".into(),
                operator: FilterOperator::Between {
                    low: "10000".into(),
                    high: "100000".into(),
                },
            }]],
            sorts: vec![Sort {
                property_name: "amount".into(),
                direction: SortDirection::Ascending,
            }],
            limit: Some(25),
            after: Some("0".into()),
            ..SearchRequest::default()
        };
        assert_eq!(
            request.body(),
            json!({
                "filterGroups": [{"filters": [{"propertyName": "amount", "operator": "BETWEEN", "value": "10000", "highValue": "100000"}]}],
                "sorts": [{"propertyName": "amount", "direction": "ASCENDING"}],
                "limit": 25,
                "after": "0"
            })
        );
    }

    #[test]
    fn an_empty_search_sends_an_empty_object() {
        assert_eq!(SearchRequest::default().body(), json!({}));
    }

    #[test]
    fn in_sends_values_and_has_property_sends_no_operand() {
        let filters = [
            Filter {
                property_name: "dealstage".into(),
                operator: FilterOperator::In(vec!["a".into(), "b".into()]),
            },
            Filter {
                property_name: "email".into(),
                operator: FilterOperator::HasProperty,
            },
        ];
        assert_eq!(
            filter_json(&filters[0]),
            json!({"propertyName": "dealstage", "operator": "IN", "values": ["a", "b"]})
        );
        assert_eq!(
            filter_json(&filters[1]),
            json!({"propertyName": "email", "operator": "HAS_PROPERTY"})
        );
    }
}
