//! `Connection` assets of the Atlas metastore: saved through `POST /api/meta/entity/bulk`, read by
//! guid, soft-deleted or purged through `DELETE /api/meta/entity/bulk`, and found through the
//! asset search with the app runs' evaluator. Only `Connection` is served: what the official
//! SDK's typed app builders save before they create a crawler, and what a crawler run publishes.

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::{Event, Store};
use crate::error::{ApiError, ApiResult};

/// The most entities one save takes.
const MAX_ENTITIES: usize = 100;
/// The most connections a sandbox holds.
pub(crate) const MAX_CONNECTIONS: usize = 10_000;

/// `value[key]` without the lint's worry: `Null` when absent.
fn field<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::atlas(StatusCode::BAD_REQUEST, "ATLAS-400-00-01A", message)
}

fn not_found(guid: &str) -> ApiError {
    ApiError::atlas(
        StatusCode::NOT_FOUND,
        "ATLAS-404-00-005",
        format!("Given instance guid {guid} is invalid/not found"),
    )
}

/// The key of a connection's asset document.
pub(in crate::store) fn connection_key(guid: &str) -> String {
    format!("connection:{guid}")
}

/// A connection's asset document (what the search indexes): its attributes, flat, with the
/// Atlas header fields.
pub(in crate::store) fn connection_asset(entity: &Value) -> Value {
    let mut document = field(entity, "attributes")
        .as_object()
        .cloned()
        .unwrap_or_default();
    document.insert("__typeName".into(), json!("Connection"));
    document.insert("__guid".into(), field(entity, "guid").clone());
    document.insert("__state".into(), field(entity, "status").clone());
    document.insert("__timestamp".into(), field(entity, "createTime").clone());
    document.insert(
        "__modificationTimestamp".into(),
        field(entity, "updateTime").clone(),
    );
    document.insert("__createdBy".into(), field(entity, "createdBy").clone());
    Value::Object(document)
}

/// One entity of a save, checked.
struct Incoming {
    placeholder: Option<String>,
    attributes: Map<String, Value>,
    qualified_name: String,
}

fn parse_entities(body: &Value) -> ApiResult<Vec<Incoming>> {
    let entities = body
        .get("entities")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("the body needs \"entities\": an array of entities"))?;
    if entities.is_empty() || entities.len() > MAX_ENTITIES {
        return Err(invalid(format!(
            "a save takes 1 to {MAX_ENTITIES} entities, got {}",
            entities.len()
        )));
    }
    entities
        .iter()
        .enumerate()
        .map(|(index, entity)| {
            let type_name = entity
                .get("typeName")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(format!("entities[{index}] has no typeName")))?;
            if type_name != "Connection" {
                return Err(invalid(format!(
                    "entities[{index}]: the sandbox stores only Connection assets, not {type_name}"
                )));
            }
            let attributes = entity
                .get("attributes")
                .and_then(Value::as_object)
                .ok_or_else(|| invalid(format!("entities[{index}] has no attributes object")))?
                .clone();
            let text = |key: &str| {
                attributes
                    .get(key)
                    .and_then(Value::as_str)
                    .filter(|text| !text.trim().is_empty())
                    .map(str::to_owned)
            };
            let qualified_name = text("qualifiedName")
                .ok_or_else(|| invalid(format!("entities[{index}]: qualifiedName is required")))?;
            if text("name").is_none() {
                return Err(invalid(format!("entities[{index}]: name is required")));
            }
            let placeholder = match entity.get("guid") {
                Some(Value::String(guid)) if guid.starts_with('-') => Some(guid.clone()),
                Some(Value::String(_)) | None | Some(Value::Null) => None,
                Some(_) => {
                    return Err(invalid(format!("entities[{index}]: guid must be a string")));
                }
            };
            Ok(Incoming {
                placeholder,
                attributes,
                qualified_name,
            })
        })
        .collect()
}

impl Store {
    fn connection_by_name(&self, qualified_name: &str) -> Option<&Value> {
        self.connections
            .values()
            .find(|entity| field(field(entity, "attributes"), "qualifiedName") == qualified_name)
    }

    /// `POST /api/meta/entity/bulk`: creates the connections whose qualified name is new, updates
    /// (merges the attributes of) the others; answers `mutatedEntities` and `guidAssignments`.
    pub(crate) fn save_entities(&mut self, body: &Value, by: &str) -> ApiResult<Value> {
        let incoming = parse_entities(body)?;
        // Atlas answers each placeholder with one guid: two entities that share one could not
        // both be told theirs, so the request is refused and nothing stored.
        let mut placeholders = std::collections::HashSet::new();
        for placeholder in incoming
            .iter()
            .filter_map(|entity| entity.placeholder.as_ref())
        {
            if !placeholders.insert(placeholder) {
                let shown: String = placeholder.chars().take(64).collect();
                return Err(invalid(format!(
                    "the placeholder guid {shown:?} is given to more than one entity: each new entity needs its own"
                )));
            }
        }
        let now = self.now();
        let mut created = Vec::new();
        let mut updated = Vec::new();
        let mut assignments = Map::new();
        let mut events = Vec::new();
        let mut new_count = 0;
        for entity in incoming {
            let existing = self.connection_by_name(&entity.qualified_name).cloned();
            let stored = match existing {
                Some(mut stored) => {
                    if let Some(attributes) = crate::json::object_member(&mut stored, "attributes")
                    {
                        attributes.extend(entity.attributes);
                    }
                    crate::json::set(&mut stored, "updateTime", json!(now));
                    crate::json::set(&mut stored, "updatedBy", json!(by));
                    crate::json::set(&mut stored, "status", json!("ACTIVE"));
                    let version = field(&stored, "version").as_i64().unwrap_or(0) + 1;
                    crate::json::set(&mut stored, "version", json!(version));
                    updated.push(header(&stored));
                    stored
                }
                None => {
                    new_count += 1;
                    if self.connections.len() + new_count > MAX_CONNECTIONS {
                        return Err(invalid(format!(
                            "the sandbox holds at most {MAX_CONNECTIONS} connections"
                        )));
                    }
                    let guid = crate::ids::uuid_from(self.rng());
                    let stored = json!({
                        "typeName": "Connection",
                        "guid": guid,
                        "status": "ACTIVE",
                        "attributes": entity.attributes,
                        "createdBy": by,
                        "updatedBy": by,
                        "createTime": now,
                        "updateTime": now,
                        "version": 1,
                    });
                    created.push(header(&stored));
                    stored
                }
            };
            if let Some(placeholder) = entity.placeholder {
                assignments.insert(placeholder, field(&stored, "guid").clone());
            }
            events.push(Event::PutConnection {
                entity: Box::new(stored),
            });
        }
        self.commit(events)?;
        let mut mutated = Map::new();
        if !created.is_empty() {
            mutated.insert("CREATE".into(), Value::Array(created));
        }
        if !updated.is_empty() {
            mutated.insert("UPDATE".into(), Value::Array(updated));
        }
        Ok(json!({"mutatedEntities": mutated, "guidAssignments": assignments}))
    }

    /// `GET /api/meta/entity/guid/{guid}`: `{"entity", "referredEntities"}`.
    pub(crate) fn get_entity(&self, guid: &str) -> ApiResult<Value> {
        let entity = self.connections.get(guid).ok_or_else(|| not_found(guid))?;
        Ok(json!({"entity": entity, "referredEntities": {}}))
    }

    /// `GET /api/meta/entity/uniqueAttribute/type/{type}?attr:qualifiedName=…`.
    pub(crate) fn get_entity_by_name(
        &self,
        type_name: &str,
        qualified_name: &str,
    ) -> ApiResult<Value> {
        if type_name != "Connection" {
            return Err(invalid(format!(
                "the sandbox stores only Connection assets, not {type_name}"
            )));
        }
        let entity = self
            .connection_by_name(qualified_name)
            .filter(|entity| field(entity, "status") == "ACTIVE")
            .ok_or_else(|| {
                ApiError::atlas(
                    StatusCode::NOT_FOUND,
                    "ATLAS-404-00-009",
                    format!("Instance Connection with unique attribute {{qualifiedName={qualified_name}}} does not exist"),
                )
            })?;
        Ok(json!({"entity": entity, "referredEntities": {}}))
    }

    /// `DELETE /api/meta/entity/bulk?guid=…&deleteType=SOFT|HARD|PURGE`: a soft delete marks the
    /// connections `DELETED`, a hard delete or a purge removes them. Every guid must exist
    /// (nothing is changed otherwise).
    pub(crate) fn delete_entities(&mut self, guids: &[String], kind: &str) -> ApiResult<Value> {
        if guids.is_empty() {
            return Err(invalid("give at least one guid"));
        }
        if guids.len() > MAX_ENTITIES {
            return Err(invalid(format!(
                "a delete takes at most {MAX_ENTITIES} guids"
            )));
        }
        let purge = match kind {
            "" | "SOFT" => false,
            "HARD" | "PURGE" => true,
            other => {
                return Err(invalid(format!(
                    "deleteType must be SOFT, HARD or PURGE, got {other}"
                )));
            }
        };
        let mut events = Vec::new();
        let mut deleted = Vec::new();
        for guid in guids {
            let mut entity = self
                .connections
                .get(guid)
                .cloned()
                .ok_or_else(|| not_found(guid))?;
            crate::json::set(&mut entity, "status", json!("DELETED"));
            deleted.push(header(&entity));
            events.push(if purge {
                Event::DeleteConnection { guid: guid.clone() }
            } else {
                Event::PutConnection {
                    entity: Box::new(entity),
                }
            });
        }
        self.commit(events)?;
        // Atlan answers a purge under DELETE too (what pyatlan's `assets_deleted` reads).
        Ok(json!({"mutatedEntities": {"DELETE": deleted}}))
    }

    /// Applies a saved connection to memory and the asset index.
    pub(in crate::store) fn apply_connection(&mut self, entity: Value) {
        let Some(guid) = field(&entity, "guid").as_str().map(str::to_owned) else {
            return;
        };
        self.apps
            .assets
            .put(&connection_key(&guid), &connection_asset(&entity));
        self.connections.insert(guid, entity);
    }

    /// Removes a purged connection.
    pub(in crate::store) fn remove_connection(&mut self, guid: &str) {
        self.connections.remove(guid);
        self.apps.assets.remove(&connection_key(guid));
    }

    /// The connection a succeeded crawler run publishes (as a tenant's publish step does), when
    /// its qualified name is not stored yet: the workflow's `connection` input.
    pub(in crate::store) fn published_connection(
        &mut self,
        connection: &Value,
        by: &str,
        at: i64,
    ) -> Option<Event> {
        let attributes = connection.get("attributes")?.as_object()?.clone();
        let qualified_name = attributes.get("qualifiedName")?.as_str()?.to_owned();
        if self.connection_by_name(&qualified_name).is_some()
            || self.connections.len() >= MAX_CONNECTIONS
        {
            return None;
        }
        let mut attributes = attributes;
        attributes
            .entry("name")
            .or_insert_with(|| json!(qualified_name.rsplit('/').next().unwrap_or_default()));
        let guid = crate::ids::uuid_from(self.rng());
        Some(Event::PutConnection {
            entity: Box::new(json!({
                "typeName": "Connection",
                "guid": guid,
                "status": "ACTIVE",
                "attributes": attributes,
                "createdBy": by,
                "updatedBy": by,
                "createTime": at,
                "updateTime": at,
                "version": 1,
            })),
        })
    }

    /// The stored connections (for snapshots).
    pub(in crate::store) fn connections(&self) -> impl Iterator<Item = &Value> {
        self.connections.values()
    }
}

/// An entity header: `{typeName, guid, status, attributes: {qualifiedName, name}}`.
fn header(entity: &Value) -> Value {
    json!({
        "typeName": field(entity, "typeName"),
        "guid": field(entity, "guid"),
        "status": field(entity, "status"),
        "displayText": field(field(entity, "attributes"), "name"),
        "attributes": {
            "qualifiedName": field(field(entity, "attributes"), "qualifiedName"),
            "name": field(field(entity, "attributes"), "name"),
        },
    })
}
