//! Meta's Graph API versions and the day each stops being served: the one table the product
//! keeps of them. A call made with a version past its end is answered by the oldest version
//! still live, so a workflow keeps running, on a version its author never chose; the node
//! says so in its output and names a current version.
//!
//! Source: Meta's Graph API changelog ("Available until" of each version), as of
//! 2026-12-04, copied from `meta-instagram-messaging.md`, which collected it. The dates
//! were not checked against Meta's servers: the imitation, not Meta, answers here.

use serde::Serialize;

use crate::clock::parse_iso8601;

/// When this table was last compared with Meta's changelog.
pub const TABLE_AS_OF: &str = "2026-12-04";

/// Each version and the first day (UTC) Meta no longer serves it, oldest first.
pub const VERSION_ENDS: [(&str, &str); 8] = [
    ("v18.0", "2026-01-26"),
    ("v19.0", "2026-05-21"),
    ("v20.0", "2026-09-24"),
    ("v21.0", "2027-01-21"),
    ("v22.0", "2027-05-20"),
    ("v23.0", "2027-10-08"),
    ("v24.0", "2028-02-18"),
    ("v25.0", "2028-07-29"),
];

/// The newest version, released 2026-07-29; no end date yet.
pub const NEWEST_VERSION: &str = "v26.0";

/// What the node says about a version that has ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionEnded {
    pub version: String,
    /// The day it ended (`None`: before the table's first entry).
    pub ended: Option<&'static str>,
    /// The version Meta answers it with: the oldest one still live.
    pub served_as: &'static str,
    pub suggested: &'static str,
    pub message: String,
}

fn parse(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.strip_prefix('v')?.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// `version` (as the credential holds it, already checked to be `vN.M`) on the day of
/// `today` (an ISO-8601 date or timestamp: only its first ten characters are read). `None`
/// while the version is live, when it is newer than the table, or when `today` is not a date.
pub fn ended(version: &str, today: &str) -> Option<VersionEnded> {
    let day = today.get(..10).filter(|day| is_iso_day(day))?;
    let wanted = parse(version)?;
    let (oldest, _) = VERSION_ENDS[0];
    let ended = if wanted < parse(oldest)? {
        None
    } else {
        let (_, end) = VERSION_ENDS.iter().find(|(listed, _)| parse(listed) == Some(wanted))?;
        (day >= *end).then_some(*end)?;
        Some(*end)
    };
    let served_as = VERSION_ENDS.iter().find(|(_, end)| day < *end).map_or(NEWEST_VERSION, |(listed, _)| *listed);
    let when = ended.map_or_else(|| format!("before {}", VERSION_ENDS[0].1), |end| format!("on {end}"));
    Some(VersionEnded {
        version: version.to_string(),
        ended,
        served_as,
        suggested: NEWEST_VERSION,
        message: format!(
            "Graph API {version} reached its end {when}: Meta now answers its calls as {served_as}, the oldest \
             version it still serves. Set API Version in the credential to {NEWEST_VERSION}, the newest."
        ),
    })
}

/// A calendar day `YYYY-MM-DD`, read by the clock's one ISO-8601 reader.
fn is_iso_day(day: &str) -> bool {
    day.len() == 10 && parse_iso8601(&format!("{day}T00:00:00Z")).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_live_until_the_day_before_its_end_and_ended_from_that_day() {
        assert_eq!(ended("v18.0", "2026-01-25T23:59:59.999Z"), None);
        let over = ended("v18.0", "2026-01-26T00:00:00.000Z").unwrap();
        assert_eq!((over.ended, over.served_as, over.suggested), (Some("2026-01-26"), "v19.0", "v26.0"));
        assert_eq!(ended("v25.0", "2028-07-28T23:59:59.999Z"), None);
        assert_eq!(ended("v25.0", "2028-07-29T00:00:00.000Z").unwrap().served_as, "v26.0");
    }

    #[test]
    fn names_the_oldest_live_version_as_the_one_meta_serves() {
        let today = "2026-12-05T03:00:00.000Z";
        for old in ["v18.0", "v19.0", "v20.0"] {
            let over = ended(old, today).unwrap();
            assert_eq!(over.served_as, "v21.0", "{old}");
            assert!(over.message.contains("as v21.0") && over.message.contains("to v26.0"), "{}", over.message);
        }
        assert_eq!(ended("v21.0", today), None);
        assert_eq!(ended("v26.0", today), None);
    }

    #[test]
    fn versions_older_than_the_table_have_ended_and_newer_ones_are_not_judged() {
        let over = ended("v17.0", "2026-01-01").unwrap();
        assert_eq!(over.ended, None);
        assert!(over.message.contains("end before 2026-01-26"), "{}", over.message);
        assert_eq!(over.served_as, "v18.0");
        assert_eq!(ended("v27.0", "2030-01-01"), None);
        assert_eq!(ended("v18.5", "2030-01-01"), None, "not a version Meta published");
    }

    #[test]
    fn says_nothing_without_a_date() {
        assert_eq!(ended("v18.0", ""), None);
        assert_eq!(ended("v18.0", "yesterday"), None);
        assert_eq!(ended("v18.0", "2026/12/05"), None);
        // One dash missing: each of the three checks holds on its own.
        assert_eq!(ended("v18.0", "2030x12-05"), None);
        assert_eq!(ended("v18.0", "2030-12x05"), None);
        assert_eq!(ended("v18.0", "2030-1a-05"), None);
    }

    #[test]
    fn the_table_is_in_order_with_the_default_version_first() {
        assert_eq!(VERSION_ENDS[0].0, crate::credentials::DEFAULT_API_VERSION);
        for pair in VERSION_ENDS.windows(2) {
            assert!(parse(pair[0].0) < parse(pair[1].0) && pair[0].1 < pair[1].1, "{pair:?}");
        }
        assert!(parse(VERSION_ENDS[VERSION_ENDS.len() - 1].0) < parse(NEWEST_VERSION));
    }

    #[test]
    fn the_readme_shows_the_same_end_dates() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let section = &readme[readme.find("### API versions").unwrap()..];
        let section = &section[..section.find("### Tokens that last").unwrap()];
        let cells: Vec<&str> = section.split('|').map(str::trim).collect();
        let shown: Vec<(&str, &str)> = cells
            .windows(2)
            .filter(|pair| parse(pair[0]).is_some() && is_iso_day(pair[1]))
            .map(|p| (p[0], p[1]))
            .collect();
        let mut shown = shown;
        shown.sort_by_key(|(version, _)| parse(version));
        assert_eq!(shown, VERSION_ENDS.to_vec());
        assert!(section.contains(&format!("{NEWEST_VERSION} (July 2026) is the newest")));
        assert!(section.contains("as of 4 Dec 2026") && TABLE_AS_OF == "2026-12-04");
    }
}
