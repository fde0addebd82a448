//! Login throttling (OWASP API4): after too many wrong passwords for one username, further
//! attempts are refused for a while, so a password cannot be guessed at full speed.
//!
//! Kept in memory per instance: a restart forgets it, which is acceptable for slowing down
//! guessing and needs no table.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    limit: usize,
    window: Duration,
}

impl LoginThrottle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
            limit,
            window,
        }
    }

    /// True when this username has failed too often within the window.
    pub fn blocked(&self, username: &str) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match map.get_mut(&key(username)) {
            Some(times) => {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > self.window)
                {
                    times.pop_front();
                }
                times.len() >= self.limit
            }
            None => false,
        }
    }

    pub fn failed(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bound the memory an attacker can make us hold with made-up usernames.
        if map.len() > 100_000 {
            let now = Instant::now();
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) <= self.window)
            });
        }
        let times = map.entry(key(username)).or_default();
        times.push_back(Instant::now());
        while times.len() > self.limit {
            times.pop_front();
        }
    }

    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key(username));
    }
}

fn key(username: &str) -> String {
    username.trim().to_lowercase()
}
