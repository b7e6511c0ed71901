//! When a section of the night card needs a second look: an expired
//! nursing order, and sections nobody has updated for too long.
//!
//! # The rule
//!
//! Ages are counted in Tokyo calendar days between the day a section was
//! last written (for the wishes: the day they were decided) and the day the
//! card is read. A section is **stale** when that age is *more than* its
//! limit:
//!
//! | section | limit | why |
//! |---|---|---|
//! | medicines | 90 days | prescriptions run at most 90 days in practice; a list nobody touched for longer than one refill has likely drifted |
//! | devices | 90 days | oxygen flow, catheter and pump settings change with the patient; catheters are changed every few weeks |
//! | as-needed orders | 180 days | they come with the nursing order, which lasts at most six months |
//! | wishes (ACP) | 180 days from the decision | the ministry's ACP guideline asks that wishes be revisited as the condition changes; each six-monthly nursing order is the natural occasion |
//! | allergies, diagnoses, infection precautions | 365 days | they change rarely, but a yearly check catches what was missed |
//! | way in, contacts | 365 days | key-box codes and phone numbers change rarely; once a year someone should confirm them |
//!
//! A section with nothing recorded is **missing**, which the card says
//! plainly (a missing DNAR decision is not a "no").
//!
//! The nursing order (訪問看護指示書) is judged by its own validity period
//! instead: **expired** the day after `valid_to` (shown in red: its
//! 「急変時の対応」 no longer carries a physician's authority), **expiring**
//! in the last [`ORDER_EXPIRY_WARNING_DAYS`] days (time to ask the
//! physician for the next one), **not yet valid** before `valid_from`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A section of the card that can go stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Section {
    Wishes,
    PrnOrders,
    WayIn,
    Contacts,
    Medications,
    Devices,
    Allergies,
    Diagnoses,
    InfectionPrecautions,
}

impl Section {
    /// The age in days beyond which the section is stale.
    pub fn max_age_days(self) -> i64 {
        match self {
            Section::Medications | Section::Devices => 90,
            Section::PrnOrders | Section::Wishes => 180,
            Section::Allergies
            | Section::Diagnoses
            | Section::InfectionPrecautions
            | Section::WayIn
            | Section::Contacts => 365,
        }
    }
}

/// How current a section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Freshness {
    /// Nothing recorded.
    Missing,
    Fresh,
    /// Not updated for `days` days, more than the section's limit.
    Stale {
        days: i64,
    },
}

impl Freshness {
    pub fn needs_attention(self) -> bool {
        !matches!(self, Freshness::Fresh)
    }
}

/// The freshness of `section`, last written on Tokyo date `as_of`, read on
/// Tokyo date `today`. A date after `today` (a clock ahead somewhere) counts
/// as fresh rather than as a negative age.
pub fn freshness(section: Section, as_of: Option<NaiveDate>, today: NaiveDate) -> Freshness {
    let Some(as_of) = as_of else {
        return Freshness::Missing;
    };
    let days = (today - as_of).num_days();
    if days > section.max_age_days() {
        Freshness::Stale { days }
    } else {
        Freshness::Fresh
    }
}

/// Warn this many days before a nursing order runs out (inclusive).
pub const ORDER_EXPIRY_WARNING_DAYS: i64 = 14;

/// Where a nursing order stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    /// In force; `days_left` counts the days after today it still holds.
    Valid { days_left: i64 },
    /// In force, but for at most [`ORDER_EXPIRY_WARNING_DAYS`] more days.
    Expiring { days_left: i64 },
    /// Ran out `days_ago` days ago (1 = yesterday was the last day).
    Expired { days_ago: i64 },
    /// Starts in `days` days.
    NotYetValid { days: i64 },
}

impl OrderStatus {
    pub fn is_expired(self) -> bool {
        matches!(self, OrderStatus::Expired { .. })
    }
}

/// The status of an order valid from `valid_from` to `valid_to`, both
/// inclusive, on Tokyo date `today`.
pub fn order_status(valid_from: NaiveDate, valid_to: NaiveDate, today: NaiveDate) -> OrderStatus {
    if today < valid_from {
        return OrderStatus::NotYetValid {
            days: (valid_from - today).num_days(),
        };
    }
    if today > valid_to {
        return OrderStatus::Expired {
            days_ago: (today - valid_to).num_days(),
        };
    }
    let days_left = (valid_to - today).num_days();
    if days_left <= ORDER_EXPIRY_WARNING_DAYS {
        OrderStatus::Expiring { days_left }
    } else {
        OrderStatus::Valid { days_left }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn sections_go_stale_after_their_limit() {
        let today = d(2026, 11, 21);
        let cases = [
            // (section, last written, expected)
            (
                Section::Medications,
                Some(d(2026, 11, 21)),
                Freshness::Fresh,
            ),
            (Section::Medications, Some(d(2026, 8, 23)), Freshness::Fresh), // 90 days
            (
                Section::Medications,
                Some(d(2026, 8, 22)),
                Freshness::Stale { days: 91 },
            ),
            (
                Section::Devices,
                Some(d(2026, 8, 22)),
                Freshness::Stale { days: 91 },
            ),
            (Section::Devices, None, Freshness::Missing),
            (Section::Wishes, Some(d(2026, 5, 25)), Freshness::Fresh), // 180 days
            (
                Section::Wishes,
                Some(d(2026, 5, 24)),
                Freshness::Stale { days: 181 },
            ),
            (Section::Wishes, None, Freshness::Missing),
            (
                Section::PrnOrders,
                Some(d(2026, 1, 1)),
                Freshness::Stale { days: 324 },
            ),
            (Section::WayIn, Some(d(2025, 11, 21)), Freshness::Fresh), // 365 days
            (
                Section::WayIn,
                Some(d(2025, 11, 20)),
                Freshness::Stale { days: 366 },
            ),
            (
                Section::Contacts,
                Some(d(2024, 4, 1)),
                Freshness::Stale { days: 964 },
            ),
            (Section::Allergies, Some(d(2026, 1, 1)), Freshness::Fresh),
            (Section::Diagnoses, Some(d(2026, 1, 1)), Freshness::Fresh),
            (
                Section::InfectionPrecautions,
                Some(d(2025, 1, 1)),
                Freshness::Stale { days: 689 },
            ),
            // A date in the future is not a negative age.
            (Section::Medications, Some(d(2026, 12, 1)), Freshness::Fresh),
        ];
        for (section, as_of, expected) in cases {
            assert_eq!(
                freshness(section, as_of, today),
                expected,
                "{section:?} last written {as_of:?}"
            );
        }
    }

    #[test]
    fn only_fresh_sections_need_no_attention() {
        assert!(!Freshness::Fresh.needs_attention());
        assert!(Freshness::Missing.needs_attention());
        assert!(Freshness::Stale { days: 91 }.needs_attention());
    }

    #[test]
    fn a_nursing_order_holds_from_its_first_to_its_last_day() {
        let from = d(2026, 6, 1);
        let to = d(2026, 11, 30);
        let cases = [
            (d(2026, 5, 30), OrderStatus::NotYetValid { days: 2 }),
            (d(2026, 6, 1), OrderStatus::Valid { days_left: 182 }),
            (d(2026, 11, 15), OrderStatus::Valid { days_left: 15 }),
            (d(2026, 11, 16), OrderStatus::Expiring { days_left: 14 }),
            (d(2026, 11, 30), OrderStatus::Expiring { days_left: 0 }),
            (d(2026, 12, 1), OrderStatus::Expired { days_ago: 1 }),
            (d(2027, 1, 5), OrderStatus::Expired { days_ago: 36 }),
        ];
        for (today, expected) in cases {
            assert_eq!(order_status(from, to, today), expected, "on {today}");
        }
        assert!(order_status(from, to, d(2026, 12, 1)).is_expired());
        assert!(!order_status(from, to, d(2026, 11, 30)).is_expired());
    }
}
