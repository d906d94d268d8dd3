//! Time as HubSpot writes and reads it: epoch milliseconds, ISO-8601 instants with
//! milliseconds and `Z`, and `YYYY-MM-DD` dates (UTC midnight), all without a time crate.

use std::time::{SystemTime, UNIX_EPOCH};

const MS_PER_DAY: i64 = 86_400_000;

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// `2019-10-30T03:30:17.883Z`: the form of `createdAt`, `updatedAt` and datetime values.
pub(crate) fn format_iso(ms: i64) -> String {
    let (days, in_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
    let (year, month, day) = civil_from_days(days);
    let clock = TimeOfDay::from_ms(in_day);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        clock.hour, clock.minute, clock.second, clock.milli
    )
}

/// `2025-03-31`: the form HubSpot returns `date` property values in.
pub(crate) fn format_date(ms: i64) -> String {
    let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Read an instant the way HubSpot accepts one in property values and filters: epoch
/// milliseconds (`1572480000000`), a date (`2025-03-31`, meaning UTC midnight) or an
/// ISO-8601 date-time with optional seconds, fraction and zone (`Z`, `+02:00`, `+0200`;
/// none means UTC).
pub(crate) fn parse_instant(raw: &str) -> Option<i64> {
    let text = raw.trim();
    if let Some(ms) = parse_epoch_ms(text) {
        return Some(ms);
    }
    let (date, rest) = match text.find(['T', 't', ' ']) {
        Some(split) => (&text[..split], Some(&text[split + 1..])),
        None => (text, None),
    };
    let days = parse_date(date)?;
    let offset_ms = match rest {
        None => 0,
        Some(time) => parse_time_with_zone(time)?,
    };
    days.checked_mul(MS_PER_DAY)?.checked_add(offset_ms)
}

/// The UTC time of day of an instant, for HubSpot's "is at 13:1:0.0 UTC, not midnight!".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimeOfDay {
    pub(crate) hour: i64,
    pub(crate) minute: i64,
    pub(crate) second: i64,
    pub(crate) milli: i64,
}

impl TimeOfDay {
    /// The time of day of the instant `ms`.
    pub(crate) fn of(ms: i64) -> Self {
        Self::from_ms(ms.rem_euclid(MS_PER_DAY))
    }

    fn from_ms(in_day: i64) -> Self {
        Self {
            hour: in_day / 3_600_000,
            minute: in_day / 60_000 % 60,
            second: in_day / 1000 % 60,
            milli: in_day % 1000,
        }
    }

    /// Whether this is exactly midnight.
    pub(crate) fn is_midnight(self) -> bool {
        self == Self::from_ms(0)
    }
}

fn parse_epoch_ms(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `HH:MM[:SS[.fff]]` followed by an optional zone; returns ms after midnight UTC.
fn parse_time_with_zone(text: &str) -> Option<i64> {
    let (clock, offset_minutes) = if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(sign_at) = text.rfind(['+', '-']) {
        (&text[..sign_at], parse_zone(&text[sign_at..])?)
    } else {
        (text, 0)
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (clock, None),
    };
    let mut fields = hms.split(':');
    let hour = two_digits(fields.next()?)?;
    let minute = two_digits(fields.next()?)?;
    let second = match fields.next() {
        Some(second) => two_digits(second)?,
        None => 0,
    };
    if fields.next().is_some() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let milli = match fraction {
        None => 0,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            let padded = format!("{digits:0<3}");
            padded.get(..3)?.parse::<i64>().ok()?
        }
        Some(_) => return None,
    };
    Some(((hour * 60 + minute - offset_minutes) * 60 + second) * 1000 + milli)
}

fn parse_zone(zone: &str) -> Option<i64> {
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 {
        return None;
    }
    let hours = two_digits(digits.get(..2)?)?;
    let minutes = two_digits(digits.get(2..)?)?;
    Some(sign * (hours * 60 + minutes))
}

fn two_digits(text: &str) -> Option<i64> {
    if text.len() == 2 { number(text) } else { None }
}

fn number(text: &str) -> Option<i64> {
    if text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_format_iso_matches_hubspot_examples() {
        assert_eq!(format_iso(1_572_406_217_883), "2019-10-30T03:30:17.883Z");
        assert_eq!(format_iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_date(1_743_379_200_000), "2025-03-31");
    }

    #[test]
    fn timestamps_parse_accepts_epoch_dates_and_iso_forms() {
        assert_eq!(parse_instant("1572480000000"), Some(1_572_480_000_000));
        assert_eq!(parse_instant("2025-03-31"), Some(1_743_379_200_000));
        assert_eq!(parse_instant("2025-03-31T00:00:00Z"), Some(1_743_379_200_000));
        assert_eq!(parse_instant("2019-10-30T03:30:17.883Z"), Some(1_572_406_217_883));
        assert_eq!(parse_instant("2019-10-30T05:30:17.883+02:00"), Some(1_572_406_217_883));
        assert_eq!(parse_instant("2019-10-30T03:30"), Some(1_572_406_200_000));
        assert_eq!(parse_instant("2019-10-30T03:30:17.8Z"), Some(1_572_406_217_800));
        assert_eq!(parse_instant("1960-01-01"), Some(-315_619_200_000));
    }

    #[test]
    fn timestamps_parse_rejects_malformed_input() {
        for raw in [
            "",
            "abc",
            "2025-13-01",
            "2025-02-30",
            "2025-3-1",
            "2025-03-31T25:00Z",
            "2025-03-31T10:00:00+2",
            "12.5",
            "2025-03-31T10:00:00.Z",
            "--5",
        ] {
            assert_eq!(parse_instant(raw), None, "{raw}");
        }
    }

    #[test]
    fn timestamps_round_trip_over_a_wide_range() {
        for ms in [-62_135_596_800_000, -1, 0, 951_782_400_000, 4_102_444_800_123] {
            assert_eq!(parse_instant(&format_iso(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn timestamps_time_of_day_reports_hubspot_style_fields() {
        let clock = TimeOfDay::of(1_579_179_660_000);
        assert_eq!((clock.hour, clock.minute, clock.second, clock.milli), (13, 1, 0, 0));
        assert!(!clock.is_midnight());
        assert!(TimeOfDay::of(1_743_379_200_000).is_midnight());
    }
}
