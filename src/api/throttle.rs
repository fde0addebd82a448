//! Login throttling (OWASP API4): after too many wrong passwords from one address for one
//! username, or from one address in all, further attempts from that address are refused for a
//! while, so a password cannot be guessed at full speed.
//!
//! Keys include the client address, so a stranger cannot lock a real user out from elsewhere.
//! Kept in memory per instance: a restart forgets it, which is acceptable for slowing down
//! guessing and needs no table.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    limit: usize,
    window: Duration,
}

/// How many failures one address may make across all usernames, as a multiple of `limit`.
const ADDRESS_FACTOR: usize = 5;
const MAX_KEYS: usize = 100_000;

impl LoginThrottle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
            limit,
            window,
        }
    }

    /// True when this address has failed too often for this username, or in all.
    pub fn blocked(&self, ip: Option<IpAddr>, username: &str) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let mut recent = |key: String| match map.get_mut(&key) {
            Some(times) => {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > self.window)
                {
                    times.pop_front();
                }
                times.len()
            }
            None => 0,
        };
        recent(user_key(ip, username)) >= self.limit
            || recent(address(ip)) >= self.limit * ADDRESS_FACTOR
    }

    pub fn failed(&self, ip: Option<IpAddr>, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bound the memory made-up usernames can take: forget expired entries, and if that is
        // not enough, start over (the worst case is a few more guesses, never a lock-out).
        if map.len() >= MAX_KEYS {
            let now = Instant::now();
            map.retain(|_, t| {
                t.back()
                    .is_some_and(|t| now.duration_since(*t) <= self.window)
            });
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let keys = [
            (user_key(ip, username), self.limit),
            (address(ip), self.limit * ADDRESS_FACTOR),
        ];
        for (key, cap) in keys {
            let times = map.entry(key).or_default();
            times.push_back(Instant::now());
            while times.len() > cap {
                times.pop_front();
            }
        }
    }

    pub fn succeeded(&self, ip: Option<IpAddr>, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&user_key(ip, username));
    }
}

fn user_key(ip: Option<IpAddr>, username: &str) -> String {
    // Usernames are at most 32 characters; longer input is cut so keys stay small.
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    format!("{}|{name}", address(ip))
}

fn address(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "-".to_owned(), |ip| ip.to_string())
}
