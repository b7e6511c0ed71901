//! Slowing password guessing without letting an outsider lock anyone out.
//!
//! A hard lock per account ("five wrong passwords, 15 minutes, the right one
//! refused too") lets anyone who knows a login id keep the on-call doctor
//! out all night. Instead:
//!
//! * **Per account and address, a progressive delay.** The first
//!   [`SignInPolicy::free_failures`] failures cost nothing; after that each
//!   attempt from that address for that account waits twice as long as the
//!   last (15 s, 30 s, 1 min … at most 15 min) after the latest failure. The
//!   owner at her own address is only slowed by her own typing.
//! * **Per account, a much higher ceiling** over all addresses (a botnet
//!   guessing one account). It does not apply to an address this account
//!   has signed in from before, so the owner at her usual station still gets
//!   through while strangers wait.
//! * **Per address, a ceiling** over all accounts (one password tried on
//!   many accounts), again not applied to an address the account knows.
//!
//! Pure: the caller loads recent failures (taking and checking them under
//! one lock, so parallel guesses cannot all see the same count).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInPolicy {
    /// Failures per (account, address) before delays start.
    pub free_failures: u32,
    /// The delay after the first failure past the free ones; doubled for
    /// each further failure…
    pub first_delay: Duration,
    /// …up to this.
    pub max_delay: Duration,
    /// Failures per (account, address) older than this are forgotten.
    pub pair_window: Duration,
    /// Failures per account, over all addresses, within `ceiling_window`.
    pub account_ceiling: u32,
    /// Failures per address, over all accounts, within `ceiling_window`.
    pub address_ceiling: u32,
    pub ceiling_window: Duration,
    /// An address the account signed in from within this long is "known".
    pub known_address_memory: Duration,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy {
            free_failures: 3,
            first_delay: Duration::seconds(15),
            max_delay: Duration::minutes(15),
            pair_window: Duration::hours(1),
            account_ceiling: 50,
            address_ceiling: 30,
            ceiling_window: Duration::minutes(15),
            known_address_memory: Duration::days(90),
        }
    }
}

impl SignInPolicy {
    /// How many most recent failures per (account, address) the rule needs.
    pub fn pair_rows(&self) -> i64 {
        // Past the free ones, doubling from first_delay reaches max_delay
        // within 64 steps for any sane policy; more rows change nothing.
        i64::from(self.free_failures) + 64
    }

    /// The delay after `failures` failures per (account, address).
    pub fn delay_after(&self, failures: u32) -> Duration {
        if failures < self.free_failures || self.free_failures == u32::MAX {
            return Duration::zero();
        }
        let doublings = failures - self.free_failures;
        let factor = 1i32.checked_shl(doublings.min(30)).unwrap_or(i32::MAX);
        self.first_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Which limit holds an attempt back (also the key its audit row is
/// aggregated under).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThrottleScope {
    AccountAtAddress,
    Account,
    Address,
}

impl ThrottleScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleScope::AccountAtAddress => "account_at_address",
            ThrottleScope::Account => "account",
            ThrottleScope::Address => "address",
        }
    }
}

/// Whether a sign-in attempt may check its password now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInVerdict {
    Allowed,
    WaitUntil(DateTime<Utc>, ThrottleScope),
}

/// What the caller knows about recent attempts. Failure lists are in any
/// order; they may hold more than the policy needs.
#[derive(Debug, Clone, Default)]
pub struct RecentAttempts {
    /// Failures for this account from this address since its last success
    /// from this address.
    pub pair_failures: Vec<DateTime<Utc>>,
    /// Failures for this account from any address.
    pub account_failures: Vec<DateTime<Utc>>,
    /// Failures from this address for any account.
    pub address_failures: Vec<DateTime<Utc>>,
    /// This account signed in from this address within
    /// `known_address_memory`.
    pub known_address: bool,
}

/// Applies `policy` to `recent` at `now`. When several limits hold, the
/// latest end wins. A failure stamped after `now` (clock drift between
/// servers) counts, on the safe side.
pub fn sign_in_verdict(
    policy: &SignInPolicy,
    recent: &RecentAttempts,
    now: DateTime<Utc>,
) -> SignInVerdict {
    let mut waits: Vec<(DateTime<Utc>, ThrottleScope)> = Vec::new();

    let pair = within(&recent.pair_failures, now, policy.pair_window);
    if let Some(&latest) = pair.first() {
        let count = u32::try_from(pair.len()).unwrap_or(u32::MAX);
        let delay = policy.delay_after(count);
        if delay > Duration::zero() {
            match latest.checked_add_signed(delay) {
                Some(until) if until > now => waits.push((until, ThrottleScope::AccountAtAddress)),
                Some(_) => {}
                // A wait that runs past the end of time holds to its end.
                None => waits.push((DateTime::<Utc>::MAX_UTC, ThrottleScope::AccountAtAddress)),
            }
        }
    }
    if !recent.known_address {
        for (failures, ceiling, scope) in [
            (
                &recent.account_failures,
                policy.account_ceiling,
                ThrottleScope::Account,
            ),
            (
                &recent.address_failures,
                policy.address_ceiling,
                ThrottleScope::Address,
            ),
        ] {
            if let Some(until) = ceiling_until(failures, ceiling, policy.ceiling_window, now) {
                waits.push((until, scope));
            }
        }
    }
    match waits.into_iter().max_by_key(|(until, _)| *until) {
        Some((until, scope)) => SignInVerdict::WaitUntil(until, scope),
        None => SignInVerdict::Allowed,
    }
}

/// The failures later than `now - window`, newest first.
fn within(failures: &[DateTime<Utc>], now: DateTime<Utc>, window: Duration) -> Vec<DateTime<Utc>> {
    let start = now.checked_sub_signed(window);
    let mut recent: Vec<_> = failures
        .iter()
        .copied()
        .filter(|&t| start.is_none_or(|s| t > s))
        .collect();
    recent.sort_unstable_by(|a, b| b.cmp(a));
    recent
}

/// With `ceiling` or more failures in the window, the wait lasts until the
/// `ceiling`th most recent leaves the window.
fn ceiling_until(
    failures: &[DateTime<Utc>],
    ceiling: u32,
    window: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let ceiling = usize::try_from(ceiling).ok().filter(|&n| n > 0)?;
    let recent = within(failures, now, window);
    let tripping = *recent.get(ceiling - 1)?;
    match tripping.checked_add_signed(window) {
        Some(until) => (until > now).then_some(until),
        None => Some(DateTime::<Utc>::MAX_UTC),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
    }
    fn ago(seconds: i64) -> DateTime<Utc> {
        now() - Duration::seconds(seconds)
    }
    fn times(n: usize, seconds_ago: i64) -> Vec<DateTime<Utc>> {
        vec![ago(seconds_ago); n]
    }

    #[test]
    fn delays_double_after_the_free_failures_up_to_the_cap() {
        let p = SignInPolicy::default();
        let cases = [
            (0, 0),
            (2, 0),
            (3, 15),
            (4, 30),
            (5, 60),
            (8, 480),
            (9, 900),
            (40, 900),
            (u32::MAX, 900),
        ];
        for (failures, seconds) in cases {
            assert_eq!(
                p.delay_after(failures),
                Duration::seconds(seconds),
                "{failures}"
            );
        }
    }

    #[test]
    fn verdicts_for_the_pair_the_account_and_the_address() {
        use ThrottleScope::*;
        let p = SignInPolicy::default();
        struct Case {
            name: &'static str,
            recent: RecentAttempts,
            expected: SignInVerdict,
        }
        let cases = [
            Case {
                name: "nothing recent",
                recent: RecentAttempts::default(),
                expected: SignInVerdict::Allowed,
            },
            Case {
                name: "two failures at this address are free",
                recent: RecentAttempts {
                    pair_failures: times(2, 1),
                    ..Default::default()
                },
                expected: SignInVerdict::Allowed,
            },
            Case {
                name: "the third failure: wait 15 s after it",
                recent: RecentAttempts {
                    pair_failures: vec![ago(100), ago(50), ago(5)],
                    ..Default::default()
                },
                expected: SignInVerdict::WaitUntil(
                    ago(5) + Duration::seconds(15),
                    AccountAtAddress,
                ),
            },
            Case {
                name: "the delay has passed",
                recent: RecentAttempts {
                    pair_failures: vec![ago(100), ago(50), ago(15)],
                    ..Default::default()
                },
                expected: SignInVerdict::Allowed,
            },
            Case {
                name: "a known address is still slowed by its own failures",
                recent: RecentAttempts {
                    pair_failures: times(5, 10),
                    known_address: true,
                    ..Default::default()
                },
                expected: SignInVerdict::WaitUntil(
                    ago(10) + Duration::seconds(60),
                    AccountAtAddress,
                ),
            },
            Case {
                name: "failures older than the pair window are forgotten",
                recent: RecentAttempts {
                    pair_failures: times(20, 3600),
                    ..Default::default()
                },
                expected: SignInVerdict::Allowed,
            },
            Case {
                name: "a future stamp counts (clock drift, safe side)",
                recent: RecentAttempts {
                    pair_failures: vec![ago(-30), ago(1), ago(2)],
                    ..Default::default()
                },
                expected: SignInVerdict::WaitUntil(
                    ago(-30) + Duration::seconds(15),
                    AccountAtAddress,
                ),
            },
            Case {
                name: "many addresses reach the account ceiling: a new address waits",
                recent: RecentAttempts {
                    account_failures: times(50, 60),
                    ..Default::default()
                },
                expected: SignInVerdict::WaitUntil(ago(60) + Duration::minutes(15), Account),
            },
            Case {
                name: "49 are below the ceiling",
                recent: RecentAttempts {
                    account_failures: times(49, 60),
                    ..Default::default()
                },
                expected: SignInVerdict::Allowed,
            },
            Case {
                name: "the owner's known address passes the account ceiling",
                recent: RecentAttempts {
                    account_failures: times(500, 60),
                    known_address: true,
                    ..Default::default()
                },
                expected: SignInVerdict::Allowed,
            },
            Case {
                name: "one address spraying many accounts reaches the address ceiling",
                recent: RecentAttempts {
                    address_failures: times(30, 120),
                    ..Default::default()
                },
                expected: SignInVerdict::WaitUntil(ago(120) + Duration::minutes(15), Address),
            },
            Case {
                name: "ceiling failures that left the window",
                recent: RecentAttempts {
                    address_failures: times(30, 15 * 60),
                    account_failures: times(60, 15 * 60),
                    ..Default::default()
                },
                expected: SignInVerdict::Allowed,
            },
            Case {
                name: "several limits: the latest end wins",
                recent: RecentAttempts {
                    pair_failures: times(10, 1),
                    account_failures: times(50, 14 * 60),
                    ..Default::default()
                },
                expected: SignInVerdict::WaitUntil(
                    ago(1) + Duration::minutes(15),
                    AccountAtAddress,
                ),
            },
        ];
        for case in cases {
            assert_eq!(
                sign_in_verdict(&p, &case.recent, now()),
                case.expected,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn extreme_policies_and_instants_do_not_overflow() {
        let p = SignInPolicy {
            first_delay: Duration::days(365 * 1000),
            max_delay: Duration::MAX,
            ..SignInPolicy::default()
        };
        assert!(p.delay_after(100) > Duration::zero());
        let end = DateTime::<Utc>::MAX_UTC;
        let recent = RecentAttempts {
            pair_failures: vec![end; 5],
            ..Default::default()
        };
        assert_eq!(
            sign_in_verdict(&p, &recent, end),
            SignInVerdict::WaitUntil(end, ThrottleScope::AccountAtAddress)
        );
        let start = DateTime::<Utc>::MIN_UTC;
        let recent = RecentAttempts {
            address_failures: vec![start; 30],
            ..Default::default()
        };
        assert!(matches!(
            sign_in_verdict(&SignInPolicy::default(), &recent, start),
            SignInVerdict::WaitUntil(_, ThrottleScope::Address)
        ));
        let zero = SignInPolicy {
            free_failures: 0,
            account_ceiling: 0,
            address_ceiling: 0,
            ..SignInPolicy::default()
        };
        assert_eq!(zero.delay_after(0), Duration::seconds(15));
        let recent = RecentAttempts {
            account_failures: times(1000, 1),
            address_failures: times(1000, 1),
            ..Default::default()
        };
        assert_eq!(
            sign_in_verdict(&zero, &recent, now()),
            SignInVerdict::Allowed,
            "0 disables a ceiling"
        );
    }
}
