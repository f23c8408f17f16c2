//! `atlanctl config set | use | current | list | delete`: the profiles file, read, changed and
//! written whole. Nothing here talks to a tenant, and no key is ever printed.

use serde_json::json;

use crate::cli::{ConfigCommand, ConfigSetArgs};
use crate::commands::polling::say;
use crate::context::Env;
use crate::error::CliError;
use crate::output::Record;
use crate::profiles::choice::Choice;
use crate::profiles::{Profile, Profiles, check_name, config_dir, key};

/// Runs `atlanctl config …`.
pub(crate) fn run(command: ConfigCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        ConfigCommand::Set(args) => set(args, env),
        ConfigCommand::Use { name } => use_profile(&name, env),
        ConfigCommand::Current => current(env),
        ConfigCommand::List => list(env),
        ConfigCommand::Delete { name, yes } => delete(&name, yes, env),
    }
}

fn set(args: ConfigSetArgs, env: &mut Env) -> Result<(), CliError> {
    check_name(&args.name)?;
    let dir = config_dir()?;
    let mut profiles = Profiles::load(&dir)?;
    let profile = Profile {
        base_url: args.base_url.trim().trim_end_matches('/').to_owned(),
        api_key_env: args.key.api_key_env,
        api_key_command: args.key.api_key_command,
        api_key_stored: args.key.api_key_stdin,
        api_key_timeout_s: args.api_key_timeout,
    };
    profile
        .check()
        .map_err(|reason| CliError::Usage(format!("profile `{}`: {reason}", args.name)))?;
    if profile.api_key_stored {
        key::store(&dir, &args.name, &key::from_stdin()?)?;
    } else {
        key::remove(&dir, &args.name)?;
    }
    let replaced = profiles
        .profiles
        .insert(args.name.clone(), profile)
        .is_some();
    let first = profiles.current.is_none();
    if first {
        profiles.current = Some(args.name.clone());
    }
    profiles.save(&dir)?;
    let what = if replaced { "replaced" } else { "added" };
    let using = if first { ", and in use" } else { "" };
    env.printer.message(
        &format!("profile {} {what}{using}", args.name),
        &json!({"profile": args.name, "action": what, "current": first}),
    )
}

fn use_profile(name: &str, env: &mut Env) -> Result<(), CliError> {
    let dir = config_dir()?;
    let mut profiles = Profiles::load(&dir)?;
    profiles.get(name)?;
    profiles.current = Some(name.to_owned());
    profiles.save(&dir)?;
    env.printer.message(
        &format!("profile {name} in use"),
        &json!({"profile": name, "action": "use", "current": true}),
    )
}

fn current(env: &mut Env) -> Result<(), CliError> {
    let (text, document) = match Choice::of(env.global())? {
        Choice::Given { base_url, why } => (
            format!("{base_url} (from {why})"),
            json!({"profile": null, "base_url": base_url, "from": why}),
        ),
        Choice::Profile {
            name, profile, why, ..
        } => (
            format!("{name}: {} (from {why})", profile.base_url),
            json!({"profile": name, "base_url": profile.base_url, "from": why}),
        ),
        Choice::Nothing => {
            return Err(CliError::NotChosen);
        }
    };
    env.printer.message(&text, &document)
}

const LIST_COLUMNS: [&str; 4] = ["NAME", "CURRENT", "BASE URL", "KEY FROM"];

fn list(env: &mut Env) -> Result<(), CliError> {
    let profiles = Profiles::load(&config_dir()?)?;
    if profiles.profiles.is_empty() {
        say("no profile yet: `atlanctl config set NAME --base-url URL --api-key-env VAR`");
        return Ok(());
    }
    let records: Vec<Record> = profiles
        .profiles
        .iter()
        .map(|(name, profile)| {
            let current = profiles.current.as_deref() == Some(name.as_str());
            Record {
                row: vec![
                    name.clone(),
                    if current { "*" } else { "" }.to_owned(),
                    profile.base_url.clone(),
                    profile.key_from(),
                ],
                json: json!({
                    "name": name,
                    "current": current,
                    "base_url": profile.base_url,
                    "key_from": profile.key_from(),
                }),
            }
        })
        .collect();
    env.printer.records(&LIST_COLUMNS, &records)
}

fn delete(name: &str, yes: bool, env: &mut Env) -> Result<(), CliError> {
    let dir = config_dir()?;
    let mut profiles = Profiles::load(&dir)?;
    let base_url = profiles.get(name)?.base_url.clone();
    if !crate::confirm::confirm(
        &format!("delete profile {name} ({base_url}) and its stored key?"),
        &format!("profile {name} would be deleted"),
        yes,
    )? {
        say("nothing was changed");
        return Ok(());
    }
    profiles.profiles.remove(name);
    if profiles.current.as_deref() == Some(name) {
        profiles.current = None;
    }
    profiles.save(&dir)?;
    key::remove(&dir, name)?;
    env.printer.message(
        &format!("profile {name} deleted"),
        &json!({"profile": name, "action": "delete"}),
    )
}
