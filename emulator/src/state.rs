//! What the server's handlers share with the [`Emulator`](super::Emulator) handle.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::auth::AuthState;
use super::config::EmulatorConfig;
use super::faults::Fault;
use super::store::Store;
use super::throttle::Throttle;
use super::{EmulatorError, REQUEST_LOG_CAPACITY, seed};
use nexudus::CommandInfo;

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

/// The last [`REQUEST_LOG_CAPACITY`] requests, oldest first.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<RequestRecord>,
    /// How many requests were logged and then forgotten: the number of the first entry.
    forgotten: usize,
}

impl RequestLog {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &RequestRecord> {
        self.entries.iter()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Forgets every entry; requests still being handled keep their numbers.
    pub(crate) fn clear(&mut self) {
        self.forgotten += self.entries.len();
        self.entries.clear();
    }
}

/// The server's state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) store: Mutex<Store>,
    pub(crate) auth: Mutex<AuthState>,
    pub(crate) throttle: Mutex<Throttle>,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) log: Mutex<RequestLog>,
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
            .find(|(entity, _)| nexudus::ENTITIES.iter().all(|e| e.name != entity))
        {
            return Err(EmulatorError::UnknownEntity(entity.clone()));
        }
        Ok(Self {
            store: Mutex::new(store),
            auth: Mutex::new(AuthState::new(config)),
            throttle: Mutex::new(Throttle::new(config.throttle.clone())),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(RequestLog::default()),
            commands: config.commands.clone(),
        })
    }

    /// Logs a request, forgetting the oldest beyond [`REQUEST_LOG_CAPACITY`]; answers its
    /// number for [`set_status`](Self::set_status).
    pub(crate) fn log(&self, method: &str, path: &str, query: &str) -> usize {
        let mut log = lock(&self.log);
        if log.entries.len() >= REQUEST_LOG_CAPACITY {
            log.entries.pop_front();
            log.forgotten += 1;
        }
        log.entries.push_back(RequestRecord {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            status: None,
        });
        log.forgotten + log.entries.len() - 1
    }

    /// Sets the status of request number `number`, unless it was forgotten.
    pub(crate) fn set_status(&self, number: usize, status: Option<u16>) {
        let mut log = lock(&self.log);
        let index = number.checked_sub(log.forgotten);
        if let Some(entry) = index.and_then(|i| log.entries.get_mut(i)) {
            entry.status = status;
        }
    }
}

/// Locks a mutex; a panic elsewhere while it was held leaves the data usable, since every
/// change to it is a single step.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
