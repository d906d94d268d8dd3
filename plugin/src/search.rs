//! The search request: filter groups, operators and sorts, and the table of
//! operators every other part reads.

use crate::limits::MAX_SEARCH_RESULTS;

/// What a search operator takes besides the property name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// One value in `value`.
    Value,
    /// A low bound in `value` and a high bound in `highValue`.
    Range,
    /// A non-empty list in `values`.
    Values,
    /// Nothing.
    Nothing,
}

/// One of HubSpot's search operators; its name, arity and meaning are in
/// [`OPERATORS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `EQ`.
    Eq,
    /// `NEQ`.
    Neq,
    /// `LT`.
    Lt,
    /// `LTE`.
    Lte,
    /// `GT`.
    Gt,
    /// `GTE`.
    Gte,
    /// `BETWEEN`, inclusive.
    Between,
    /// `IN`.
    In,
    /// `NOT_IN`.
    NotIn,
    /// `HAS_PROPERTY`.
    HasProperty,
    /// `NOT_HAS_PROPERTY`.
    NotHasProperty,
    /// `CONTAINS_TOKEN`.
    ContainsToken,
    /// `NOT_CONTAINS_TOKEN`.
    NotContainsToken,
}

/// What the connector knows of one search operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorInfo {
    /// Which operator.
    pub operator: Operator,
    /// HubSpot's name for it.
    pub name: &'static str,
    /// What it takes.
    pub arity: Arity,
    /// What it matches, for the tool catalog.
    pub meaning: &'static str,
}

/// HubSpot's thirteen search operators, in [`Operator`]'s order.
pub const OPERATORS: &[OperatorInfo] = &[
    OperatorInfo {
        operator: Operator::Eq,
        name: "EQ",
        arity: Arity::Value,
        meaning: "equal to `value` (case-insensitive for text)",
    },
    OperatorInfo {
        operator: Operator::Neq,
        name: "NEQ",
        arity: Arity::Value,
        meaning: "not equal to `value`",
    },
    OperatorInfo {
        operator: Operator::Lt,
        name: "LT",
        arity: Arity::Value,
        meaning: "less than `value`",
    },
    OperatorInfo {
        operator: Operator::Lte,
        name: "LTE",
        arity: Arity::Value,
        meaning: "less than or equal to `value`",
    },
    OperatorInfo {
        operator: Operator::Gt,
        name: "GT",
        arity: Arity::Value,
        meaning: "greater than `value`",
    },
    OperatorInfo {
        operator: Operator::Gte,
        name: "GTE",
        arity: Arity::Value,
        meaning: "greater than or equal to `value`",
    },
    OperatorInfo {
        operator: Operator::Between,
        name: "BETWEEN",
        arity: Arity::Range,
        meaning: "from `value` to `highValue`, both inclusive",
    },
    OperatorInfo {
        operator: Operator::In,
        name: "IN",
        arity: Arity::Values,
        meaning: "equal to one of `values` (lower-case for text)",
    },
    OperatorInfo {
        operator: Operator::NotIn,
        name: "NOT_IN",
        arity: Arity::Values,
        meaning: "equal to none of `values`",
    },
    OperatorInfo {
        operator: Operator::HasProperty,
        name: "HAS_PROPERTY",
        arity: Arity::Nothing,
        meaning: "has any value",
    },
    OperatorInfo {
        operator: Operator::NotHasProperty,
        name: "NOT_HAS_PROPERTY",
        arity: Arity::Nothing,
        meaning: "has no value",
    },
    OperatorInfo {
        operator: Operator::ContainsToken,
        name: "CONTAINS_TOKEN",
        arity: Arity::Value,
        meaning: "contains the word `value` (`*` is a wildcard)",
    },
    OperatorInfo {
        operator: Operator::NotContainsToken,
        name: "NOT_CONTAINS_TOKEN",
        arity: Arity::Value,
        meaning: "does not contain the word `value`",
    },
];

// `Operator::info` indexes the table by the variant: the build fails if an
// entry is out of place.
const _: () = {
    let mut index = 0;
    while index < OPERATORS.len() {
        assert!(
            OPERATORS[index].operator as usize == index,
            "OPERATORS must list the operators in declaration order"
        );
        index += 1;
    }
};

impl Operator {
    /// What the table says of this operator.
    pub fn info(self) -> &'static OperatorInfo {
        &OPERATORS[self as usize]
    }

    /// HubSpot's name for the operator.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// What the operator takes.
    pub fn arity(self) -> Arity {
        self.info().arity
    }

    /// Looks an operator up by HubSpot's name.
    pub fn from_name(name: &str) -> Option<Self> {
        OPERATORS
            .iter()
            .find(|info| info.name == name)
            .map(|info| info.operator)
    }
}

/// The operator names, for messages and schemas.
pub fn operator_names() -> Vec<&'static str> {
    OPERATORS.iter().map(|op| op.name).collect()
}

/// What a filter compares the property with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// Nothing, for [`Arity::Nothing`].
    None,
    /// One value, for [`Arity::Value`].
    Value(String),
    /// Inclusive bounds, for [`Arity::Range`].
    Range {
        /// Low bound.
        low: String,
        /// High bound.
        high: String,
    },
    /// A list, for [`Arity::Values`].
    Values(Vec<String>),
}

impl Operand {
    /// The arity this operand fits.
    pub fn arity(&self) -> Arity {
        match self {
            Self::None => Arity::Nothing,
            Self::Value(_) => Arity::Value,
            Self::Range { .. } => Arity::Range,
            Self::Values(_) => Arity::Values,
        }
    }
}

/// One condition on one property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The property's internal name.
    pub property_name: String,
    /// How to compare.
    pub operator: Operator,
    /// What to compare with; its arity must be the operator's.
    pub operand: Operand,
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
    /// Read page after page until this many results; `None` reads one page.
    pub max_results: Option<u32>,
}

/// The property keyset paging orders and filters by: every record has it,
/// it is unique, and it sorts numerically.
pub const KEYSET_PROPERTY: &str = "hs_object_id";

/// Where the next page of a search that pages on its own starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchCursor {
    /// HubSpot's `after` offset, within the first 10,000 results.
    After(String),
    /// The records whose `hs_object_id` is greater than this one's.
    AboveId(String),
}

impl SearchRequest {
    /// Whether reading `max_results` from the request's own offset goes past
    /// HubSpot's 10,000th result, so that the connector must page by
    /// `hs_object_id` instead of by offset.
    pub fn needs_keyset(&self) -> bool {
        let Some(max) = self.max_results else {
            return false;
        };
        // A cursor that is not a number is not an offset; it starts at 0.
        let offset = self
            .after
            .as_deref()
            .and_then(|after| after.parse::<u64>().ok())
            .unwrap_or(0);
        offset.saturating_add(u64::from(max)) > MAX_SEARCH_RESULTS
    }

    /// Whether the request sorts by nothing but `hs_object_id` ascending,
    /// the only order keyset paging can keep.
    pub fn sorts_by_id_or_not_at_all(&self) -> bool {
        match self.sorts.as_slice() {
            [] => true,
            [sort] => sort.property_name == KEYSET_PROPERTY && sort.direction == SortDirection::Ascending,
            _ => false,
        }
    }

    /// The request for the page at `cursor` with `page_size` results: the
    /// first page is the request itself; keyset paging sorts by
    /// `hs_object_id` and, past the first page, adds `hs_object_id GT` the
    /// last id read to every filter group (one group of it when there are none).
    pub fn page(&self, cursor: Option<&SearchCursor>, page_size: u32) -> SearchRequest {
        let mut page = self.clone();
        page.limit = Some(page_size);
        page.max_results = None;
        if self.needs_keyset() {
            page.sorts = vec![Sort {
                property_name: KEYSET_PROPERTY.to_owned(),
                direction: SortDirection::Ascending,
            }];
        }
        match cursor {
            None => {}
            Some(SearchCursor::After(after)) => page.after = Some(after.clone()),
            Some(SearchCursor::AboveId(id)) => {
                page.after = None;
                let above = Filter {
                    property_name: KEYSET_PROPERTY.to_owned(),
                    operator: Operator::Gt,
                    operand: Operand::Value(id.clone()),
                };
                if page.filter_groups.is_empty() {
                    page.filter_groups.push(vec![above]);
                } else {
                    for group in &mut page.filter_groups {
                        group.push(above.clone());
                    }
                }
            }
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_appears_exactly_once_in_the_table() {
        let every = [
            Operator::Eq,
            Operator::Neq,
            Operator::Lt,
            Operator::Lte,
            Operator::Gt,
            Operator::Gte,
            Operator::Between,
            Operator::In,
            Operator::NotIn,
            Operator::HasProperty,
            Operator::NotHasProperty,
            Operator::ContainsToken,
            Operator::NotContainsToken,
        ];
        assert_eq!(OPERATORS.len(), every.len());
        for operator in every {
            let rows = OPERATORS.iter().filter(|info| info.operator == operator).count();
            assert_eq!(rows, 1, "{operator:?}");
            assert_eq!(operator.info().operator, operator);
            assert_eq!(Operator::from_name(operator.name()), Some(operator));
        }
        assert_eq!(Operator::from_name("LIKE"), None);
    }
}
