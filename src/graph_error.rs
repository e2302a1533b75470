//! Meta's Graph API error body and what each common code means for the user.
//!
//! `{"error":{"message","type","code","error_subcode","error_user_title","error_user_msg",
//! "fbtrace_id","is_transient"}}`

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphError {
    pub message: String,
    pub error_type: Option<String>,
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    pub user_title: Option<String>,
    pub user_message: Option<String>,
    pub fbtrace_id: Option<String>,
    pub is_transient: bool,
}

/// What a code means for sending: may the same request be sent again?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Meta refused because of throttling: the message was not accepted.
    RateLimited,
    /// Meta reported a temporary failure: the message was not accepted.
    Transient,
    /// Anything else: sending again gives the same answer.
    Permanent,
}

pub const RATE_LIMIT_CODES: [i64; 6] = [4, 17, 32, 613, 80002, 80006];
pub const TRANSIENT_CODES: [i64; 2] = [1, 2];

/// The `reason` of Meta's outside-the-window refusals (code 10), whose hint depends on
/// what was sent: see [`outside_window_hint`].
pub const OUTSIDE_WINDOW: &str = "outside_window";

/// Outside the 24-hour window, for messages that can carry the HUMAN_AGENT tag.
const OUTSIDE_WINDOW_HINT: &str = "Outside the messaging window: Instagram allows replies only within 24 hours of the \
    person's last message to your account. A person on your team may still answer up \
    to 7 days after it: send with Messaging Type: Message Tag and Tag: HUMAN_AGENT (the \
    Human Agent feature must be approved in App Review). If this send already carried \
    HUMAN_AGENT, those 7 days have passed too: wait until they write again.";

/// What an operation can do about the messaging window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowKind {
    /// A message that can carry the HUMAN_AGENT tag (the hint table's text).
    Taggable,
    /// A private reply: once per comment, within 7 days of it, never tagged.
    PrivateReply,
    /// A reaction or sender action: no tag, only within 24 hours.
    Untagged,
}

/// The outside-the-window hint for what was sent.
pub fn outside_window_hint(kind: WindowKind) -> &'static str {
    match kind {
        WindowKind::Taggable => OUTSIDE_WINDOW_HINT,
        WindowKind::PrivateReply => {
            "Outside the private-reply window: Instagram takes one private reply per comment, within 7 \
             days of the comment. This comment is older, or was answered already; no message tag changes \
             that. Answer in the conversation once the person writes to you."
        }
        WindowKind::Untagged => {
            "Outside the messaging window: reactions and sender actions are allowed only within 24 hours \
             of the person's last message to your account, and take no message tag. Wait until they write \
             again."
        }
    }
}

/// One row of the hint table: a code, optionally narrowed to subcodes, what it means in a
/// word (a stable `reason` workflows and AI agents can branch on), and the hint.
pub struct HintRow {
    pub code: i64,
    /// Empty: any subcode.
    pub subcodes: &'static [i64],
    pub reason: &'static str,
    pub hint: &'static str,
}

/// The hint table, most specific rows first. Each row has a test.
pub const HINTS: &[HintRow] = &[
    HintRow {
        code: 10,
        subcodes: &[2534022, 2018278],
        reason: OUTSIDE_WINDOW,
        hint: OUTSIDE_WINDOW_HINT,
    },
    HintRow {
        code: 100,
        subcodes: &[2018008],
        reason: "media_unreachable",
        hint: "Meta could not fetch the media from its URL: the address must be public https with \
               a valid certificate, answer quickly, and serve a file within Instagram's limits \
               (images 8 MB; audio, video and files 25 MB).",
    },
    HintRow {
        code: 100,
        subcodes: &[2018047],
        reason: "media_type_mismatch",
        hint: "The Media Type does not match the file at the URL: set it to what the file is \
               (image, video, audio or file).",
    },
    HintRow {
        code: 100,
        subcodes: &[2018074],
        reason: "unknown_attachment",
        hint: "Meta does not know this attachment ID for your account: it may be mistyped, \
               uploaded by another Page or app, or older than 90 days. Upload the media again \
               with Upload Attachment.",
    },
    HintRow {
        code: 100,
        subcodes: &[2018109],
        reason: "file_too_large",
        hint: "The file is larger than Instagram accepts: images up to 8 MB; audio, video and \
               files up to 25 MB. Compress it or send a link instead.",
    },
    HintRow {
        code: 100,
        subcodes: &[2018294],
        reason: "media_timeout",
        hint: "Meta could not fetch or process the video in time (75 seconds): serve it from a \
               faster host, make it smaller, or check that it is not corrupted.",
    },
    HintRow {
        code: 100,
        subcodes: &[2534025],
        reason: "comment_not_repliable",
        hint: "Meta does not accept a private reply to this comment: each comment takes one \
               private reply, sent within 7 days of the comment (during the broadcast for live \
               comments), on a post or reel of this account. Use the comment ID from the \
               comments webhook.",
    },
    HintRow {
        code: 100,
        subcodes: &[2534015],
        reason: "content_not_allowed",
        hint: "Meta does not accept this message content here: check that the attachment type \
               matches the media, and that this kind of message is allowed for the recipient \
               (private replies are documented for text).",
    },
    HintRow {
        code: 10,
        subcodes: &[2018108],
        reason: "cannot_receive_now",
        hint: "This person cannot receive messages from your account right now.",
    },
    HintRow {
        code: 100,
        subcodes: &[2018001, 2534014],
        reason: "no_matching_user",
        hint: "No matching user: the User ID must be the Instagram-scoped ID (IGSID) that \
               webhooks and the Conversations API give for this person, not their public \
               Instagram user ID or username.",
    },
    HintRow {
        code: 100,
        subcodes: &[2534013],
        reason: "page_not_linked",
        hint: "The Facebook Page is not linked to the Instagram professional account: link them \
               in Meta Business Suite (Settings > Instagram accounts) and try again.",
    },
    HintRow {
        code: 190,
        subcodes: &[463],
        reason: "token_expired",
        hint: "The access token has expired (Meta's subcode 463): paste a new token into the Instagram \
               credential. Instagram Login tokens last 60 days unless refreshed; with Facebook Login, a Page \
               token obtained with a long-lived user token does not expire (README: Tokens that last).",
    },
    HintRow {
        code: 190,
        subcodes: &[],
        reason: "token_invalid",
        hint: "The access token is invalid or has expired: generate a new token and update \
               (reconnect) the Instagram credential.",
    },
    HintRow {
        code: 200,
        subcodes: &[],
        reason: "permission_missing",
        hint: "Permission missing: the token needs instagram_manage_messages (Facebook Login) or \
               instagram_business_manage_messages (Instagram Login), the app must be live or the \
               recipient a tester, and message access must be allowed in the Instagram app's \
               settings (Connected tools).",
    },
    HintRow {
        code: 551,
        subcodes: &[],
        reason: "person_unavailable",
        hint: "This person is unavailable: they may have blocked your account, deactivated theirs \
               or turned off messages from businesses.",
    },
    HintRow {
        code: 2018300,
        subcodes: &[],
        reason: "thread_controlled_elsewhere",
        hint: "Another app controls this conversation (handover protocol): pass thread control \
               to this app first.",
    },
    HintRow { code: 4, subcodes: &[], reason: "rate_limited", hint: RATE_LIMIT_HINT },
    HintRow { code: 17, subcodes: &[], reason: "rate_limited", hint: RATE_LIMIT_HINT },
    HintRow { code: 32, subcodes: &[], reason: "rate_limited", hint: RATE_LIMIT_HINT },
    HintRow { code: 613, subcodes: &[], reason: "rate_limited", hint: RATE_LIMIT_HINT },
    HintRow { code: 80002, subcodes: &[], reason: "rate_limited", hint: RATE_LIMIT_HINT },
    HintRow { code: 80006, subcodes: &[], reason: "rate_limited", hint: RATE_LIMIT_HINT },
    HintRow {
        code: 1,
        subcodes: &[],
        reason: "temporary",
        hint: "A temporary error at Meta: it was retried; if it persists, try again later.",
    },
    HintRow {
        code: 2,
        subcodes: &[],
        reason: "temporary",
        hint: "Meta's service is temporarily unavailable: it was retried; try again later.",
    },
];

// Labels of the node's options that the hints quote, each written once: `concat!` needs
// literals, so each label is a macro, and the constants the catalog exports expand it.
macro_rules! messages_per_second_label {
    () => {
        "Messages Per Second"
    };
}
macro_rules! max_retries_label {
    () => {
        "Max Retries"
    };
}
pub const MESSAGES_PER_SECOND_OPTION_LABEL: &str = messages_per_second_label!();
pub const MAX_RETRIES_OPTION_LABEL: &str = max_retries_label!();

const RATE_LIMIT_HINT: &str = concat!(
    "Rate limit reached: Meta is throttling this app or Instagram account. The node waited and \
     retried; lower the ",
    messages_per_second_label!(),
    " option, raise ",
    max_retries_label!(),
    ", or spread the sends over time."
);

const APPSECRET_PROOF_HINT: &str = "Meta rejected the appsecret_proof: check that the App Secret \
    in the credential belongs to the same Meta app that issued the access token.";

impl GraphError {
    /// Reads Meta's error body. `None` when the body is not a Graph API error.
    pub fn parse(body: &str) -> Option<GraphError> {
        #[derive(Deserialize)]
        struct Envelope {
            error: Value,
        }
        let envelope: Envelope = serde_json::from_str(body).ok()?;
        let error = envelope.error.as_object()?;
        let text = |key: &str| error.get(key).and_then(Value::as_str).map(str::to_string);
        let number = |key: &str| {
            error.get(key).and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
        };
        let message = text("message").filter(|m| !m.trim().is_empty())?;
        Some(GraphError {
            message,
            error_type: text("type"),
            code: number("code"),
            subcode: number("error_subcode"),
            user_title: text("error_user_title"),
            user_message: text("error_user_msg"),
            fbtrace_id: text("fbtrace_id"),
            is_transient: error.get("is_transient").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    pub fn class(&self) -> Class {
        match self.code {
            Some(code) if RATE_LIMIT_CODES.contains(&code) => Class::RateLimited,
            Some(code) if TRANSIENT_CODES.contains(&code) => Class::Transient,
            _ if self.is_transient => Class::Transient,
            _ => Class::Permanent,
        }
    }

    /// The hint table's row for this error, if any.
    fn row(&self) -> Option<&'static HintRow> {
        let code = self.code?;
        HINTS.iter().find(|row| {
            row.code == code && (row.subcodes.is_empty() || self.subcode.is_some_and(|s| row.subcodes.contains(&s)))
        })
    }

    fn is_appsecret_proof_error(&self) -> bool {
        self.code == Some(100) && self.message.contains("appsecret_proof")
    }

    pub fn hint(&self) -> Option<&'static str> {
        match self.row() {
            Some(row) => Some(row.hint),
            None if self.is_appsecret_proof_error() => Some(APPSECRET_PROOF_HINT),
            None => None,
        }
    }

    /// What the error means in a word: the hint table's reason, `invalid_appsecret_proof`,
    /// `temporary` for other transient errors, or `api_error`.
    pub fn reason(&self) -> &'static str {
        match self.row() {
            Some(row) => row.reason,
            None if self.is_appsecret_proof_error() => "invalid_appsecret_proof",
            None if self.class() == Class::Transient => "temporary",
            None => "api_error",
        }
    }
}
