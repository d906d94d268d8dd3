//! Conversions between the WIT types and the pure logic's types.

use super::bindings::exports::connector::hubspot::crm;
use super::bindings::exports::connector::hubspot::types as wit;
use crate::action::Action;
use crate::answer::{CrmRecord, Owner, Pipeline, PipelineStage, PropertyDefinition, SearchPage};
use crate::association::{
    AssociateRequest, AssociatedObject, AssociationLabel, AssociationLabelsRequest, AssociationWrite,
    AssociationsRequest, RemoveAssociationRequest,
};
use crate::batch::{BatchInput, BatchKind, BatchOutcome, BatchRequest, typed_results};
use crate::connection::Connection;
use crate::connection_test::{Access, ConnectionReport, ScopeSource};
use crate::dry_run::{WritePreview, WriteRequest};
use crate::error::{self, Error, RateLimitPolicy, TransportFailure};
use crate::input_path::Vocabulary;
use crate::lookup::Collected;
use crate::object_types::ObjectTypeInfo;
use crate::request::{
    ArchiveRequest, AssociationCategory, AssociationInput, AssociationType, CreateRequest, ListRequest, OwnersRequest,
    PropertiesRequest, ReadRequest, UpdateRequest,
};
use crate::search::{Filter, Operand, Operator, SearchRequest, Sort, SortDirection};
use serde_json::value::RawValue;

pub fn connection(conn: &wit::Connection) -> Connection {
    Connection {
        access_token: conn.access_token.clone(),
        api_base: conn.api_base.clone(),
        api_version: conn.api_version.clone(),
    }
}

fn properties(values: Vec<crm::PropertyValue>) -> Vec<(String, String)> {
    values.into_iter().map(|p| (p.name, p.value)).collect()
}

pub fn create(request: crm::CreateRequest) -> CreateRequest {
    CreateRequest {
        object_type: request.object_type,
        properties: properties(request.properties),
        associations: request
            .associations
            .into_iter()
            .map(|association| AssociationInput {
                to_id: association.to_id,
                types: association
                    .types
                    .into_iter()
                    .map(|t| AssociationType {
                        category: category(t.category),
                        type_id: t.type_id,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn category(category: crm::AssociationCategory) -> AssociationCategory {
    match category {
        crm::AssociationCategory::HubspotDefined => AssociationCategory::HubspotDefined,
        crm::AssociationCategory::UserDefined => AssociationCategory::UserDefined,
        crm::AssociationCategory::IntegratorDefined => AssociationCategory::IntegratorDefined,
        crm::AssociationCategory::Work => AssociationCategory::Work,
    }
}

pub fn read(request: crm::ReadRequest) -> ReadRequest {
    ReadRequest {
        object_type: request.object_type,
        record_id: request.record_id,
        properties: request.properties,
        properties_with_history: request.properties_with_history,
        associations: request.associations,
        archived: request.archived,
        id_property: request.id_property,
    }
}

pub fn update(request: crm::UpdateRequest) -> UpdateRequest {
    UpdateRequest {
        object_type: request.object_type,
        record_id: request.record_id,
        properties: properties(request.properties),
        id_property: request.id_property,
    }
}

pub fn archive(request: crm::ArchiveRequest) -> ArchiveRequest {
    ArchiveRequest {
        object_type: request.object_type,
        record_id: request.record_id,
    }
}

/// The write to plan, with the action whose WIT names its input problems use.
pub fn write_request(request: crm::WriteRequest) -> (Action, WriteRequest) {
    match request {
        crm::WriteRequest::Create(request) => (Action::Create, WriteRequest::Create(create(request))),
        crm::WriteRequest::Update(request) => (Action::Update, WriteRequest::Update(update(request))),
        crm::WriteRequest::Archive(request) => (Action::Archive, WriteRequest::Archive(archive(request))),
    }
}

pub fn associate(request: crm::AssociateRequest) -> AssociateRequest {
    AssociateRequest {
        object_type: request.object_type,
        record_id: request.record_id,
        to_object_type: request.to_object_type,
        to_record_id: request.to_record_id,
        label: request.label,
        type_id: request.type_id,
        category: request.category.map(category),
    }
}

pub fn associations_request(request: crm::AssociationsRequest) -> AssociationsRequest {
    AssociationsRequest {
        object_type: request.object_type,
        record_id: request.record_id,
        to_object_type: request.to_object_type,
    }
}

pub fn remove_association(request: crm::RemoveAssociationRequest) -> RemoveAssociationRequest {
    RemoveAssociationRequest {
        object_type: request.object_type,
        record_id: request.record_id,
        to_object_type: request.to_object_type,
        to_record_id: request.to_record_id,
        label: request.label,
    }
}

pub fn association_labels_request(request: crm::AssociationLabelsRequest) -> AssociationLabelsRequest {
    AssociationLabelsRequest {
        object_type: request.object_type,
        to_object_type: request.to_object_type,
    }
}

pub fn association_write(request: crm::AssociationWrite) -> (Action, AssociationWrite) {
    match request {
        crm::AssociationWrite::Associate(request) => {
            (Action::Associate, AssociationWrite::Associate(associate(request)))
        }
        crm::AssociationWrite::Remove(request) => (
            Action::RemoveAssociation,
            AssociationWrite::Remove(remove_association(request)),
        ),
    }
}

pub fn association_label(label: AssociationLabel) -> crm::AssociationLabel {
    crm::AssociationLabel {
        category: match label.category {
            AssociationCategory::HubspotDefined => crm::AssociationCategory::HubspotDefined,
            AssociationCategory::UserDefined => crm::AssociationCategory::UserDefined,
            AssociationCategory::IntegratorDefined => crm::AssociationCategory::IntegratorDefined,
            AssociationCategory::Work => crm::AssociationCategory::Work,
        },
        type_id: label.type_id,
        label: label.label,
    }
}

pub fn associated_objects(collected: Collected<Box<RawValue>>) -> Result<Vec<crm::AssociatedObject>, Error> {
    let objects = crate::association::associated_objects(collected)?;
    Ok(objects
        .into_iter()
        .map(|object: AssociatedObject| crm::AssociatedObject {
            to_object_id: object.to_object_id,
            types: object.association_types.into_iter().map(association_label).collect(),
        })
        .collect())
}

pub fn write_preview(preview: WritePreview) -> crm::WritePreview {
    crm::WritePreview {
        requests: preview
            .requests
            .into_iter()
            .map(|request| crm::PlannedRequest {
                method: request.method.as_str().to_owned(),
                path: request.path,
                query: request.query,
                body: request.body,
            })
            .collect(),
        problems: preview
            .problems
            .into_iter()
            .map(|problem| crm::WriteProblem {
                property: problem.property,
                message: problem.message,
                allowed_values: problem.allowed_values,
            })
            .collect(),
    }
}

pub fn search(request: crm::SearchRequest) -> SearchRequest {
    SearchRequest {
        object_type: request.object_type,
        filter_groups: request
            .filter_groups
            .into_iter()
            .map(|group| {
                group
                    .filters
                    .into_iter()
                    .map(|f| {
                        let (operator, operand) = operator(f.operator);
                        Filter {
                            property_name: f.property_name,
                            operator,
                            operand,
                        }
                    })
                    .collect()
            })
            .collect(),
        properties: request.properties,
        sorts: request
            .sorts
            .into_iter()
            .map(|s| Sort {
                property_name: s.property_name,
                direction: match s.direction {
                    crm::SortDirection::Ascending => SortDirection::Ascending,
                    crm::SortDirection::Descending => SortDirection::Descending,
                },
            })
            .collect(),
        query: request.query,
        limit: request.limit,
        after: request.after,
        max_results: request.max_results,
    }
}

/// The WIT variant carries operator and operand together; the table in
/// `search` knows everything else about the operator.
fn operator(operator: crm::FilterOperator) -> (Operator, Operand) {
    use crm::FilterOperator as W;
    match operator {
        W::Eq(v) => (Operator::Eq, Operand::Value(v)),
        W::Neq(v) => (Operator::Neq, Operand::Value(v)),
        W::Lt(v) => (Operator::Lt, Operand::Value(v)),
        W::Lte(v) => (Operator::Lte, Operand::Value(v)),
        W::Gt(v) => (Operator::Gt, Operand::Value(v)),
        W::Gte(v) => (Operator::Gte, Operand::Value(v)),
        W::Between(range) => (
            Operator::Between,
            Operand::Range {
                low: range.low,
                high: range.high,
            },
        ),
        W::In(values) => (Operator::In, Operand::Values(values)),
        W::NotIn(values) => (Operator::NotIn, Operand::Values(values)),
        W::HasProperty => (Operator::HasProperty, Operand::None),
        W::NotHasProperty => (Operator::NotHasProperty, Operand::None),
        W::ContainsToken(v) => (Operator::ContainsToken, Operand::Value(v)),
        W::NotContainsToken(v) => (Operator::NotContainsToken, Operand::Value(v)),
    }
}

pub fn record(record: CrmRecord) -> crm::CrmRecord {
    crm::CrmRecord {
        id: record.id,
        properties: record
            .properties
            .into_iter()
            .map(|(name, value)| crm::PropertyEntry { name, value })
            .collect(),
        properties_with_history: record
            .properties_with_history
            .into_iter()
            .map(|(name, versions)| crm::PropertyHistory {
                name,
                versions: versions
                    .into_iter()
                    .map(|v| crm::PropertyVersion {
                        value: v.value,
                        timestamp: v.timestamp,
                        source_type: v.source_type,
                        source_id: v.source_id,
                        source_label: v.source_label,
                        updated_by_user_id: v.updated_by_user_id,
                    })
                    .collect(),
            })
            .collect(),
        associations: record
            .associations
            .into_iter()
            .map(|(object_type, collection)| crm::AssociationList {
                object_type,
                results: collection
                    .results
                    .into_iter()
                    .map(|a| crm::AssociatedRecord {
                        id: a.id,
                        association_type: a.association_type,
                    })
                    .collect(),
            })
            .collect(),
        created_at: record.created_at,
        updated_at: record.updated_at,
        archived: record.archived,
        archived_at: record.archived_at,
    }
}

pub fn search_page(page: SearchPage) -> crm::SearchPage {
    let next_after = page.next_after().map(str::to_owned);
    crm::SearchPage {
        total: page.total,
        results: page.results.into_iter().map(record).collect(),
        next_after,
    }
}

/// The results of a search that read page after page, as one page.
pub fn searched(collected: Collected<CrmRecord>) -> crm::SearchPage {
    crm::SearchPage {
        total: collected.total.unwrap_or_default(),
        results: collected.results.into_iter().map(record).collect(),
        next_after: collected.next_after,
    }
}

pub fn stage(stage: PipelineStage) -> crm::PipelineStage {
    crm::PipelineStage {
        id: stage.id,
        label: stage.label,
        display_order: stage.display_order,
        metadata: stage.metadata.into_iter().collect(),
        archived: stage.archived,
        created_at: stage.created_at,
        updated_at: stage.updated_at,
    }
}

pub fn pipeline(pipeline: Pipeline) -> crm::Pipeline {
    crm::Pipeline {
        id: pipeline.id,
        label: pipeline.label,
        display_order: pipeline.display_order,
        stages: pipeline.stages.into_iter().map(stage).collect(),
        archived: pipeline.archived,
        created_at: pipeline.created_at,
        updated_at: pipeline.updated_at,
    }
}

pub fn property(property: PropertyDefinition) -> crm::PropertyDefinition {
    crm::PropertyDefinition {
        read_only_value: property.read_only_value(),
        name: property.name,
        label: property.label,
        type_: property.property_type,
        field_type: property.field_type,
        description: property.description,
        group_name: property.group_name,
        options: property
            .options
            .into_iter()
            .map(|o| crm::PropertyOption {
                label: o.label,
                value: o.value,
                description: o.description,
                display_order: o.display_order,
                hidden: o.hidden,
            })
            .collect(),
        has_unique_value: property.has_unique_value,
        calculated: property.calculated,
        hidden: property.hidden,
        hubspot_defined: property.hubspot_defined,
        archived: property.archived,
        created_at: property.created_at,
        updated_at: property.updated_at,
        referenced_object_type: property.referenced_object_type,
    }
}

pub fn properties_request(request: crm::PropertiesRequest) -> PropertiesRequest {
    PropertiesRequest {
        object_type: request.object_type,
        archived: request.archived,
        query: request.query,
        compact: false,
    }
}

pub fn list(request: crm::ListRequest) -> ListRequest {
    ListRequest {
        object_type: request.object_type,
        properties: request.properties,
        properties_with_history: request.properties_with_history,
        associations: request.associations,
        archived: request.archived,
        limit: request.limit,
        after: request.after,
        max_results: request.max_results,
    }
}

pub fn record_page(collected: Collected<CrmRecord>) -> crm::RecordPage {
    crm::RecordPage {
        results: collected.results.into_iter().map(record).collect(),
        next_after: collected.next_after,
    }
}

pub fn owners_request(request: crm::OwnersRequest) -> OwnersRequest {
    OwnersRequest {
        email: request.email,
        archived: request.archived,
    }
}

pub fn owner(owner: Owner) -> crm::Owner {
    crm::Owner {
        id: owner.id,
        email: owner.email,
        first_name: owner.first_name,
        last_name: owner.last_name,
        user_id: owner.user_id,
        teams: owner
            .teams
            .into_iter()
            .map(|team| crm::OwnerTeam {
                id: team.id,
                name: team.name,
                primary: team.primary,
            })
            .collect(),
        archived: owner.archived,
    }
}

pub fn object_type(info: ObjectTypeInfo) -> crm::ObjectTypeInfo {
    crm::ObjectTypeInfo {
        name: info.name,
        object_type_id: info.object_type_id,
        fully_qualified_name: info.fully_qualified_name,
        singular_label: info.labels.singular,
        plural_label: info.labels.plural,
        custom: info.custom,
        primary_display_property: info.primary_display_property,
        required_properties: info.required_properties,
    }
}

fn access(access: Access) -> crm::Access {
    match access {
        Access::Granted => crm::Access::Granted,
        Access::Denied => crm::Access::Denied,
        Access::Unknown => crm::Access::Unknown,
    }
}

pub fn report(report: ConnectionReport) -> crm::ConnectionReport {
    crm::ConnectionReport {
        hub_id: report.hub_id,
        source: match report.source {
            ScopeSource::TokenInfo => crm::ScopeSource::TokenInfo,
            ScopeSource::Probe => crm::ScopeSource::Probe,
        },
        granted_scopes: report.granted_scopes,
        entities: report
            .entities
            .into_iter()
            .map(|e| crm::EntityAccess {
                entity: e.entity,
                read: access(e.read),
                write: access(e.write),
                missing_scopes: e.missing_scopes,
            })
            .collect(),
        missing_scopes: report.missing_scopes,
    }
}

fn api_error(detail: error::ApiError) -> wit::ApiError {
    wit::ApiError {
        status: detail.status,
        category: detail.category,
        sub_category: detail.sub_category,
        message: detail.message,
        correlation_id: detail.correlation_id,
        body: detail.body,
        attempts: detail.attempts,
    }
}

/// The WIT error, with an input problem's path in `vocabulary`: the one of
/// the interface the caller used.
pub fn error(error: Error, vocabulary: Vocabulary) -> wit::Error {
    match error {
        Error::InvalidInput(problem) => wit::Error::InvalidInput(wit::InputProblem {
            path: problem.path_in(vocabulary),
            message: problem.message,
        }),
        Error::Unauthorized(detail) => wit::Error::Unauthorized(api_error(*detail)),
        Error::Forbidden { detail, missing_scopes } => wit::Error::Forbidden(wit::ForbiddenError {
            detail: api_error(*detail),
            missing_scopes,
        }),
        Error::NotFound(detail) => wit::Error::NotFound(api_error(*detail)),
        Error::Conflict { detail, existing_id } => wit::Error::Conflict(wit::ConflictError {
            detail: api_error(*detail),
            existing_id,
        }),
        Error::Validation { detail, problems } => wit::Error::Validation(wit::ValidationError {
            detail: api_error(*detail),
            problems: problems
                .into_iter()
                .map(|p| wit::PropertyProblem {
                    name: p.name,
                    code: p.code,
                    message: p.message,
                    allowed_values: p.allowed_values,
                })
                .collect(),
        }),
        Error::RateLimited {
            detail,
            policy,
            retry_after_ms,
        } => wit::Error::RateLimited(wit::RateLimitedError {
            detail: api_error(*detail),
            policy: match policy {
                RateLimitPolicy::TenSecondly => wit::RateLimitPolicy::TenSecondly,
                RateLimitPolicy::Secondly => wit::RateLimitPolicy::Secondly,
                RateLimitPolicy::Daily => wit::RateLimitPolicy::Daily,
                RateLimitPolicy::Unknown => wit::RateLimitPolicy::Unknown,
            },
            retry_after_ms,
        }),
        Error::HubSpot(detail) => wit::Error::Hubspot(api_error(*detail)),
        Error::Transport(transport) => wit::Error::Transport(wit::TransportError {
            kind: match transport.kind {
                TransportFailure::Denied => wit::TransportFailure::Denied,
                TransportFailure::Dns => wit::TransportFailure::Dns,
                TransportFailure::Connection => wit::TransportFailure::Connection,
                TransportFailure::Timeout => wit::TransportFailure::Timeout,
                TransportFailure::Tls => wit::TransportFailure::Tls,
                TransportFailure::Protocol => wit::TransportFailure::Protocol,
                TransportFailure::ResponseTooLarge => wit::TransportFailure::ResponseTooLarge,
                TransportFailure::MalformedResponse => wit::TransportFailure::MalformedResponse,
                TransportFailure::Other => wit::TransportFailure::Other,
            },
            message: transport.message,
            status: transport.status,
            attempts: transport.attempts,
        }),
    }
}

fn batch_write_inputs(inputs: Vec<crm::BatchWriteInput>) -> Vec<BatchInput> {
    inputs
        .into_iter()
        .map(|input| BatchInput {
            id: input.id,
            properties: properties(input.properties),
            associations: Vec::new(),
        })
        .collect()
}

fn batch_ids(ids: Vec<String>) -> Vec<BatchInput> {
    ids.into_iter()
        .map(|id| BatchInput {
            id,
            ..BatchInput::default()
        })
        .collect()
}

fn batch_create(request: crm::BatchCreateRequest) -> BatchRequest {
    let mut batch = BatchRequest::new(BatchKind::Create, request.object_type);
    batch.inputs = request
        .inputs
        .into_iter()
        .map(|input| {
            let single = create(crm::CreateRequest {
                object_type: String::new(),
                properties: input.properties,
                associations: input.associations,
            });
            BatchInput {
                id: String::new(),
                properties: single.properties,
                associations: single.associations,
            }
        })
        .collect();
    batch
}

fn batch_read(request: crm::BatchReadRequest) -> BatchRequest {
    let mut batch = BatchRequest::new(BatchKind::Read, request.object_type);
    batch.inputs = batch_ids(request.inputs);
    batch.properties = request.properties;
    batch.properties_with_history = request.properties_with_history;
    batch.id_property = request.id_property;
    batch.archived = request.archived;
    batch
}

fn batch_update(request: crm::BatchUpdateRequest) -> BatchRequest {
    let mut batch = BatchRequest::new(BatchKind::Update, request.object_type);
    batch.inputs = batch_write_inputs(request.inputs);
    batch.id_property = request.id_property;
    batch
}

fn batch_upsert(request: crm::BatchUpsertRequest) -> BatchRequest {
    let mut batch = BatchRequest::new(BatchKind::Upsert, request.object_type);
    batch.inputs = batch_write_inputs(request.inputs);
    batch.id_property = Some(request.id_property);
    batch
}

fn batch_archive(request: crm::BatchArchiveRequest) -> BatchRequest {
    let mut batch = BatchRequest::new(BatchKind::Archive, request.object_type);
    batch.inputs = batch_ids(request.inputs);
    batch
}

/// The batch to run.
pub fn batch_request(request: crm::BatchRequest) -> BatchRequest {
    match request {
        crm::BatchRequest::Create(request) => batch_create(request),
        crm::BatchRequest::Read(request) => batch_read(request),
        crm::BatchRequest::Update(request) => batch_update(request),
        crm::BatchRequest::Upsert(request) => batch_upsert(request),
        crm::BatchRequest::Archive(request) => batch_archive(request),
    }
}

/// The batch write to plan, with the action whose WIT names its input problems use.
pub fn batch_write_request(request: crm::BatchWriteRequest) -> (Action, BatchRequest) {
    let batch = match request {
        crm::BatchWriteRequest::Create(request) => batch_create(request),
        crm::BatchWriteRequest::Update(request) => batch_update(request),
        crm::BatchWriteRequest::Upsert(request) => batch_upsert(request),
        crm::BatchWriteRequest::Archive(request) => batch_archive(request),
    };
    (batch.kind.action(), batch)
}

fn indexes(indexes: Vec<usize>) -> Vec<u32> {
    indexes
        .into_iter()
        .map(|index| u32::try_from(index).unwrap_or(u32::MAX))
        .collect()
}

/// The merged outcome of a batch; its records typed, its stopping error in
/// `vocabulary`.
pub fn batch_result(outcome: BatchOutcome, vocabulary: Vocabulary) -> Result<crm::BatchResult, Error> {
    let results = typed_results(&outcome)?
        .into_iter()
        .map(|typed| crm::BatchRecord {
            record: record(typed.record),
            input_index: typed.input_index.map(|index| u32::try_from(index).unwrap_or(u32::MAX)),
            new: typed.new,
        })
        .collect();
    Ok(crm::BatchResult {
        results,
        failures: outcome
            .failures
            .into_iter()
            .map(|failure| crm::BatchFailure {
                input_indexes: indexes(failure.input_indexes),
                status: failure.status,
                category: failure.category,
                message: failure.message,
            })
            .collect(),
        in_doubt: indexes(outcome.in_doubt),
        not_sent: indexes(outcome.not_sent),
        stopped_by: outcome.stopped_by.map(|stopped| error(stopped, vocabulary)),
        archived: indexes(outcome.archived),
        chunks: outcome.chunks,
    })
}
