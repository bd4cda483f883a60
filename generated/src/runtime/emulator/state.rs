//! What the server's handlers share with the [`Emulator`](super::Emulator) handle.

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::auth::AuthState;
use super::config::EmulatorConfig;
use super::faults::Fault;
use super::store::Store;
use super::throttle::Throttle;
use super::{EmulatorError, seed};
use crate::CommandInfo;

/// One request the emulator received, as [`Emulator::requests`](super::Emulator::requests)
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, still percent-encoded; empty if there is none.
    pub query: String,
    /// The status answered; `None` while the request is being handled and when the
    /// connection was dropped.
    pub status: Option<u16>,
}

/// The server's state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) store: Mutex<Store>,
    pub(crate) auth: Mutex<AuthState>,
    pub(crate) throttle: Mutex<Throttle>,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) log: Mutex<Vec<RequestRecord>>,
    /// Entity name and command.
    pub(crate) commands: Vec<(String, CommandInfo)>,
}

impl Shared {
    pub(crate) fn new(config: &EmulatorConfig) -> Result<Self, EmulatorError> {
        let mut store = Store::new(config.first_id);
        for seed in &config.seeds {
            seed::load(&mut store, seed)?;
        }
        if let Some((entity, _)) = config
            .commands
            .iter()
            .find(|(entity, _)| crate::ENTITIES.iter().all(|e| e.name != entity))
        {
            return Err(EmulatorError::UnknownEntity(entity.clone()));
        }
        Ok(Self {
            store: Mutex::new(store),
            auth: Mutex::new(AuthState::new(config)),
            throttle: Mutex::new(Throttle::new(config.throttle.clone())),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            commands: config.commands.clone(),
        })
    }

    /// Logs a request; answers its index for [`set_status`](Self::set_status).
    pub(crate) fn log(&self, method: &str, path: &str, query: &str) -> usize {
        let mut log = lock(&self.log);
        log.push(RequestRecord {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            status: None,
        });
        log.len() - 1
    }

    pub(crate) fn set_status(&self, index: usize, status: Option<u16>) {
        if let Some(entry) = lock(&self.log).get_mut(index) {
            entry.status = status;
        }
    }
}

/// Locks a mutex; a panic elsewhere while it was held leaves the data usable, since every
/// change to it is a single step.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
