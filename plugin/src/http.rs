//! Plain HTTP values the pure logic builds and reads: requests with every path
//! segment and query value percent-encoded, and responses as received.

use std::fmt::Write as _;

/// The HTTP methods the connector uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PATCH`.
    Patch,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// Whether a request may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeatable {
    /// Repeating it has the same effect as sending it once (reads, updates,
    /// archives, searches).
    Yes,
    /// Repeating it could create a second record: only when HubSpot
    /// certainly did not process the first attempt.
    OnlyIfUnprocessed,
}

/// A request relative to the API base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// Path and query, already percent-encoded, starting with `/`.
    pub path_and_query: String,
    /// A JSON body.
    pub body: Option<Vec<u8>>,
    /// Retry safety.
    pub repeatable: Repeatable,
}

/// A response as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header names in lower case, values as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (give it in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The body length announced by `Content-Length` among `headers` (names in
/// lower case), so that a body over the cap can be refused before it is read.
pub fn content_length(headers: &[(String, String)]) -> Option<u64> {
    headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.trim().parse().ok())
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a
/// value can never become another path segment, query parameter or fragment.
pub fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// Builds a path from fixed segments and encoded values, then a query.
#[derive(Debug, Default)]
pub struct PathBuilder {
    path: String,
    query: String,
}

impl PathBuilder {
    /// Starts at a fixed prefix such as `/crm/v3/objects`.
    pub fn new(prefix: &str) -> Self {
        Self {
            path: prefix.to_owned(),
            query: String::new(),
        }
    }

    /// Appends one segment taken from input, encoded.
    pub fn segment(mut self, value: &str) -> Self {
        self.path.push('/');
        self.path.push_str(&percent_encode(value));
        self
    }

    /// Appends a fixed segment such as `search`.
    pub fn literal(mut self, segment: &'static str) -> Self {
        self.path.push('/');
        self.path.push_str(segment);
        self
    }

    /// Adds `key=value` to the query, encoded.
    pub fn query(mut self, key: &'static str, value: &str) -> Self {
        self.query.push(if self.query.is_empty() { '?' } else { '&' });
        self.query.push_str(key);
        self.query.push('=');
        self.query.push_str(&percent_encode(value));
        self
    }

    /// Adds `key=v` once per value, the form HubSpot's OpenAPI documents
    /// for list parameters.
    pub fn query_list(self, key: &'static str, values: &[String]) -> Self {
        values.iter().fold(self, |builder, value| builder.query(key, value))
    }

    /// The encoded path and query.
    pub fn finish(self) -> String {
        self.path + &self.query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_id_stays_one_segment() {
        let path = PathBuilder::new("/crm/v3/objects")
            .segment("contacts")
            .segment("12/../../owners?x=1#f")
            .finish();
        assert_eq!(path, "/crm/v3/objects/contacts/12%2F..%2F..%2Fowners%3Fx%3D1%23f");
    }

    #[test]
    fn query_values_are_encoded_and_lists_repeat_the_key() {
        let path = PathBuilder::new("/x")
            .query_list("properties", &["email".into(), "first name".into()])
            .query("idProperty", "a&b=c")
            .finish();
        assert_eq!(path, "/x?properties=email&properties=first%20name&idProperty=a%26b%3Dc");
    }

    #[test]
    fn content_length_is_read_when_it_is_a_number() {
        let headers = |value: &str| {
            vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("content-length".to_owned(), value.to_owned()),
            ]
        };
        assert_eq!(content_length(&headers("34603008")), Some(34_603_008));
        assert_eq!(content_length(&headers(" 12 ")), Some(12));
        assert_eq!(content_length(&headers("-1")), None);
        assert_eq!(content_length(&headers("lots")), None);
        assert_eq!(content_length(&[]), None);
    }

    #[test]
    fn non_ascii_is_encoded_as_utf8_bytes() {
        assert_eq!(percent_encode("Zoë +1"), "Zo%C3%AB%20%2B1");
    }
}
