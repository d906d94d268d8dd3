//! The host's shared keep-alive client, counted by the mock: a call that makes
//! several requests (the connection test probing every entity), and several
//! calls in a row, use one connection; over
//! HTTPS too, with the test's CA trusted as an extra CA and only then.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "fixtures of tests: a panic here is a failed test"
)]

use hubspot_harness::wit::{Connection, Error, TransportFailure};
use hubspot_harness::{Connector, Credential, Invocation, Sandbox};
use hubspot_mock::{MockConfig, MockServer, MockTls};

use crate::common::{Env, runtime};

/// A connector of its own, so that its pool starts empty.
fn fresh_connector(sandbox: Sandbox) -> Connector {
    Connector::embedded(sandbox).expect("the embedded component loads")
}

fn invoke(connector: &Connector, connection: &Connection, action: &str, input: &str) -> hubspot_harness::Call<String> {
    let invocation = Invocation {
        connection: connection.clone(),
        action: action.to_owned(),
        input: input.to_owned(),
    };
    runtime()
        .block_on(connector.invoke(&invocation))
        .unwrap_or_else(|error| panic!("{action} did not complete: {error}"))
}

#[test]
fn connection_test_connection_probing_every_entity_uses_one_connection() {
    let env = Env::new();
    // The host keeps the token, so the component cannot ask token-info about
    // it and probes the entities one read after another.
    let connector = fresh_connector(Sandbox {
        credential: Credential::Host,
        ..Sandbox::default()
    });
    let call = invoke(&connector, &env.connection, "test-connection", "");
    assert!(call.result.is_ok(), "{call:?}");
    let requests = env.requests().len();
    assert!(requests > 3, "the probe made {requests} requests: {call:?}");
    assert_eq!(call.requests_sent as usize, requests);
    assert_eq!(env.mock.connections_accepted(), 1, "{requests} requests");
    assert_eq!(connector.connections_opened(), 1);
}

#[test]
fn connection_calls_in_a_row_share_one_connection() {
    let env = Env::new();
    let connector = fresh_connector(Sandbox::default());
    for n in 0..5 {
        let input = format!(r#"{{"entity": "contacts", "properties": {{"email": "row{n}@example.com"}}}}"#);
        let call = invoke(&connector, &env.connection, "create", &input);
        assert!(call.result.is_ok(), "{call:?}");
    }
    assert_eq!(env.requests().len(), 5);
    assert_eq!(env.mock.connections_accepted(), 1);
    assert_eq!(connector.connections_opened(), 1);
}

#[test]
fn connection_each_origin_has_its_own_and_a_closed_one_is_not_reused() {
    let env = Env::new();
    let connector = fresh_connector(Sandbox::default());
    let read = r#"{"entity": "contacts", "entityId": "1"}"#;
    let first = invoke(&connector, &env.connection, "read", read);
    assert!(matches!(first.result, Err(Error::NotFound(_))), "{first:?}");
    // Another mock on another port: the pooled connection to the first is of
    // no use, and a second origin gets a connection of its own.
    let other = Env::new();
    let second = invoke(&connector, &other.connection, "read", read);
    assert!(matches!(second.result, Err(Error::NotFound(_))), "{second:?}");
    assert_eq!(connector.connections_opened(), 2);
    // The first mock goes away with its connection; the next call to that
    // origin must not fail on the dead connection, only find nobody there.
    let base = env.connection.clone();
    drop(env);
    let gone = invoke(&connector, &base, "read", read);
    assert!(
        matches!(&gone.result, Err(Error::Transport(error)) if error.kind == TransportFailure::Connection),
        "{gone:?}"
    );
}

/// A CA and a certificate for 127.0.0.1 it issued, made for this test.
fn test_pki() -> (String, MockTls) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "hubspot-mock test CA");
    let ca_key = rcgen::KeyPair::generate().expect("a CA key");
    let ca = ca_params.self_signed(&ca_key).expect("the CA certificate");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).expect("leaf parameters");
    let leaf_key = rcgen::KeyPair::generate().expect("a leaf key");
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).expect("the leaf certificate");
    let tls = MockTls {
        cert_chain_pem: leaf.pem(),
        key_pem: leaf_key.serialize_pem(),
    };
    (ca.pem(), tls)
}

#[test]
fn connection_https_to_a_mock_with_an_extra_ca_reuses_one_connection() {
    let (ca_pem, tls) = test_pki();
    let ca_file = std::env::temp_dir().join(format!("hubspot-mock-ca-{}.pem", std::process::id()));
    std::fs::write(&ca_file, ca_pem).expect("the CA file is written");
    let mock = MockServer::start(MockConfig {
        tls: Some(tls),
        ..MockConfig::default()
    })
    .expect("the TLS mock starts");
    assert!(mock.base_url().starts_with("https://127.0.0.1:"), "{}", mock.base_url());
    let connection = Connection {
        access_token: hubspot_mock::DEFAULT_TOKEN.to_owned(),
        api_base: Some(mock.base_url()),
        api_version: None,
    };
    let read = r#"{"entity": "contacts", "entityId": "1"}"#;

    // Without the extra CA the mock's certificate is not trusted.
    let untrusting = fresh_connector(Sandbox::default());
    let refused = invoke(&untrusting, &connection, "read", read);
    assert!(
        matches!(&refused.result, Err(Error::Transport(error)) if error.kind == TransportFailure::Tls),
        "{refused:?}"
    );
    assert!(mock.requests().is_empty());

    let trusting = fresh_connector(Sandbox {
        extra_ca: Some(ca_file.clone()),
        ..Sandbox::default()
    });
    for _ in 0..3 {
        let call = invoke(&trusting, &connection, "read", read);
        assert!(matches!(call.result, Err(Error::NotFound(_))), "{call:?}");
    }
    assert_eq!(mock.requests().len(), 3);
    assert_eq!(trusting.connections_opened(), 1);
    let _ = std::fs::remove_file(ca_file);
}

#[test]
fn connection_an_unreadable_extra_ca_fails_loading_with_its_path() {
    let missing = std::env::temp_dir().join("hubspot-harness-no-such-ca.pem");
    let error = Connector::embedded(Sandbox {
        extra_ca: Some(missing.clone()),
        ..Sandbox::default()
    })
    .expect_err("a missing CA file is an error");
    assert!(error.to_string().contains(&missing.display().to_string()), "{error}");
}
