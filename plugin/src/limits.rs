//! Every size limit the connector checks before sending: HubSpot's own search
//! limits and the caps that keep hostile input from costing memory or time.

use std::time::Duration;

/// Most filter groups in one search (HubSpot: 5).
pub const MAX_FILTER_GROUPS: usize = 5;
/// Most filters in one filter group (HubSpot: 6).
pub const MAX_FILTERS_PER_GROUP: usize = 6;
/// Most filters across all groups of one search (HubSpot: 18).
pub const MAX_FILTERS_TOTAL: usize = 18;
/// Smallest search page size.
pub const MIN_SEARCH_LIMIT: u32 = 1;
/// Largest search page size (HubSpot: 200).
pub const MAX_SEARCH_LIMIT: u32 = 200;
/// Longest free-text search query, in characters (HubSpot: 3000).
pub const MAX_QUERY_CHARS: usize = 3000;
/// Results reachable through search paging (HubSpot: 10,000).
pub const MAX_SEARCH_RESULTS: u64 = 10_000;
/// Search requests HubSpot allows per account per second (HubSpot: 5).
pub const SEARCHES_PER_SECOND: u64 = 5;
/// The least time from one search answer to the next page's request, so that
/// a search that pages on its own stays within [`SEARCHES_PER_SECOND`].
pub const SEARCH_PAGE_GAP: Duration = Duration::from_millis(1000 / SEARCHES_PER_SECOND);
/// Most records one `search` with `maxResults` reads, page after page; as
/// for `list`, the cap keeps the answer within the sandbox's memory.
pub const MAX_SEARCH_MAX_RESULTS: u32 = MAX_LIST_RESULTS;
/// Most values in one `IN`/`NOT_IN` filter.
pub const MAX_FILTER_VALUES: usize = 100;

/// Largest JSON input accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;
/// Deepest nesting of arrays and objects in an input.
pub const MAX_INPUT_DEPTH: usize = 32;
/// Most properties written in one create or update.
pub const MAX_PROPERTIES: usize = 1000;
/// Longest property value, in characters (HubSpot's text limit).
pub const MAX_PROPERTY_VALUE_CHARS: usize = 65_536;
/// Most names in a `properties`, `propertiesWithHistory` or `associations` list.
pub const MAX_NAME_LIST: usize = 1000;
/// Most associations on one create.
pub const MAX_ASSOCIATIONS: usize = 100;
/// Most association types on one association.
pub const MAX_ASSOCIATION_TYPES: usize = 10;
/// Longest property name or identifier-like value.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest record id or id-property value.
pub const MAX_ID_CHARS: usize = 1024;
/// Longest sort list.
pub const MAX_SORTS: usize = 10;
/// Longest access token accepted (HubSpot's tokens are about 300 characters).
pub const MAX_TOKEN_CHARS: usize = 4096;

/// Largest response body read from HubSpot.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Largest page of the list endpoint (HubSpot: 100).
pub const MAX_LIST_LIMIT: u32 = 100;
/// Most records one `list` follows its cursor to. HubSpot's list endpoint has
/// no cap; this one keeps the answer within the sandbox's memory.
pub const MAX_LIST_RESULTS: u32 = 50_000;
/// Owners asked for per request (HubSpot's default page size).
pub const OWNERS_PAGE: u32 = 100;
/// Most owners read for one call, page after page.
pub const MAX_OWNERS: usize = 10_000;
/// Longest e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Associations HubSpot returns per page of a record's associations (its
/// largest `limit`).
pub const MAX_ASSOCIATIONS_PAGE: u32 = 500;
/// Associations `get-associations` reads at most, page after page; the
/// answer hands back the cursor when more are left.
pub const MAX_ASSOCIATIONS_READ: usize = 50_000;
/// Most inputs in one HubSpot batch request (HubSpot: 100).
pub const BATCH_SIZE: usize = 100;
/// Most inputs in one batch read that asks for property history (HubSpot: 50).
pub const BATCH_READ_HISTORY_SIZE: usize = 50;
/// Most inputs one batch action takes; it sends them in chunks of
/// [`BATCH_SIZE`]. The cap keeps the answer within the sandbox's memory.
pub const MAX_BATCH_INPUTS: usize = 10_000;
