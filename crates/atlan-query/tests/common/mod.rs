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
#[derive(Clone)]
pub struct WithDocValues {
    pub source: Value,
    columns: Vec<Vec<DocValue>>,
    /// How many times the evaluator read the source.
    pub source_reads: std::cell::Cell<usize>,
    /// How many times the evaluator said it was done with the document.
    pub evaluated: usize,
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
            source_reads: std::cell::Cell::new(0),
            evaluated: 0,
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
        self.source_reads.set(self.source_reads.get() + 1);
        &self.source
    }

    fn evaluated(&mut self) {
        self.evaluated += 1;
    }

    fn doc_value_column(&self, path: &str) -> Option<usize> {
        COLUMNS.iter().position(|name| *name == path)
    }

    fn doc_values(&self, column: usize) -> Option<&[DocValue]> {
        self.columns.get(column).map(Vec::as_slice)
    }
}
