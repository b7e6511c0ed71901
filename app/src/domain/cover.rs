//! One-off cover: "北村 covers the night of 12/24". The coordinator names a
//! doctor, a Japan date and the hours; the doctor is then on duty for that
//! stretch whoever the rotation names (`OverrideChange::Cover`). An end at
//! or before the start means the next morning, as a night shift is said,
//! so one cover is at most a day long.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::schedule::{from_tokyo, Interval};

/// Why a cover form was refused (the `code` is a field code with words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverProblem {
    /// Not a date that exists (`2026-02-30`, `12/24`).
    Date,
    /// Not a time `HH:MM`.
    Time,
    /// Already over.
    Past,
}

impl CoverProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Date => "cover_date",
            Self::Time => "cover_time",
            Self::Past => "cover_past",
        }
    }
}

/// The stretch a cover form names: from `from` on `date` (Japan) to `to`,
/// the same day if later, else the next day. Refused when it is already
/// over at `now`.
pub fn cover_interval(
    date: &str,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Interval, CoverProblem> {
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| CoverProblem::Date)?;
    let time = |s: &str| {
        let s = s.trim();
        // `%H:%M` also takes `9:5`; a form sends `09:05`. Seconds are not
        // asked for and would be a surprise.
        if s.len() != 5 {
            return Err(CoverProblem::Time);
        }
        NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| CoverProblem::Time)
    };
    let (from, to) = (time(from)?, time(to)?);
    let start = day.and_time(from);
    let end_day = if to <= from {
        day.succ_opt().ok_or(CoverProblem::Date)?
    } else {
        day
    };
    let end = end_day.and_time(to);
    let interval = Interval::new(from_tokyo(start), from_tokyo(end));
    if interval.end <= now {
        return Err(CoverProblem::Past);
    }
    Ok(interval)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn tokyo(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        from_tokyo(
            NaiveDate::from_ymd_opt(y, mo, d)
                .unwrap()
                .and_hms_opt(h, mi, 0)
                .unwrap(),
        )
    }

    #[test]
    fn a_cover_form_names_a_stretch_or_says_what_is_wrong() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
        type Case = (
            &'static str,
            &'static str,
            &'static str,
            Result<(DateTime<Utc>, DateTime<Utc>), CoverProblem>,
        );
        let cases: Vec<Case> = vec![
            // A night: the end is the next morning.
            (
                "2026-12-24",
                "18:00",
                "08:30",
                Ok((tokyo(2026, 12, 24, 18, 0), tokyo(2026, 12, 25, 8, 30))),
            ),
            // A day stretch on the same date.
            (
                "2026-12-26",
                "09:00",
                "17:00",
                Ok((tokyo(2026, 12, 26, 9, 0), tokyo(2026, 12, 26, 17, 0))),
            ),
            // The same time twice is a whole day.
            (
                " 2026-12-27 ",
                "09:00",
                "09:00",
                Ok((tokyo(2026, 12, 27, 9, 0), tokyo(2026, 12, 28, 9, 0))),
            ),
            // The year-end: across the new year.
            (
                "2026-12-31",
                "18:00",
                "08:30",
                Ok((tokyo(2026, 12, 31, 18, 0), tokyo(2027, 1, 1, 8, 30))),
            ),
            ("2026-02-30", "18:00", "08:30", Err(CoverProblem::Date)),
            ("12/24", "18:00", "08:30", Err(CoverProblem::Date)),
            ("", "18:00", "08:30", Err(CoverProblem::Date)),
            ("+262143-12-31", "18:00", "08:30", Err(CoverProblem::Date)),
            ("2026-12-24", "25:00", "08:30", Err(CoverProblem::Time)),
            ("2026-12-24", "18:00", "8:30", Err(CoverProblem::Time)),
            ("2026-12-24", "18:00", "08:30:00", Err(CoverProblem::Time)),
            ("2026-12-24", "１８:００", "08:30", Err(CoverProblem::Time)),
            // Over before it was entered.
            ("2026-11-30", "09:00", "10:00", Err(CoverProblem::Past)),
        ];
        for (date, from, to, expected) in cases {
            let got = cover_interval(date, from, to, now).map(|i| (i.start, i.end));
            assert_eq!(got, expected, "{date} {from}–{to}");
        }
    }

    #[test]
    fn a_cover_that_has_begun_may_still_be_entered() {
        let now = tokyo(2026, 12, 24, 20, 0);
        assert!(cover_interval("2026-12-24", "18:00", "08:30", now).is_ok());
        assert_eq!(
            cover_interval("2026-12-24", "18:00", "19:00", now),
            Err(CoverProblem::Past)
        );
    }
}
