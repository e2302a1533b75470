//! Time as the wrapper hands it over (milliseconds since the Unix epoch), written as the
//! ISO-8601 text n8n users see (`2026-01-31T12:34:56.789Z`, like JavaScript's
//! `toISOString`). The core never reads a clock itself.

/// Formats epoch milliseconds as ISO-8601 UTC with milliseconds. Values outside years
/// 0000-9999, and NaN, are clamped to that range.
pub fn iso8601(epoch_ms: f64) -> String {
    const MIN_MS: f64 = -62_167_219_200_000.0; // 0000-01-01T00:00:00.000Z
    const MAX_MS: f64 = 253_402_300_799_999.0; // 9999-12-31T23:59:59.999Z
    let ms = if epoch_ms.is_nan() { 0.0 } else { epoch_ms.clamp(MIN_MS, MAX_MS) }.floor() as i64;
    let days = ms.div_euclid(86_400_000);
    let ms_of_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    // Written digit by digit: this runs once per answer, and `format!` with padding costs
    // several times more.
    let mut out = String::with_capacity(24);
    let parts: [(i64, usize, char); 7] = [
        (year, 4, '-'),
        (i64::from(month), 2, '-'),
        (i64::from(day), 2, 'T'),
        (ms_of_day / 3_600_000, 2, ':'),
        (ms_of_day / 60_000 % 60, 2, ':'),
        (ms_of_day / 1000 % 60, 2, '.'),
        (ms_of_day % 1000, 3, 'Z'),
    ];
    for (value, width, separator) in parts {
        let value = value.unsigned_abs();
        for place in (0..width as u32).rev() {
            out.push(char::from(b'0' + (value / 10u64.pow(place) % 10) as u8));
        }
        out.push(separator);
    }
    out
}

/// Reads back what [`iso8601`] writes (`YYYY-MM-DDTHH:MM:SS.mmmZ`, milliseconds optional):
/// epoch milliseconds, or `None` for any other text.
pub fn parse_iso8601(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !separators.iter().all(|&(at, sep)| b.get(at) == Some(&sep)) {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    let millis = match &b[19..] {
        b"Z" => 0,
        [b'.', _, _, _, b'Z'] => digits(20, 3)?,
        _ => return None,
    };
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // A day that does not exist (month 13, 31 April, 29 February of a common year) comes
    // back as another one.
    let days = days_from_civil(year, month as u32, day as u32);
    if civil_from_days(days) != (year, month as u32, day as u32) {
        return None;
    }
    Some((((days * 24 + hour) * 60 + minute) * 60 + second) as f64 * 1000.0 + millis as f64)
}

/// The inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_javascript_to_iso_string() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_795_642_441_781.0), "2026-11-25T21:34:01.781Z");
        assert_eq!(iso8601(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(-1.0), "1969-12-31T23:59:59.999Z");
        assert_eq!(iso8601(4_107_542_399_999.0), "2100-02-28T23:59:59.999Z");
    }

    /// Every day from 0000-03-01 to 9999-12-31, against a calendar that counts one day at a
    /// time: the era arithmetic is right in every century, leap day and year end.
    #[test]
    fn every_day_of_the_calendar_is_the_next_one() {
        let is_leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let month_days = |y: i64, m: u32| match m {
            2 if is_leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let (mut y, mut m, mut d) = (0i64, 3u32, 1u32);
        for days in -719_468..=2_932_896 {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            d += 1;
            if d > month_days(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
        assert_eq!((y, m, d), (10_000, 1, 1));
    }

    #[test]
    fn reads_back_what_it_writes_and_nothing_else() {
        for ms in [0.0, -1.0, 1_795_642_441_781.0, 951_782_400_000.0, 4_107_542_399_999.0, -62_167_219_200_000.0] {
            assert_eq!(parse_iso8601(&iso8601(ms)), Some(ms), "{}", iso8601(ms));
        }
        assert_eq!(parse_iso8601("2026-12-05T00:00:00Z"), Some(1_796_428_800_000.0));
        for bad in ["", "2026-12-05", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-12-00T00:00:00Z", "2026-12-05T24:00:00Z", "2026-12-05T00:60:00Z", "2026-12-05T00:00:60Z", "2026-12-05T00:00:00.5Z", "2026-12-05 00:00:00Z", "2026-12-05T00:00:00+01:00", "２026-12-05T00:00:00Z"] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn writes_each_part_of_the_time() {
        // 23:59:59.999 and 10:10:10.010: every field at its largest, and with a zero digit.
        assert_eq!(iso8601(86_399_999.0), "1970-01-01T23:59:59.999Z");
        assert_eq!(iso8601(36_610_010.0), "1970-01-01T10:10:10.010Z");
        assert_eq!(iso8601(-62_162_035_200_000.0 + 3_723_004.0), "0000-03-01T01:02:03.004Z");
    }

    #[test]
    fn clamps_nonsense() {
        assert_eq!(iso8601(f64::NAN), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(f64::INFINITY), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso8601(f64::NEG_INFINITY), "0000-01-01T00:00:00.000Z");
    }
}
