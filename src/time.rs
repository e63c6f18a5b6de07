//! Unix seconds ⇄ RFC 3339, without a date-time dependency (toml's `Datetime` does the parsing).

use std::str::FromStr;

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u8::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u8::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Formats unix seconds as a TOML/RFC 3339 UTC datetime (`2026-11-24T10:15:00Z`).
pub fn to_datetime(unix: i64) -> toml::value::Datetime {
    let (y, mo, d) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    let text = format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    toml::value::Datetime::from_str(&text).expect("well-formed datetime")
}

/// Unix seconds of a datetime that has a date, a time and an offset; `None` otherwise.
pub fn from_datetime(dt: &toml::value::Datetime) -> Option<i64> {
    let date = dt.date?;
    let time = dt.time?;
    let offset_min = match dt.offset? {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => i64::from(minutes),
    };
    let days = days_from_civil(i64::from(date.year), date.month, date.day);
    Some(
        days * 86_400
            + i64::from(time.hour) * 3600
            + i64::from(time.minute) * 60
            + i64::from(time.second.unwrap_or(0))
            - offset_min * 60,
    )
}

/// Parses `--at`: unix seconds, or an RFC 3339 date-time with an offset
/// (`2026-11-24T10:15:00Z`, `2026-11-24T11:15:00+01:00`).
pub fn parse_time(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    let bad = || {
        format!(
            "invalid time {text:?}: expected unix seconds or RFC 3339 like 2026-11-24T10:15:00Z"
        )
    };
    let dt = toml::value::Datetime::from_str(text).map_err(|_| bad())?;
    let unix = from_datetime(&dt).ok_or_else(bad)?;
    u64::try_from(unix).map_err(|_| format!("invalid time {text:?}: before 1970"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_instants() {
        // Values checked with `date -u -d @N +%FT%TZ`.
        for (unix, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (59, "1970-01-01T00:00:59Z"),
            (1_111_111_109, "2005-03-18T01:58:29Z"),
            (1_234_567_890, "2009-02-13T23:31:30Z"),
            (2_000_000_000, "2033-05-18T03:33:20Z"),
            (20_000_000_000, "2603-10-11T11:33:20Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
        ] {
            assert_eq!(to_datetime(unix).to_string(), text);
            assert_eq!(parse_time(text).unwrap(), u64::try_from(unix).unwrap());
        }
    }

    #[test]
    fn offsets_and_errors() {
        assert_eq!(
            parse_time("2009-02-14T00:31:30+01:00").unwrap(),
            1_234_567_890
        );
        assert_eq!(parse_time("1234567890").unwrap(), 1_234_567_890);
        assert!(parse_time("2009-02-14").is_err());
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("1969-12-31T23:59:59Z").is_err());
    }
}
