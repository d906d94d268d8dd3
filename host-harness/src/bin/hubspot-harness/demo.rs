//! The demo: a realistic scenario from the specification, run through the
//! component against the embedded mock HubSpot, printing each step.

use std::io::Write;

use serde_json::{Value, json};

use crate::report;
use hubspot_harness::wit::Connection;
use hubspot_harness::{Connector, Invocation, Sandbox};
use hubspot_mock::{DEFAULT_TOKEN, MockConfig, MockServer};

/// Longest result shown per step, in lines.
const SHOWN_LINES: usize = 14;

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The mock or the component could not start.
    #[error("{0}")]
    Setup(String),
    /// A step that should succeed failed.
    #[error("step `{step}` failed: {message}")]
    Step {
        /// The step's title.
        step: String,
        /// What went wrong.
        message: String,
    },
    /// Writing the output failed.
    #[error("writing the demo output failed: {0}")]
    Output(#[from] std::io::Error),
}

struct Demo<'a, W: Write> {
    connector: Connector,
    connection: Connection,
    out: &'a mut W,
    step: usize,
}

impl<W: Write> Demo<'_, W> {
    /// Runs a step that must succeed, shows its result and returns it.
    async fn step(&mut self, title: &str, action: &str, input: Value) -> Result<Value, DemoError> {
        let value = self.quiet_step(title, action, input).await?;
        self.show("result", &value)?;
        Ok(value)
    }

    /// Runs a step that must succeed and returns its result without showing
    /// it (the caller summarises long answers).
    async fn quiet_step(&mut self, title: &str, action: &str, input: Value) -> Result<Value, DemoError> {
        self.run(title, action, &input).await?.map_err(|error| DemoError::Step {
            step: title.to_owned(),
            message: error.to_string(),
        })
    }

    /// Runs a step that is meant to fail, and shows the error an agent gets.
    async fn failing_step(&mut self, title: &str, action: &str, input: Value) -> Result<Value, DemoError> {
        match self.run(title, action, &input).await? {
            Err(error) => {
                self.show("error", &brief(&error))?;
                Ok(error)
            }
            Ok(value) => Err(DemoError::Step {
                step: title.to_owned(),
                message: format!("expected an error, got {value}"),
            }),
        }
    }

    async fn run(&mut self, title: &str, action: &str, input: &Value) -> Result<Result<Value, Value>, DemoError> {
        self.step += 1;
        writeln!(self.out, "\n{}. {title}", self.step)?;
        writeln!(self.out, "   $ hubspot-harness invoke {action} '{input}'")?;
        let invocation = Invocation {
            connection: self.connection.clone(),
            action: action.to_owned(),
            input: input.to_string(),
        };
        let call = self
            .connector
            .invoke(&invocation)
            .await
            .map_err(|error| DemoError::Step {
                step: title.to_owned(),
                message: error.to_string(),
            })?;
        Ok(match call.result {
            Ok(text) => Ok(serde_json::from_str(&text).unwrap_or(Value::String(text))),
            Err(error) => Err(report::error_json(&error)),
        })
    }

    fn show(&mut self, label: &str, value: &Value) -> Result<(), DemoError> {
        let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
        let lines: Vec<&str> = pretty.lines().collect();
        for (index, line) in lines.iter().take(SHOWN_LINES).enumerate() {
            let prefix = if index == 0 {
                format!("   {label}: ")
            } else {
                " ".repeat(label.len() + 5)
            };
            writeln!(self.out, "{prefix}{line}")?;
        }
        if lines.len() > SHOWN_LINES {
            writeln!(
                self.out,
                "{}… ({} more lines)",
                " ".repeat(label.len() + 5),
                lines.len() - SHOWN_LINES
            )?;
        }
        Ok(())
    }

    fn note(&mut self, text: &str) -> Result<(), DemoError> {
        writeln!(self.out, "   → {text}")?;
        Ok(())
    }
}

/// The parts of an error an agent acts on first: its kind, its message, and
/// for invalid input the path to fix.
fn brief(error: &Value) -> Value {
    let error = &error["error"];
    let mut shown = json!({ "kind": error["kind"], "message": error["message"] });
    if let Some(path) = error.get("path") {
        shown["path"] = path.clone();
    }
    shown
}

fn id_of(record: &Value) -> String {
    record["id"].as_str().unwrap_or_default().to_owned()
}

/// Runs the demo, writing its steps to `out`.
pub async fn run(out: &mut impl Write) -> Result<(), DemoError> {
    let mock = MockServer::start(MockConfig::default())
        .map_err(|error| DemoError::Setup(format!("the mock HubSpot could not start: {error}")))?;
    let connector = Connector::embedded(Sandbox::default()).map_err(|error| DemoError::Setup(error.to_string()))?;
    writeln!(
        out,
        "HubSpot connector demo: the component runs in wasmtime and talks HTTP to a mock HubSpot at {}.",
        mock.base_url()
    )?;
    let connection = Connection {
        access_token: DEFAULT_TOKEN.to_owned(),
        api_base: Some(mock.base_url()),
        api_version: None,
    };
    let mut demo = Demo {
        connector,
        connection,
        out,
        step: 0,
    };

    let report = demo
        .quiet_step("Test the connection", "test-connection", json!({}))
        .await?;
    let entities = report["entities"].as_array().cloned().unwrap_or_default();
    let writable = entities
        .iter()
        .filter(|e| e["read"] == "granted" && e["write"] == "granted")
        .count();
    demo.note(&format!(
        "the token works; it may read and write {writable} of {} entities",
        entities.len()
    ))?;

    let company = demo
        .step(
            "Create a company",
            "create",
            json!({"entity": "companies", "properties": {"name": "Acme Corporation", "domain": "acme.com",
                   "industry": "COMPUTER_SOFTWARE", "phone": "+1-555-000-0000", "city": "San Francisco", "state": "California"}}),
        )
        .await?;
    let company_id = id_of(&company);

    let contact = demo
        .step(
            "Create a contact associated with the company (contact→company, type 1)",
            "create",
            json!({"entity": "contacts",
                   "properties": {"email": "jane.smith@acme.com", "firstname": "Jane", "lastname": "Smith",
                                  "lifecyclestage": "lead", "state": "California"},
                   "associations": [{"to": {"id": company_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}),
        )
        .await?;
    let contact_id = id_of(&contact);

    let deal = demo
        .step(
            "Create a deal for the contact (deal→contact, type 3)",
            "create",
            json!({"entity": "deals",
                   "properties": {"dealname": "Enterprise License - Q1 2025", "dealstage": "appointmentscheduled",
                                  "pipeline": "default", "amount": "50000", "closedate": "2025-03-31"},
                   "associations": [{"to": {"id": contact_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]}]}),
        )
        .await?;
    let deal_id = id_of(&deal);

    demo.step(
        "Read the contact with its associated companies and deals",
        "read",
        json!({"entity": "contacts", "entityId": contact_id, "properties": ["email", "firstname", "lastname", "lifecyclestage"],
               "associations": ["companies", "deals"]}),
    )
    .await?;

    demo.step(
        "Move the deal to closed won",
        "update",
        json!({"entity": "deals", "entityId": deal_id, "properties": {"dealstage": "closedwon", "amount": "55000"}}),
    )
    .await?;

    demo.step(
        "Read the deal with the history of its stage",
        "read",
        json!({"entity": "deals", "entityId": deal_id, "properties": ["dealname", "amount"], "propertiesWithHistory": ["dealstage"]}),
    )
    .await?;

    demo.step(
        "Find every lead in California",
        "search",
        json!({"entity": "contacts", "searchObj": {"filterGroups": [{"filters": [
                {"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"},
                {"propertyName": "state", "operator": "EQ", "value": "California"}]}],
              "properties": ["email", "firstname", "lifecyclestage"], "limit": 100}}),
    )
    .await?;
    demo.note("Jane is one")?;

    demo.step(
        "Update the contact by e-mail address (idProperty)",
        "update",
        json!({"entity": "contacts", "entityId": "jane.smith@acme.com", "idProperty": "email", "properties": {"lifecyclestage": "customer"}}),
    )
    .await?;

    demo.step(
        "Search deals worth 10,000 to 100,000, largest first",
        "search",
        json!({"entity": "deals", "searchObj": {"filterGroups": [{"filters": [
                {"propertyName": "amount", "operator": "BETWEEN", "value": "10000", "highValue": "100000"}]}],
              "properties": ["dealname", "amount", "dealstage"],
              "sorts": [{"propertyName": "amount", "direction": "DESCENDING"}], "limit": 25}}),
    )
    .await?;

    demo.step(
        "Search companies by free text",
        "search",
        json!({"entity": "companies", "searchObj": {"query": "acme", "properties": ["name", "domain"]}}),
    )
    .await?;

    let pipelines = demo
        .quiet_step("List the deal pipelines", "get-pipelines", json!({"entity": "deals"}))
        .await?;
    for pipeline in pipelines["results"].as_array().cloned().unwrap_or_default() {
        let stages: Vec<&str> = pipeline["stages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|stage| stage["id"].as_str())
            .collect();
        demo.note(&format!(
            "pipeline {} ({}): {}",
            pipeline["id"],
            pipeline["label"],
            stages.join(", ")
        ))?;
    }
    demo.step(
        "Get one deal stage",
        "get-pipeline-stage",
        json!({"entity": "deals", "pipelineId": "default", "stageId": "contractsent"}),
    )
    .await?;

    let properties = demo
        .quiet_step(
            "List the contact properties",
            "get-properties",
            json!({"objectType": "contacts"}),
        )
        .await?;
    let names: Vec<&str> = properties["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    let first: Vec<&str> = names.iter().take(8).copied().collect();
    demo.note(&format!("{} properties: {}, …", names.len(), first.join(", ")))?;

    demo.failing_step(
        "The specification's company sample: HubSpot refuses industry \"Technology\" and lists the valid options",
        "create",
        json!({"entity": "companies", "properties": {"name": "Acme Corporation", "domain": "acme.com", "industry": "Technology"}}),
    )
    .await?;

    demo.failing_step(
        "Invalid input is refused before anything is sent",
        "search",
        json!({"entity": "deals", "searchObj": {"filterGroups": [{"filters": [
                {"propertyName": "amount", "operator": "BETWEEN", "value": "10000"}]}]}}),
    )
    .await?;

    demo.step(
        "Archive the deal",
        "archive",
        json!({"entity": "deals", "entityId": deal_id}),
    )
    .await?;
    demo.failing_step(
        "Reading it now finds nothing",
        "read",
        json!({"entity": "deals", "entityId": deal_id}),
    )
    .await?;
    demo.step(
        "…except in the recycle bin",
        "read",
        json!({"entity": "deals", "entityId": deal_id, "archived": true, "properties": ["dealname"]}),
    )
    .await?;

    writeln!(
        demo.out,
        "\nDone: {} steps. The mock received {} requests.",
        demo.step,
        mock.requests().len()
    )?;
    Ok(())
}
