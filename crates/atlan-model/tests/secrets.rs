//! Secrets never appear in `Debug`, `Display` or decode errors, and are written when serialized.

mod common;

use atlan_model::{
    Credential, CredentialListResponse, CredentialResponse, ExposeSecret, PackageParameter,
    Workflow, WorkflowResponse, decode, decode_value,
};
use common::{Kind, fixtures_of};
use serde_json::{Value, json};

const SENTINEL: &str = "SENTINEL";

/// Asserts that no form of `Debug` or the given display strings contains the sentinel.
fn assert_hidden(shown: &[String]) {
    for text in shown {
        assert!(!text.contains(SENTINEL), "a secret leaked: {text}");
    }
}

fn credential_with_secrets() -> Credential {
    let mut credential = Credential::new("snowflake-credential");
    credential.connector = Some("snowflake".into());
    credential.auth_type = Some("basic".into());
    credential.host = Some("test-host".into());
    credential.port = Some(1234);
    credential.username = Some("username".into());
    credential.set_password("SENTINEL-password");
    credential.insert_extra("role", "SENTINEL-role");
    credential.insert_extra("nested", json!({"key": ["SENTINEL-nested"]}));
    credential
        .other
        .insert("privateKey".into(), json!("SENTINEL-private-key"));
    credential
}

#[test]
fn credential_debug_and_display_hide_password_extra_and_unknown_fields() {
    let credential = credential_with_secrets();
    let shown = [
        format!("{credential:?}"),
        format!("{credential:#?}"),
        credential.to_string(),
    ];
    assert_hidden(&shown);
    // What is not secret is still shown, so the redaction is not hiding everything.
    assert!(shown[0].contains("snowflake-credential") && shown[0].contains("role"));
    assert_eq!(
        credential.to_string(),
        "credential \"snowflake-credential\" for snowflake (basic) at test-host:1234"
    );
}

#[test]
fn credential_serializes_its_secrets_for_sending() {
    let sent = serde_json::to_value(credential_with_secrets()).unwrap();
    assert_eq!(sent["password"], "SENTINEL-password");
    assert_eq!(sent["extra"]["role"], "SENTINEL-role");
    assert_eq!(sent["extra"]["nested"]["key"][0], "SENTINEL-nested");
    assert_eq!(sent["privateKey"], "SENTINEL-private-key");
    let back: Credential = decode(sent.to_string().as_bytes()).unwrap();
    assert_eq!(
        back.password.as_ref().map(|p| p.expose_secret().to_owned()),
        Some("SENTINEL-password".to_owned())
    );
}

#[test]
fn credential_response_and_list_hide_extra_and_unknown_fields() {
    let body = json!({
        "id": "972a87c1-28d7-8bf2-896d-ea5bd3e9c691",
        "name": "default-snowflake-1735595539-0",
        "connector": "snowflake",
        "extra": {"role": "SENTINEL-role", "client_secret": "SENTINEL-client-secret"},
        "password": "SENTINEL-should-never-come-back",
    });
    let response: CredentialResponse = decode(body.to_string().as_bytes()).unwrap();
    let list: CredentialListResponse =
        decode(json!({"records": [body]}).to_string().as_bytes()).unwrap();
    assert_hidden(&[
        format!("{response:?}"),
        format!("{response:#?}"),
        response.to_string(),
        format!("{list:?}"),
        format!("{:?}", response.to_credential()),
    ]);
    assert!(format!("{response:?}").contains("client_secret"));
}

/// Replaces every string inside a payload body's `password` and `extra` with a numbered sentinel.
fn plant_sentinels(workflow: &mut Value) -> Vec<String> {
    let mut planted = Vec::new();
    for entry in workflow["payload"].as_array_mut().into_iter().flatten() {
        let body = &mut entry["body"];
        if body.get("password").is_some() {
            let sentinel = format!("{SENTINEL}-{}", planted.len());
            body["password"] = Value::from(sentinel.clone());
            planted.push(sentinel);
        }
        for value in body["extra"]
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut())
        {
            if value.is_string() {
                let sentinel = format!("{SENTINEL}-{}", planted.len());
                *value = Value::from(sentinel.clone());
                planted.push(sentinel);
            }
        }
    }
    planted
}

#[test]
fn no_workflow_request_fixture_shows_its_credential_secrets() {
    let mut planted_total = 0;
    for fixture in fixtures_of(Kind::Workflow) {
        let mut document: Value = serde_json::from_slice(&fixture.bytes).unwrap();
        let planted = plant_sentinels(&mut document);
        planted_total += planted.len();
        let workflow: Workflow = decode(document.to_string().as_bytes()).unwrap();
        let shown = [format!("{workflow:?}"), format!("{workflow:#?}")];
        for text in &shown {
            assert!(
                !text.contains(SENTINEL),
                "{}: a secret leaked",
                fixture.name
            );
        }
        let sent = serde_json::to_string(&workflow).unwrap();
        for sentinel in &planted {
            assert!(
                sent.contains(&format!("\"{sentinel}\"")),
                "{}: {sentinel} not sent",
                fixture.name
            );
        }
    }
    assert!(
        planted_total > 100,
        "only {planted_total} secrets planted: the test checks too little"
    );
}

#[test]
fn payload_bodies_of_other_kinds_are_redacted_too() {
    let parameter: PackageParameter = decode(
        json!({"parameter": "token", "type": "api-token", "body": {"value": "SENTINEL-token"}})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let response: WorkflowResponse = decode(
        json!({"payload": [{"parameter": "p", "type": "credential", "body": {"password": "SENTINEL-p"}},
                           {"parameter": "q", "type": "raw", "body": "SENTINEL-q"}]})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    assert_hidden(&[
        format!("{parameter:?}"),
        format!("{response:?}"),
        format!("{response:#?}"),
    ]);
    assert!(format!("{parameter:?}").contains("value"));
}

#[test]
fn a_password_of_the_wrong_type_is_refused_without_repeating_it() {
    for password in [
        json!(987654321),
        json!(true),
        json!(["SENTINEL"]),
        json!({"SENTINEL": 1}),
    ] {
        let body = json!({"name": "c", "password": password}).to_string();
        let error = decode::<Credential>(body.as_bytes()).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains("987654321") && !shown.contains(SENTINEL),
            "{shown}"
        );
        assert_eq!(error.path(), "password");
    }
}

/// The probe's case: `extra` sent as a string printed `invalid type: string "<the secret>"`.
#[test]
fn extra_of_the_wrong_type_is_refused_without_repeating_it() {
    for extra in [
        json!("SENTINEL-extra"),
        json!(987654321),
        json!(["SENTINEL-in-an-array"]),
        json!(true),
    ] {
        for body in [
            json!({"name": "c", "extra": extra}),
            json!({"id": "x", "name": "c", "extra": extra}),
        ] {
            let bytes = body.to_string();
            for error in [
                decode::<Credential>(bytes.as_bytes()).unwrap_err(),
                decode::<CredentialResponse>(bytes.as_bytes()).unwrap_err(),
            ] {
                let shown = format!("{error} {error:?}");
                assert!(
                    !shown.contains("987654321") && !shown.contains(SENTINEL),
                    "{shown}"
                );
                assert_eq!(error.path(), "extra");
                assert!(shown.contains("expected a map"), "{shown}");
            }
        }
    }
    let fine: Credential = decode(br#"{"name": "c", "extra": null}"#).unwrap();
    assert!(fine.extra.is_none());
}

/// The cases of hostile input: a credential sent as a JSON string, and a password typed into `port` (or
/// any field of the wrong type): the error names the type, never the value, in `Display` and
/// `Debug`, and has no source that could.
#[test]
fn no_decode_error_repeats_a_value_of_the_document() {
    let as_string = json!({"password": "SENTINEL-pw", "extra": {"k": "SENTINEL-x"}}).to_string();
    for body in [
        json!(as_string),
        json!({"name": "c", "port": "SENTINEL-typed-into-port"}),
        json!({"name": "c", "port": 987654321}),
        json!({"name": "c", "host": ["SENTINEL-host"]}),
        json!({"name": "c", "authType": {"SENTINEL": true}}),
    ] {
        for error in [
            decode::<Credential>(body.to_string().as_bytes()).unwrap_err(),
            decode_value::<Credential>(body.clone()).unwrap_err(),
        ] {
            let shown = format!("{error} {error:?}");
            assert!(
                !shown.contains(SENTINEL) && !shown.contains("987654321"),
                "{shown}"
            );
            assert!(shown.contains("invalid"), "{shown}");
            assert!(std::error::Error::source(&error).is_none());
        }
    }
}

/// `extra` that is not an object is redacted whole in shown JSON (it used to pass through).
#[test]
fn shown_credential_json_redacts_extra_of_any_type() {
    for extra in [
        json!("SENTINEL-string"),
        json!(["SENTINEL"]),
        json!(12345678),
    ] {
        let mut credential = json!({"username": "svc", "password": "SENTINEL-pw", "extra": extra});
        atlan_model::redact_credential_json(&mut credential);
        assert!(!credential.to_string().contains(SENTINEL), "{credential}");
        assert!(!credential.to_string().contains("12345678"), "{credential}");
        assert_eq!(credential["extra"], "[REDACTED]");
    }
    let mut none = json!({"extra": null});
    atlan_model::redact_credential_json(&mut none);
    assert_eq!(none, json!({"extra": null}));
}
