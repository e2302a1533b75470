//! Keeps secrets out of every string that leaves the core. Text that came from outside
//! (Meta's error messages, the HTTP client's error text) may echo a request; it passes
//! through [`Redactor::clean`] before it reaches an output item or an error.

pub const REDACTED: &str = "[redacted]";

#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// `secrets`: the access token, the app secret and the full proof. Every non-empty
    /// value counts, however short: a garbled message beats a leaked secret.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    pub fn clean(&self, text: &str) -> String {
        let mut cleaned = text.to_string();
        for secret in &self.secrets {
            if cleaned.contains(secret.as_str()) {
                cleaned = cleaned.replace(secret.as_str(), REDACTED);
            }
        }
        redact_credential_parameters(&cleaned)
    }
}

/// Blanks the values of query or form parameters that carry credentials, wherever a URL
/// or a request dump shows them: `access_token=…`, `appsecret_proof=…`, `client_secret=…`,
/// and `Bearer …` header values.
fn redact_credential_parameters(text: &str) -> String {
    const MARKERS: [&str; 5] =
        ["access_token=", "appsecret_proof=", "client_secret=", "oauth_token=", "Bearer "];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        let next = MARKERS
            .iter()
            .filter_map(|m| rest.find(m).map(|at| (at, *m)))
            .min_by_key(|(at, _)| *at);
        let Some((at, marker)) = next else { break 'scan };
        let value_start = at + marker.len();
        out.push_str(&rest[..value_start]);
        // A value runs to the first character no token, proof or URL value holds; an
        // already redacted value starts with '[' and so is never redacted again.
        let value_len = rest[value_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~%+/=|".contains(c)))
            .unwrap_or(rest.len() - value_start);
        if value_len > 0 {
            out.push_str(REDACTED);
        }
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_secret_everywhere() {
        let r = Redactor::new(["TOKEN123", "SECRET456"]);
        assert_eq!(r.clean("a TOKEN123 b SECRET456 c TOKEN123"), "a [redacted] b [redacted] c [redacted]");
    }

    #[test]
    fn blanks_credential_parameters_in_urls_and_headers() {
        let r = Redactor::new([]);
        assert_eq!(
            r.clean("GET https://x/me?access_token=tok12&appsecret_proof=ab12cd&x=1 failed"),
            "GET https://x/me?access_token=[redacted]&appsecret_proof=[redacted]&x=1 failed"
        );
        assert_eq!(r.clean("Authorization: Bearer tokxyz"), "Authorization: Bearer [redacted]");
    }

    #[test]
    fn leaves_empty_and_already_redacted_parameters_as_they_are() {
        let r = Redactor::new([]);
        assert_eq!(r.clean("x?access_token=&y=1"), "x?access_token=&y=1");
        assert_eq!(r.clean("appsecret_proof=[redacted] then Bearer "), "appsecret_proof=[redacted] then Bearer ");
        assert_eq!(r.clean("Bearer abc.def"), "Bearer [redacted]");
    }

    #[test]
    fn debug_output_says_how_many_secrets_and_shows_none() {
        let r = Redactor::new(["TOKEN123", "SECRET456", ""]);
        assert_eq!(format!("{r:?}"), "Redactor(2 secrets)");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let r = Redactor::new(["TOKEN123"]);
        assert_eq!(r.clean("Invalid parameter"), "Invalid parameter");
        assert_eq!(r.clean(""), "");
    }

    #[test]
    fn redacts_even_short_secrets() {
        let r = Redactor::new(["an", ""]);
        assert_eq!(r.clean("banana"), "b[redacted][redacted]a");
    }
}
