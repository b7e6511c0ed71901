//! Time in Asia/Tokyo.
//!
//! Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset
//! is exact for every instant the product deals with and spares the browser
//! bundle a time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// The offset of Asia/Tokyo.
pub fn tokyo() -> FixedOffset {
    // 9 hours is inside the ±24 h range `east_opt` accepts, so this never fails.
    FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The calendar date in Tokyo at instant `t`.
pub fn tokyo_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tokyo()).date_naive()
}

/// `2026-11-21 02:05` style, in Tokyo time.
pub fn format_tokyo_minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&tokyo())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_tokyo_date_changes_at_midnight_tokyo_not_utc() {
        struct Case {
            utc: (i32, u32, u32, u32, u32),
            expected: (i32, u32, u32),
        }
        let cases = [
            Case {
                utc: (2026, 11, 20, 14, 59),
                expected: (2026, 11, 20),
            },
            Case {
                utc: (2026, 11, 20, 15, 0),
                expected: (2026, 11, 21),
            },
            Case {
                utc: (2026, 12, 31, 15, 0),
                expected: (2027, 1, 1),
            },
        ];
        for case in cases {
            let (y, mo, d, h, mi) = case.utc;
            let t = Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap();
            let (ey, em, ed) = case.expected;
            assert_eq!(
                tokyo_date(t),
                NaiveDate::from_ymd_opt(ey, em, ed).unwrap(),
                "at {t}"
            );
        }
    }
}
