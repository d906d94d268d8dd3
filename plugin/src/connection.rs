//! The connection a call runs with: the API base, the HubSpot API version and
//! the access token, checked before use so that none can break or redirect a
//! request.

use std::fmt;

use crate::api_version::ApiVersion;
use crate::error::Error;
use crate::input_path::{Field, InputPath};
use crate::limits::MAX_TOKEN_CHARS;

/// HubSpot's API base.
pub const DEFAULT_API_BASE: &str = "https://api.hubapi.com";

/// A connection as the caller gives it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Connection {
    /// Bearer token; empty when the host adds the credential.
    pub access_token: String,
    /// Scheme and authority; `None` for [`DEFAULT_API_BASE`].
    pub api_base: Option<String>,
    /// A name from [`crate::api_version::VERSIONS`]; `None` for the newest.
    pub api_version: Option<String>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("access_token", &"<redacted>")
            .field("api_base", &self.api_base)
            .field("api_version", &self.api_version)
            .finish()
    }
}

/// A checked connection.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https://host[:port]` without a trailing slash.
    pub base: String,
    /// The HubSpot API version whose paths the requests use.
    pub version: ApiVersion,
    /// The bearer token; `None` when the host adds the credential.
    token: Option<String>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("base", &self.base)
            .field("version", &self.version.name)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Endpoint {
    /// Checks the token, the API base and the API version.
    pub fn new(connection: &Connection) -> Result<Self, Error> {
        let token = check_token(&connection.access_token)?;
        let base = match &connection.api_base {
            None => DEFAULT_API_BASE.to_owned(),
            Some(base) => check_api_base(base)?,
        };
        let version = ApiVersion::from_connection(connection.api_version.as_deref())?;
        Ok(Self { base, version, token })
    }

    /// The value of the `Authorization` header, if the connector sends one.
    pub fn authorization(&self) -> Option<String> {
        self.token.as_ref().map(|token| format!("Bearer {token}"))
    }

    /// The token itself, for HubSpot's token-information endpoint.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The full URL of a path relative to the base.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }
}

fn token_path() -> InputPath {
    InputPath::root().field(Field::Connection).field(Field::AccessToken)
}

fn api_base_path() -> InputPath {
    InputPath::root().field(Field::Connection).field(Field::ApiBase)
}

/// A token must fit in an HTTP header: printable ASCII without spaces. The
/// message never repeats the token.
fn check_token(token: &str) -> Result<Option<String>, Error> {
    if token.is_empty() {
        return Ok(None);
    }
    if token.len() > MAX_TOKEN_CHARS {
        return Err(Error::invalid(
            &token_path(),
            format!(
                "the access token is longer than {MAX_TOKEN_CHARS} characters; paste the Service Key (or private app or OAuth token) exactly as HubSpot shows it"
            ),
        ));
    }
    if let Some(position) = token.bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
        return Err(Error::invalid(
            &token_path(),
            format!(
                "the access token contains a space, line break or other character that cannot go in an HTTP header (at character {}); \
                 paste the Service Key (or private app or OAuth token) exactly as HubSpot shows it",
                position + 1
            ),
        ));
    }
    Ok(Some(token.to_owned()))
}

/// Accepts `http(s)://host[:port]` with an optional trailing slash, nothing else:
/// a path, query, fragment or user info in the base could redirect requests.
fn check_api_base(base: &str) -> Result<String, Error> {
    let problem = |message: &str| {
        Error::invalid(
            &api_base_path(),
            format!("{message}; give a scheme and host such as {DEFAULT_API_BASE} (a port is allowed, a path is not)"),
        )
    };
    let trimmed = base.strip_suffix('/').unwrap_or(base);
    let Some((scheme, authority)) = trimmed.split_once("://") else {
        return Err(problem("the API base has no scheme"));
    };
    if scheme != "https" && scheme != "http" {
        return Err(problem("the API base must use https or http"));
    }
    if authority.is_empty() {
        return Err(problem("the API base has no host"));
    }
    if authority.contains(['/', '?', '#', '@', '\\']) {
        return Err(problem(
            "the API base may not contain a path, query, fragment or user info",
        ));
    }
    let (host, port) = split_host_port(authority).ok_or_else(|| problem("the API base's host is not valid"))?;
    let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    if !host_ok {
        return Err(problem("the API base's host is not valid"));
    }
    if let Some(port) = port
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(problem("the API base's port is not valid"));
    }
    Ok(format!("{scheme}://{authority}"))
}

fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => Some((host, None)),
            _ => rest.strip_prefix(':').map(|port| (host, Some(port))),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => Some((host, Some(port))),
            None => Some((authority, None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input_path::Vocabulary;

    fn endpoint(token: &str, base: Option<&str>) -> Result<Endpoint, Error> {
        Endpoint::new(&Connection {
            access_token: token.into(),
            api_base: base.map(Into::into),
            api_version: None,
        })
    }

    #[test]
    fn the_default_base_is_hubspot() {
        let endpoint = endpoint("pat-na1-abc", None).ok();
        assert_eq!(endpoint.as_ref().map(|e| e.base.as_str()), Some(DEFAULT_API_BASE));
        assert_eq!(
            endpoint.and_then(|e| e.authorization()),
            Some("Bearer pat-na1-abc".to_owned())
        );
    }

    #[test]
    fn bases_with_ports_and_trailing_slashes_are_accepted() {
        for (given, kept) in [
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("https://api.hubapi.com", "https://api.hubapi.com"),
            ("http://[::1]:9000", "http://[::1]:9000"),
        ] {
            assert_eq!(endpoint("t", Some(given)).map(|e| e.base), Ok(kept.to_owned()));
        }
    }

    #[test]
    fn bases_that_could_redirect_requests_are_rejected() {
        for bad in [
            "api.hubapi.com",
            "ftp://api.hubapi.com",
            "https://api.hubapi.com/crm",
            "https://user@evil.example",
            "https://api.hubapi.com?x=1",
            "https://api.hubapi.com:99999",
            "https://",
            "https://bad host",
        ] {
            let error = endpoint("t", Some(bad));
            assert!(
                matches!(&error, Err(Error::InvalidInput(p)) if p.path_in(Vocabulary::Json) == "connection.apiBase"),
                "{bad}: {error:?}"
            );
        }
    }

    #[test]
    fn header_breaking_tokens_are_rejected_without_echoing_them() {
        for bad in ["pat\r\nX-Injected: 1", "pat token", "pat\u{7f}", "pät"] {
            match endpoint(bad, None) {
                Err(Error::InvalidInput(problem)) => {
                    assert_eq!(problem.path_in(Vocabulary::Json), "connection.accessToken");
                    assert!(!problem.message.contains("pat"), "{}", problem.message);
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn an_empty_token_means_the_host_adds_the_credential() {
        assert_eq!(endpoint("", None).map(|e| e.authorization()), Ok(None));
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let connection = Connection {
            access_token: "pat-secret".into(),
            api_base: None,
            api_version: None,
        };
        assert!(!format!("{connection:?}").contains("pat-secret"));
        let endpoint = Endpoint::new(&connection).ok();
        assert!(!format!("{endpoint:?}").contains("pat-secret"));
    }
}
