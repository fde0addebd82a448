//! Login throttling (OWASP API4): each attempt is counted *before* the password is checked,
//! per client address and username and per address in all, so neither a burst of parallel
//! guesses nor a slow stream gets more than a few tries per window.
//!
//! Keys include the client address (behind a trusted proxy, the address it forwards), so a
//! stranger cannot lock a real user out from elsewhere. Kept in memory per instance: a restart
//! forgets it, which is acceptable for slowing down guessing and needs no table.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
    limit: usize,
    window: Duration,
}

/// How many failures one address may make across all usernames, as a multiple of `limit`.
const ADDRESS_FACTOR: usize = 10;
const MAX_KEYS: usize = 100_000;

impl LoginThrottle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            attempts: Mutex::new(HashMap::new()),
            limit,
            window,
        }
    }

    /// Counts an attempt, or refuses it (`false`) when this address has used up its tries for
    /// this username or in all. A successful login gives its try back ([`Self::succeeded`]).
    pub fn begin(&self, ip: Option<IpAddr>, username: &str) -> bool {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let keys = [
            (user_key(ip, username), self.limit),
            (address(ip), self.limit * ADDRESS_FACTOR),
        ];
        for (key, cap) in &keys {
            if let Some(times) = map.get_mut(key) {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > self.window)
                {
                    times.pop_front();
                }
                if times.len() >= *cap {
                    return false;
                }
            }
        }
        if map.len() + 2 > MAX_KEYS {
            self.evict(&mut map, now);
        }
        for (key, _) in keys {
            map.entry(key).or_default().push_back(now);
        }
        true
    }

    pub fn succeeded(&self, ip: Option<IpAddr>, username: &str) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&user_key(ip, username));
        if let Some(times) = map.get_mut(&address(ip)) {
            times.pop_back();
        }
    }

    /// Bounds the memory made-up usernames can take: forget expired entries, then, if still
    /// full, the half whose last attempt is oldest.
    fn evict(&self, map: &mut HashMap<String, VecDeque<Instant>>, now: Instant) {
        map.retain(|_, t| {
            t.back()
                .is_some_and(|t| now.duration_since(*t) <= self.window)
        });
        if map.len() + 2 > MAX_KEYS {
            let mut last: Vec<(Instant, String)> = map
                .iter()
                .filter_map(|(k, t)| t.back().map(|b| (*b, k.clone())))
                .collect();
            last.sort_unstable();
            for (_, key) in last.into_iter().take(MAX_KEYS / 2) {
                map.remove(&key);
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_before_checking_and_refunds_success() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let a: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        let b: Option<IpAddr> = Some("10.0.0.2".parse().unwrap());
        assert!(t.begin(a, "admin"));
        t.succeeded(a, "admin");
        for _ in 0..3 {
            assert!(t.begin(a, "Admin"));
        }
        assert!(!t.begin(a, "admin"), "fourth try from the same address");
        assert!(t.begin(b, "admin"), "another address is not locked out");
        assert!(
            t.begin(a, "other"),
            "another username from the first address"
        );
    }

    #[test]
    fn an_address_has_a_budget_across_usernames() {
        let t = LoginThrottle::new(2, Duration::from_secs(60));
        let a: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        let allowed = (0..100).filter(|i| t.begin(a, &format!("user{i}"))).count();
        assert_eq!(allowed, 2 * ADDRESS_FACTOR);
    }
}
