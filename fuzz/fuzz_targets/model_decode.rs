//! Every model the SDK decodes from a server, from arbitrary bytes: a value or a typed error.
#![no_main]

use atlan_model::{
    ApiErrorBody, Credential, CredentialListResponse, CredentialResponse, CredentialTestResponse,
    Workflow, WorkflowResponse, WorkflowRunResponse, WorkflowScheduleList,
    WorkflowScheduleResponse, WorkflowSearchResponse, decode,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = decode::<Workflow>(bytes);
    let _ = decode::<WorkflowResponse>(bytes);
    let _ = decode::<WorkflowRunResponse>(bytes);
    let _ = decode::<WorkflowSearchResponse>(bytes);
    let _ = decode::<WorkflowScheduleResponse>(bytes);
    let _ = decode::<WorkflowScheduleList>(bytes);
    let _ = decode::<Credential>(bytes);
    let _ = decode::<CredentialResponse>(bytes);
    let _ = decode::<CredentialListResponse>(bytes);
    let _ = decode::<CredentialTestResponse>(bytes);
    let _ = ApiErrorBody::from_bytes(bytes);
});
