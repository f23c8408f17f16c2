//! Credential operations end to end against a started sandbox.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use atlan_workflows::model::{ExposeSecret, decode_value};
use atlan_workflows::{Credential, CredentialResponse, Error};
use common::{Recorder, SNOWFLAKE_CREDENTIAL, builder, fixture, start};
use futures_util::TryStreamExt;
use serde_json::json;

fn snowflake(name: &str) -> Credential {
    let mut credential: Credential =
        decode_value(fixture("requests/credential/create-snowflake.json")).unwrap();
    credential.name = Some(name.to_owned());
    credential
}

#[tokio::test]
async fn create_get_list_purge() {
    let (_clock, _sandbox, client) = start().await;
    let created = client
        .credentials()
        .create(&snowflake("rust-credential"))
        .await
        .unwrap();
    let fetched = client.credentials().get(&created.id).await.unwrap();
    assert_eq!(fetched.name.as_deref(), Some("rust-credential"));
    assert_eq!(fetched.username.as_deref(), Some("username"));
    assert_eq!(
        fetched.extra.as_ref().unwrap()["role"].expose_secret(),
        &json!("role-here")
    );
    let shown = format!("{fetched:?} {fetched}");
    assert!(
        !shown.contains("role-here"),
        "extra values stay hidden: {shown}"
    );

    let everything = client.credentials().list().size(100).page().await.unwrap();
    assert!(everything.items.len() > 10);
    // The stream walks every page (3 at a time, each page after the first overlapping the one
    // before it by one credential) and yields each credential once, in order.
    let walked: Vec<_> = client
        .credentials()
        .list()
        .size(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids = |credentials: &[CredentialResponse]| -> Vec<String> {
        credentials.iter().map(|c| c.id.clone()).collect()
    };
    assert_eq!(ids(&walked), ids(&everything.items));
    let page = client
        .credentials()
        .list()
        .filter("connector", "snowflake")
        .size(2)
        .from(1)
        .page()
        .await
        .unwrap()
        .items;
    assert!(!page.is_empty() && page.len() <= 2);
    assert!(
        page.iter()
            .all(|c| c.connector.as_deref() == Some("snowflake"))
    );
    let by_workflow = client
        .credentials()
        .list()
        .workflow("atlan-bigquery-1735837155")
        .page()
        .await
        .unwrap()
        .items;
    assert_eq!(
        by_workflow
            .iter()
            .map(|c| c.name.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["default-bigquery-1735837155-0"]
    );
    let unknown_key = client
        .credentials()
        .list()
        .filter("owner", "me")
        .page()
        .await
        .unwrap_err();
    assert_eq!(
        unknown_key.status().map(|s| s.as_u16()),
        Some(400),
        "{unknown_key}"
    );
    assert!(unknown_key.to_string().contains("owner"));

    // A stored credential is tested by its GUID with what the server holds.
    let tested = client.credentials().test_by_id(&created.id).await.unwrap();
    assert!(tested.is_successful(), "{tested:?}");
    let unknown = client
        .credentials()
        .test_by_id("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert!(unknown.is_not_found(), "{unknown}");

    client.credentials().purge(&created.id).await.unwrap();
    let gone = client.credentials().get(&created.id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert!(
        client
            .credentials()
            .get_opt(&created.id)
            .await
            .unwrap()
            .is_none()
    );
    let again = client.credentials().purge(&created.id).await.unwrap_err();
    assert!(again.is_not_found(), "{again}");
}

#[tokio::test]
async fn a_failing_test_refuses_the_credential() {
    let (_clock, _sandbox, client) = start().await;
    let mut wrong = snowflake("wrong");
    wrong.set_password("wrong-password");
    let refused = client.credentials().create(&wrong).await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(400), "{refused}");
    assert!(
        !refused.to_string().contains("wrong-password"),
        "the password is not repeated"
    );
    let test = client.credentials().test(&wrong).await.unwrap();
    assert!(!test.is_successful());
    assert!(
        client
            .credentials()
            .test(&snowflake("ok"))
            .await
            .unwrap()
            .is_successful()
    );
}

#[tokio::test]
async fn an_untested_login_is_refused_before_anything_is_sent() {
    let (_clock, sandbox, _client) = start().await;
    let recorder = Recorder::default();
    let client = builder(&sandbox)
        .with_layer(recorder.clone())
        .build()
        .unwrap();
    let error = client
        .credentials()
        .create(&snowflake("untested"))
        .without_test()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
    assert!(recorder.requests().is_empty());
    let mut token_only = Credential::new("token-only");
    token_only.connector_config_name = Some("atlan-connectors-snowflake".into());
    token_only.insert_extra("token", "t-secret");
    client
        .credentials()
        .create(&token_only)
        .without_test()
        .await
        .unwrap();
    assert_eq!(
        recorder.requests(),
        ["POST /api/service/credentials?testCredential=false"]
    );
}

#[tokio::test]
async fn test_and_update_updates_only_after_a_passing_test() {
    let (_clock, _sandbox, client) = start().await;
    let mut credential = client
        .credentials()
        .get(SNOWFLAKE_CREDENTIAL)
        .await
        .unwrap()
        .to_credential();
    credential.auth_type = Some("basic".into());
    credential.username = Some("new-user".into());
    credential.set_password("password");
    credential.insert_extra("role", "role-here");
    let updated = client
        .credentials()
        .test_and_update(&credential)
        .await
        .unwrap();
    assert_eq!(updated.id, SNOWFLAKE_CREDENTIAL);
    assert_eq!(updated.username.as_deref(), Some("new-user"));

    credential.username = Some("never-stored".into());
    credential.set_password("wrong-password");
    let refused = client
        .credentials()
        .test_and_update(&credential)
        .await
        .unwrap_err();
    let Error::CredentialTestFailed {
        operation, reason, ..
    } = &refused
    else {
        panic!("a failed test is its own error: {refused}")
    };
    assert_eq!(*operation, "credentials.test_and_update");
    assert!(
        !reason.is_empty() && !reason.contains("wrong-password"),
        "{reason}"
    );
    assert!(
        refused
            .to_string()
            .contains("test failed, nothing was updated")
    );
    let unchanged = client
        .credentials()
        .get(SNOWFLAKE_CREDENTIAL)
        .await
        .unwrap();
    assert_eq!(unchanged.username.as_deref(), Some("new-user"));

    let plain = client.credentials().update(&credential).await.unwrap();
    assert_eq!(
        plain.username.as_deref(),
        Some("never-stored"),
        "update does not test"
    );
    let mut no_id = credential.clone();
    no_id.id = None;
    let error = client.credentials().update(&no_id).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
}
