//! `atlanctl watch`: webhooks when a run fails, a workflow recovers or a schedule is missed.
//!
//! A [`Polling`] finds the events; each is told once: an event whose dedupe key the [`State`]
//! knows is dropped, a failure of a workflow in its cooldown is held back and counted, the others
//! become notifications in the state's outbox (written before any is posted). A delivery task
//! posts the outbox to every webhook and retries with backoff, apart from the polling, so that a
//! failing webhook never delays a poll; the notifications due are posted all at once, each to all
//! its webhooks at the same time, so that one that never answers delays no other. After a restart
//! (a kill -9 included) events are made again from the last poll on and the outbox is delivered:
//! nothing is lost, nothing told twice (see [`state`] for the one narrow case).

mod notify;
mod policy;
mod state;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use atlan_ops::Api;
use atlan_ops::watch::Event;
use atlan_workflows::AtlanClient;
use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::sync::Notify;

use super::polling::{Polling, say};
use crate::cli::WatchArgs;
use crate::context::Env;
use crate::error::CliError;

use notify::Webhooks;
use policy::Policies;
use state::{Cooldown, Pending, State};

/// How long `--once` goes on delivering (a round is not started that could end past it).
const ONCE_DEADLINE: Duration = Duration::from_secs(30);
/// The most notifications posted at once.
const POSTS_IN_FLIGHT: usize = 16;

/// The state, shared by the polling and the delivery, with where it is saved.
struct Shared {
    state: Mutex<State>,
    path: PathBuf,
    wake: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Saves `state`; a failure (a full disk) is said and the watch goes on.
    fn save(&self, state: &State) {
        if let Err(error) = state.save(&self.path) {
            say(&format!("{error}; will try again at the next change"));
        }
    }
}

/// Runs `atlanctl watch` until SIGINT or SIGTERM (or, with `--once`, one poll and its
/// deliveries).
pub(crate) async fn run(args: WatchArgs, env: &mut Env) -> Result<(), CliError> {
    let webhooks = Webhooks::new(args.notify.clone())?;
    let client = env.client().await?;
    let tenant = env.base_url().unwrap_or_default().to_owned();
    let path = match args.state.clone().or_else(|| state::default_path(&tenant)) {
        Some(path) => path,
        None => {
            return Err(CliError::Usage(
                "no state directory (neither XDG_STATE_HOME nor HOME is set): pass --state FILE"
                    .into(),
            ));
        }
    };
    let _lock = State::lock(&path)?;
    let mut state = State::load(&path, &tenant, webhooks.len())?;
    let now = Timestamp::now();
    let events_since = state.events_since(now, args.poll.overlap);
    // The first start is kept at once: a restart after a failed first poll tells nothing older.
    state.save(&path)?;
    say(&format!(
        "watching {tenant} for events from {events_since}; state in {}",
        path.display()
    ));
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        path,
        wake: Notify::new(),
    });
    let (levels, _) = super::levels::service_levels(&args.levels, env).await?;
    let mut policies = Policies::new(args.act, &shared.path, &tenant)?;
    let open = shared.lock().open.clone();
    let mut polling = Polling::new(&args.poll, client.clone(), now, |config| {
        config
            .events_since(events_since)
            .levels(levels)
            .open_breaches(open)
    });
    let watching = Watching {
        client,
        cooldown: args.cooldown,
        lookback: args.poll.lookback,
    };

    if args.once {
        return once(&shared, &webhooks, &mut polling, &mut policies, &watching).await;
    }

    let signals = atlan_sandbox::StopSignals::listen();
    let delivery = tokio::spawn(deliver(Arc::clone(&shared), webhooks));
    let polls = async {
        loop {
            if let Err(error) =
                poll_and_queue(&shared, &mut polling, &mut policies, &watching).await
            {
                say(&format!(
                    "{error}; next poll in {}",
                    atlan_workflows::human_duration(polling.delay())
                ));
            }
            tokio::time::sleep(polling.delay()).await;
        }
    };
    tokio::select! {
        () = polls => {}
        () = signals.wait() => {}
    }
    delivery.abort();
    Ok(())
}

/// `--once`: one poll, its notifications queued and delivered (a few tries each), the state saved
/// as the long-running watch saves it, so that the next `--once` goes on from here. Exit 1 when
/// the poll failed or a notification waits for the next run.
async fn once(
    shared: &Shared,
    webhooks: &Webhooks,
    polling: &mut Polling,
    policies: &mut Policies,
    watching: &Watching,
) -> Result<(), CliError> {
    let polled = poll_and_queue(shared, polling, policies, watching).await;
    let deadline = tokio::time::Instant::now() + ONCE_DEADLINE;
    while let Some(next) = deliver_round(shared, webhooks).await {
        let wait = Duration::try_from(next.duration_since(Timestamp::now())).unwrap_or_default();
        if tokio::time::Instant::now() + wait + notify::POST_TIMEOUT > deadline {
            break;
        }
        wait_until(next).await;
    }
    let waiting = shared.lock().outbox.len();
    let path = shared.path.display().to_string();
    if let Err(error) = polled {
        return Err(CliError::State {
            path,
            reason: format!(
                "{error}: nothing was lost, the next run reads from the last successful poll"
            ),
        });
    }
    if waiting > 0 {
        return Err(CliError::State {
            path,
            reason: format!(
                "{waiting} notification(s) not delivered yet wait in it for the next run"
            ),
        });
    }
    Ok(())
}

/// One poll: its events, and what the policies decided, queued as notifications; once it
/// succeeded, the cursor moved on, the open breaches kept, keys too old to be made again
/// forgotten, and the state saved.
async fn poll_and_queue(
    shared: &Shared,
    polling: &mut Polling,
    policies: &mut Policies,
    watching: &Watching,
) -> Result<(), String> {
    let now = Timestamp::now();
    let report = polling
        .poll(now)
        .await
        .map_err(|error| format!("poll failed: {error}"))?;
    let mut events = report.events;
    events.extend(policies.run(&polling.watcher, &watching.client).await);
    watching.queue(shared, events).await;
    if let Some(cursor) = polling.watcher.cursor() {
        let mut state = shared.lock();
        state.cursor = Some(cursor);
        state.open = polling.watcher.open_breaches();
        let forget = cursor.saturating_sub(watching.lookback).unwrap_or(cursor);
        state.prune(forget, now);
        shared.save(&state);
    }
    Ok(())
}

/// How events become notifications.
struct Watching {
    client: AtlanClient,
    cooldown: jiff::SignedDuration,
    lookback: jiff::SignedDuration,
}

impl Watching {
    /// Puts a notification for each new event in the outbox (held back by a cooldown, or
    /// dropped when its key is known), saves the state and wakes the delivery.
    async fn queue(&self, shared: &Shared, events: Vec<Event>) {
        for event in events {
            let key = event.key();
            let (api, workflow) = event.workflow();
            let workflow_key = format!("{}:{workflow}", api.as_str());
            let now = Timestamp::now();
            let suppressed = {
                let mut state = shared.lock();
                if state.knows(&key) {
                    continue;
                }
                let cooldown = state.cooldown.entry(workflow_key.clone()).or_default();
                match event {
                    Event::Recovered { .. } => {
                        let suppressed = cooldown.suppressed;
                        state.cooldown.remove(&workflow_key);
                        suppressed
                    }
                    Event::RunFailed { .. } | Event::ScheduleMissed { .. }
                        if cooldown.until.is_some_and(|until| until > now) =>
                    {
                        cooldown.suppressed += 1;
                        state.told(key, now);
                        shared.save(&state);
                        continue;
                    }
                    Event::RunFailed { .. } | Event::ScheduleMissed { .. } => {
                        let suppressed = cooldown.suppressed;
                        *cooldown = Cooldown {
                            until: now.saturating_add(self.cooldown).ok(),
                            suppressed: 0,
                        };
                        suppressed
                    }
                    // Breaches, their clearing and policies are told as they come.
                    _ => 0,
                }
            };
            let why = match &event {
                Event::RunFailed { api, run, .. } => self.explain(*api, run).await,
                _ => None,
            };
            let document = notify::document(&event, why.as_ref(), suppressed);
            let mut state = shared.lock();
            let webhooks = (0..state.webhooks).collect();
            state.outbox.push(Pending {
                key,
                document,
                webhooks,
                attempts: 0,
                next: None,
            });
            if state.outbox.len() > state::MAX_OUTBOX {
                let dropped = state.outbox.remove(0);
                say(&format!(
                    "more than {} notifications wait: gave up {}",
                    state::MAX_OUTBOX,
                    dropped.key
                ));
                state.told(dropped.key, now);
            }
            shared.save(&state);
            drop(state);
            shared.wake.notify_one();
        }
    }

    /// Why the run failed, if it can be read.
    async fn explain(&self, api: Api, run: &str) -> Option<atlan_ops::Explanation> {
        match atlan_ops::fetch::explanation(&self.client, api, run).await {
            Ok(explained) => Some(explained),
            Err(error) => {
                say(&format!("cannot explain run {run}: {error}"));
                None
            }
        }
    }
}

/// Posts every notification that is due, all at once (at most [`POSTS_IN_FLIGHT`] events, each
/// to all its webhooks at the same time), so that a webhook that never answers delays no other:
/// a round ends within one post's timeout. Answers when the next try is due, if any waits.
async fn deliver_round(shared: &Shared, webhooks: &Webhooks) -> Option<Timestamp> {
    let now = Timestamp::now();
    let due: Vec<Pending> = shared
        .lock()
        .outbox
        .iter()
        .filter(|pending| pending.next.is_none_or(|next| next <= now))
        .cloned()
        .collect();
    let mut rounds = futures_util::stream::iter(due)
        .map(|pending| post_everywhere(webhooks, pending))
        .buffer_unordered(POSTS_IN_FLIGHT);
    while let Some((key, accepted, failure)) = rounds.next().await {
        record_round(shared, &key, &accepted, failure.as_deref());
    }
    let now = Timestamp::now();
    shared
        .lock()
        .outbox
        .iter()
        .map(|pending| pending.next.unwrap_or(now))
        .min()
}

/// Posts `pending` to each of its webhooks at once; answers its key, the webhooks that
/// accepted it and the last failure.
async fn post_everywhere(
    webhooks: &Webhooks,
    pending: Pending,
) -> (String, Vec<usize>, Option<String>) {
    let posts = pending
        .webhooks
        .iter()
        .map(|index| async { (*index, webhooks.post(*index, &pending.document).await) });
    let mut accepted = Vec::new();
    let mut failure = None;
    for (index, result) in futures_util::future::join_all(posts).await {
        match result {
            Ok(()) => accepted.push(index),
            Err(error) => failure = Some(error),
        }
    }
    (pending.key, accepted, failure)
}

/// Records what came of one notification's round: the webhooks that accepted it are done with
/// it; it is told once every webhook accepted it, tried again later otherwise, and given up after
/// [`notify::MAX_ATTEMPTS`]. The state is saved.
fn record_round(shared: &Shared, key: &str, accepted: &[usize], failure: Option<&str>) {
    let now = Timestamp::now();
    let mut state = shared.lock();
    let Some(at) = state.outbox.iter().position(|p| p.key == key) else {
        return;
    };
    let mut done = false;
    if let Some(slot) = state.outbox.get_mut(at) {
        slot.webhooks.retain(|index| !accepted.contains(index));
        if slot.webhooks.is_empty() {
            done = true;
        } else {
            slot.attempts += 1;
            let why = failure.unwrap_or("not accepted");
            if slot.attempts >= notify::MAX_ATTEMPTS {
                say(&format!(
                    "gave up notification {} after {} tries: {why}",
                    slot.key, slot.attempts
                ));
                done = true;
            } else {
                slot.next = Some(notify::retry_at(now, slot.attempts));
                say(&format!(
                    "notification {} not delivered ({why}); trying again at {}",
                    slot.key,
                    slot.next.map(|at| at.to_string()).unwrap_or_default()
                ));
            }
        }
    }
    if done {
        let finished = state.outbox.remove(at);
        state.told(finished.key, now);
    }
    shared.save(&state);
}

/// Delivers the outbox for as long as the watch runs.
async fn deliver(shared: Arc<Shared>, webhooks: Webhooks) {
    loop {
        let next = deliver_round(&shared, &webhooks).await;
        match next {
            Some(next) => {
                tokio::select! {
                    () = wait_until(next) => {}
                    () = shared.wake.notified() => {}
                }
            }
            None => shared.wake.notified().await,
        }
    }
}

/// Sleeps until `at` (not at all when it passed).
async fn wait_until(at: Timestamp) {
    let wait = at.duration_since(Timestamp::now());
    if let Ok(wait) = Duration::try_from(wait) {
        tokio::time::sleep(wait).await;
    }
}
