//! Schedules end to end: add, get, list, remove (the time zone stays).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_workflows::WorkflowSchedule;
use atlan_workflows::model::{SCHEDULE_ANNOTATION, TIMEZONE_ANNOTATION};
use common::{CRAWLER, start};

/// A workflow of the default seed that has no schedule.
const UNSCHEDULED: &str = "csa-asset-export-basic-1700498054";

#[tokio::test]
async fn add_get_list_remove() {
    let (_clock, _sandbox, client) = start().await;
    let before = client.schedules().list().await.unwrap();
    let schedule = WorkflowSchedule::new("30 2 * * 1-5", "Asia/Kolkata").unwrap();
    let none = client.schedules().get(UNSCHEDULED).await.unwrap_err();
    assert!(none.is_not_found(), "{none}");
    client
        .schedules()
        .add(UNSCHEDULED, &schedule)
        .await
        .unwrap();

    let one = client.schedules().get(UNSCHEDULED).await.unwrap();
    assert_eq!(one.schedule(), Some(schedule));
    let spec = one.spec.as_ref().unwrap();
    assert_eq!(spec.schedule.as_deref(), Some("30 2 * * 1-5"));
    let after = client.schedules().list().await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert!(
        after
            .iter()
            .any(|cron| cron.metadata.as_ref().and_then(|m| m.name())
                == Some("csa-asset-export-basic-1700498054-cron"))
    );

    client.schedules().remove(UNSCHEDULED).await.unwrap();
    let gone = client.schedules().get(UNSCHEDULED).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert!(
        client
            .schedules()
            .get_opt(UNSCHEDULED)
            .await
            .unwrap()
            .is_none()
    );
    let workflow = client.workflows().get(UNSCHEDULED).await.unwrap();
    let metadata = &workflow.source.metadata;
    assert!(metadata.annotation(SCHEDULE_ANNOTATION).is_none());
    assert_eq!(
        metadata.annotation(TIMEZONE_ANNOTATION),
        Some("Asia/Kolkata"),
        "the time zone stays"
    );
    assert_eq!(client.schedules().list().await.unwrap().len(), before.len());

    // Adding to a scheduled workflow replaces its schedule.
    let daily = WorkflowSchedule::new("@daily", "UTC").unwrap();
    client.schedules().add(CRAWLER, &daily).await.unwrap();
    assert_eq!(
        client.schedules().get(CRAWLER).await.unwrap().schedule(),
        Some(daily)
    );

    let missing = client
        .schedules()
        .add(
            "atlan-nothing-1",
            &WorkflowSchedule::new("@daily", "UTC").unwrap(),
        )
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
}
