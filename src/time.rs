//! Times and durations people type or read: unix seconds ⇄ RFC 3339, and `--for` durations.
//!
//! All through `jiff` (RFC 3339 with any offset, and its "friendly" duration format);
//! `humantime` would be smaller but reads only UTC (`Z`) times, and `--at` takes offsets.

use std::str::FromStr;
use std::time::Duration;

use jiff::{SpanRelativeTo, Timestamp};

/// The longest `--for` / `unlock_for`: an agent never stays more than a week.
const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Formats unix seconds as a TOML/RFC 3339 UTC datetime (`2026-11-24T10:15:00Z`). Instants
/// before year 0 or after year 9999 (which RFC 3339 cannot write) are clamped to those years.
pub fn to_datetime(unix: i64) -> toml::value::Datetime {
    // Year 0000-01-01T00:00:00Z, the first instant RFC 3339 can write.
    const MIN: i64 = -62_167_219_200;
    let unix = unix.clamp(MIN, Timestamp::MAX.as_second());
    let ts = Timestamp::from_second(unix).expect("clamped into jiff's range");
    toml::value::Datetime::from_str(&ts.to_string()).expect("jiff writes RFC 3339")
}

/// Unix seconds of a datetime that has a date, a time and an offset; `None` otherwise (a local
/// datetime or a bare date or time says no instant).
pub fn from_datetime(dt: &toml::value::Datetime) -> Option<i64> {
    dt.offset?;
    let ts: Timestamp = dt.to_string().parse().ok()?;
    Some(ts.as_second())
}

/// Parses `--at`: unix seconds, or an RFC 3339 date-time with an offset
/// (`2026-11-24T10:15:00Z`, `2026-11-24T11:15:00+01:00`).
pub fn parse_time(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    let ts: Timestamp = text.parse().map_err(|_| {
        format!(
            "invalid time {text:?}: expected unix seconds or RFC 3339 like 2026-11-24T10:15:00Z"
        )
    })?;
    u64::try_from(ts.as_second()).map_err(|_| format!("invalid time {text:?}: before 1970"))
}

/// Parses `--for` and `unlock_for`: `90s`, `15m`, `8h`, `1d`, or sums like `1h30m` (jiff's
/// friendly format, where a day is 24 hours). At least 1 second, at most 7 days.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(authcli::time::parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
/// assert!(authcli::time::parse_duration("8d").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration {text:?}: expected e.g. 30s, 15m, 8h or 1h30m");
    let span: jiff::Span = text.trim().parse().map_err(|_| bad())?;
    let signed = span
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|_| bad())?;
    let duration = Duration::try_from(signed).map_err(|_| bad())?;
    if duration < Duration::from_secs(1) {
        return Err(format!("duration {text:?} is shorter than 1 second"));
    }
    if duration > MAX_DURATION {
        return Err(format!("duration {text:?} is longer than 7 days"));
    }
    Ok(duration)
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
            let dt = to_datetime(unix);
            assert_eq!(dt.to_string(), text);
            assert_eq!(from_datetime(&dt), Some(unix));
            assert_eq!(parse_time(text).unwrap(), u64::try_from(unix).unwrap());
        }
        // `date -u -d @-1 +%FT%TZ`: before 1970 is written, but `--at` refuses it.
        assert_eq!(to_datetime(-1).to_string(), "1969-12-31T23:59:59Z");
        // Out of RFC 3339's years: clamped, never a panic.
        assert!(to_datetime(i64::MAX).to_string().starts_with("9999-12-"));
        assert_eq!(to_datetime(i64::MIN).to_string(), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn offsets_and_errors() {
        assert_eq!(
            parse_time("2009-02-14T00:31:30+01:00").unwrap(),
            1_234_567_890
        );
        let dt = toml::value::Datetime::from_str("2009-02-13T18:31:30-05:00").unwrap();
        assert_eq!(from_datetime(&dt), Some(1_234_567_890));
        // TOML allows leaving out the seconds; `date -u -d @1795515300 +%FT%TZ` is 10:15:00.
        let dt = toml::value::Datetime::from_str("2026-11-24T10:15Z").unwrap();
        assert_eq!(from_datetime(&dt), Some(1_795_515_300));
        for local in ["2009-02-13T23:31:30", "2009-02-13", "23:31:30"] {
            let dt = toml::value::Datetime::from_str(local).unwrap();
            assert_eq!(from_datetime(&dt), None, "{local}");
        }
        assert_eq!(parse_time("1234567890").unwrap(), 1_234_567_890);
        assert!(parse_time("2009-02-14").is_err());
        assert!(parse_time("yesterday").is_err());
        assert_eq!(
            parse_time("1969-12-31T23:59:59Z").unwrap_err(),
            "invalid time \"1969-12-31T23:59:59Z\": before 1970"
        );
    }

    #[test]
    fn durations() {
        for (text, secs) in [
            ("15m", 900),
            ("2s", 2),
            ("90s", 90),
            ("8h", 8 * 3600),
            ("1h30m", 5400),
            (" 1d ", 86_400),
            ("7d", 7 * 86_400),
        ] {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_secs(secs)),
                "{text}"
            );
        }
        for bad in [
            "",
            "15",
            "m",
            "0s",
            "0.5s",
            "1x",
            "-1s",
            "8d",
            "7d1s",
            "1mo",
            "99999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_duration("soon").unwrap_err(),
            "invalid duration \"soon\": expected e.g. 30s, 15m, 8h or 1h30m"
        );
        assert_eq!(
            parse_duration("8d").unwrap_err(),
            "duration \"8d\" is longer than 7 days"
        );
    }
}
