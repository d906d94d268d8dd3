//! Percent-decoding of paths and query strings, and the reading of query parameters the
//! way HubSpot's Java stack does (repeated keys and comma lists, `Boolean.valueOf`).

/// Decode `%XX` escapes (invalid ones stay as they are); with `plus_is_space`, `+` is a
/// space as in `application/x-www-form-urlencoded` query strings. Bytes that do not form
/// UTF-8 become U+FFFD.
pub(crate) fn percent_decode(raw: &str, plus_is_space: bool) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                let escaped = bytes
                    .get(index + 1..index + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                if let Some(byte) = escaped {
                    out.push(byte);
                    index += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' if plus_is_space => out.push(b' '),
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded segments of a raw path, without the empty segment before the leading `/`
/// and without one trailing empty segment (so `/a/b/` reads as `/a/b`).
pub(crate) fn path_segments(raw_path: &str) -> Vec<String> {
    let trimmed = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed
        .split('/')
        .map(|segment| percent_decode(segment, false))
        .collect()
}

/// The decoded `key=value` pairs of a raw query string, in order, repeated keys kept.
pub(crate) fn query_pairs(raw_query: &str) -> Vec<(String, String)> {
    raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (percent_decode(key, true), percent_decode(value, true)),
            None => (percent_decode(pair, true), String::new()),
        })
        .collect()
}

/// A request's query parameters.
#[derive(Clone, Debug, Default)]
pub(crate) struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Parse a raw query string (without the `?`).
    pub(crate) fn parse(raw_query: Option<&str>) -> Self {
        Self {
            pairs: raw_query.map(query_pairs).unwrap_or_default(),
        }
    }

    /// The first value of `key`.
    pub(crate) fn first(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of `key`, whether given as repeated keys (`a=x&a=y`, the OpenAPI
    /// `form`/`explode` style) or comma-separated (`a=x,y`); blanks dropped.
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(name, _)| name == key)
            .flat_map(|(_, value)| value.split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A boolean parameter as Java's `Boolean.valueOf` reads it: `true` in any letter case
    /// is true, anything else (or nothing) is false.
    pub(crate) fn flag(&self, key: &str) -> bool {
        self.first(key)
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_percent_decode_handles_escapes_plus_and_garbage() {
        assert_eq!(percent_decode("jon%40x.com", false), "jon@x.com");
        assert_eq!(percent_decode("a+b", true), "a b");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%C3%A9", false), "é");
        assert_eq!(percent_decode("%FF", false), "\u{FFFD}");
    }

    #[test]
    fn query_path_segments_decode_each_segment() {
        assert_eq!(
            path_segments("/crm/v3/objects/contacts/a%2Fb"),
            vec!["crm", "v3", "objects", "contacts", "a/b"]
        );
        assert_eq!(path_segments("/crm/v3/"), vec!["crm", "v3"]);
        assert!(path_segments("/").is_empty());
    }

    #[test]
    fn query_params_lists_accept_repeated_and_comma_forms() {
        let params = QueryParams::parse(Some("properties=a,b&properties=c&x&properties=%20,d"));
        assert_eq!(params.list("properties"), vec!["a", "b", "c", "d"]);
        assert_eq!(params.first("x"), Some(""));
        assert!(params.list("missing").is_empty());
    }

    #[test]
    fn query_params_flag_follows_java_boolean_value_of() {
        let params = QueryParams::parse(Some("a=TRUE&b=yes&c=false"));
        assert!(params.flag("a"));
        assert!(!params.flag("b"));
        assert!(!params.flag("c"));
        assert!(!params.flag("d"));
    }
}
