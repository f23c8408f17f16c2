//! Test helpers shared by the evaluator's tests.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use atlan_query::eval::DocValue;
use serde_json::{Value, json};

/// A document with doc values for some fields, built with `field_values` as the contract says, and
/// the object counts of the nested paths.
pub struct WithDocValues {
    pub source: Value,
    columns: Vec<Vec<DocValue>>,
}

const COLUMNS: [&str; 10] = [
    "metadata",
    "spec",
    "metadata.name",
    "metadata.creationTimestamp",
    "metadata.labels.workflows.argoproj.io/phase",
    "metadata.labels.workflows.argoproj.io/creator",
    "spec.workflowTemplateRef.name",
    "status.phase",
    "status.startedAt",
    "status.finishedAt",
];

impl WithDocValues {
    pub fn new(source: &Value) -> Self {
        let columns = COLUMNS
            .iter()
            .map(|path| match *path {
                "metadata" | "spec" => source
                    .get(*path)
                    .map(|_| DocValue::new(json!(true)))
                    .into_iter()
                    .collect(),
                path => atlan_query::eval::field_values(source, path)
                    .into_iter()
                    .map(|value| DocValue::new(value.clone()))
                    .collect(),
            })
            .collect();
        Self {
            source: source.clone(),
            columns,
        }
    }

    pub fn column_mut(&mut self, path: &str) -> &mut Vec<DocValue> {
        let index = COLUMNS.iter().position(|name| *name == path).unwrap();
        &mut self.columns[index]
    }
}

impl atlan_query::eval::Document for WithDocValues {
    fn id(&self) -> Option<&str> {
        self.source["metadata"]["name"].as_str()
    }

    fn source(&self) -> &Value {
        &self.source
    }

    fn doc_value_column(&self, path: &str) -> Option<usize> {
        COLUMNS.iter().position(|name| *name == path)
    }

    fn doc_values(&self, column: usize) -> Option<&[DocValue]> {
        self.columns.get(column).map(Vec::as_slice)
    }
}
