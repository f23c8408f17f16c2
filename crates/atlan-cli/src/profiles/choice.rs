//! Which tenant a command talks to. In order: `--sandbox`; `--base-url` (with `--api-key` or
//! `ATLAN_API_KEY`); `--profile NAME`; `ATLAN_BASE_URL` (with `ATLAN_API_KEY`, as always);
//! `ATLANCTL_PROFILE`; the profile in use (`atlanctl config use`); none. The profiles file is read
//! only when a profile is what is left, so a broken file does not stop a command that names its
//! tenant otherwise.

use std::path::PathBuf;

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::{Profile, Profiles, config_dir};
use crate::cli::Global;
use crate::error::CliError;

/// Which of the global options that choose a tenant were given on the command line (rather than
/// taken from the environment): set from the parsed matches.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Given {
    /// `--base-url`.
    pub(crate) base_url: bool,
    /// `--profile`.
    pub(crate) profile: bool,
}

impl Given {
    /// What `matches` (and the subcommands under it) say was given on the command line.
    pub(crate) fn of(matches: &ArgMatches) -> Self {
        Self {
            base_url: on_command_line(matches, "base_url"),
            profile: on_command_line(matches, "profile"),
        }
    }
}

/// Whether the global option `id` was given on the command line, at any level of subcommands.
fn on_command_line(matches: &ArgMatches, id: &str) -> bool {
    let mut level = Some(matches);
    while let Some(here) = level {
        if here.try_contains_id(id).unwrap_or(false)
            && here.value_source(id) == Some(ValueSource::CommandLine)
        {
            return true;
        }
        level = here.subcommand().map(|(_, under)| under);
    }
    false
}

/// The tenant chosen, and why.
#[derive(Debug)]
pub(crate) enum Choice {
    /// `--base-url` or `ATLAN_BASE_URL`, with its key from `--api-key` or `ATLAN_API_KEY`.
    Given {
        /// The address.
        base_url: String,
        /// Where it came from.
        why: &'static str,
    },
    /// A profile.
    Profile {
        /// Its name.
        name: String,
        /// It.
        profile: Profile,
        /// The profiles directory (for its key file).
        dir: PathBuf,
        /// Why this one.
        why: &'static str,
    },
    /// Nothing: no option, variable or profile names a tenant.
    Nothing,
}

impl Choice {
    /// The tenant the global options, the environment and the profiles choose (`--sandbox`
    /// aside: the caller looks at it first).
    ///
    /// # Errors
    /// [`CliError::Usage`] for `--base-url` with `--profile`, or a profile that is not there
    /// (naming those that are); [`CliError::Profiles`] for a profiles file that does not read.
    pub(crate) fn of(global: &Global) -> Result<Self, CliError> {
        let flag_profile = global.profile.as_ref().filter(|_| global.given.profile);
        match (&global.base_url, flag_profile) {
            (Some(_), Some(_)) if global.given.base_url => {
                return Err(CliError::Usage(
                    "--base-url and --profile each name a tenant: give one".into(),
                ));
            }
            (Some(base_url), _) if global.given.base_url => {
                return Ok(Self::Given {
                    base_url: base_url.clone(),
                    why: "--base-url",
                });
            }
            (_, Some(name)) => return Self::profile(name, "--profile"),
            (Some(base_url), None) => {
                return Ok(Self::Given {
                    base_url: base_url.clone(),
                    why: "ATLAN_BASE_URL",
                });
            }
            (None, None) => {}
        }
        if let Some(name) = &global.profile {
            return Self::profile(name, "ATLANCTL_PROFILE");
        }
        let Ok(dir) = config_dir() else {
            return Ok(Self::Nothing);
        };
        let profiles = Profiles::load(&dir)?;
        match profiles.current.clone() {
            Some(name) => Self::found(&profiles, name, dir, "the profile in use"),
            None => Ok(Self::Nothing),
        }
    }

    /// Profile `name`, read from the profiles file.
    fn profile(name: &str, why: &'static str) -> Result<Self, CliError> {
        let dir = config_dir()?;
        let profiles = Profiles::load(&dir)?;
        Self::found(&profiles, name.to_owned(), dir, why)
    }

    fn found(
        profiles: &Profiles,
        name: String,
        dir: PathBuf,
        why: &'static str,
    ) -> Result<Self, CliError> {
        let profile = profiles.get(&name)?.clone();
        Ok(Self::Profile {
            name,
            profile,
            dir,
            why,
        })
    }
}
