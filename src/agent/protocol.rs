//! The key agent's protocol: one JSON line each way, versioned. Four requests only: `unwrap`
//! (age stanzas → the file key, or "not mine"), `wrap` (a file key → a scrypt stanza under the
//! agent's passphrase), `status` and `lock`. No account, code or TOTP secret is part of it.
//!
//! Lines that carry a file key are read and written through zeroizing buffers ([`SecretBuf`],
//! [`read_line`]); the file key itself travels as base64 in a zeroizing string.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use age_core::format::{FileKey, Stanza};
use age_core::secrecy::ExposeSecret;
use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::AgentError;

/// The protocol version spoken here. Version 3 is the key agent; an agent of another version
/// answers `bad-request`, and the client then unlocks as if there were no agent.
pub const VERSION: u32 = 4;

/// The longest request or reply line accepted (a header has a few stanzas of ~100 bytes).
pub const MAX_LINE: u64 = 64 << 10;

/// How long a connection may take to send its whole request; then it is dropped.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(2);

/// How long a client waits for an answer: an `unwrap` or `wrap` may run scrypt (about a second
/// at the work factor authcli writes, up to 16 times that for a vault written elsewhere).
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(60);

/// A request: `{"v":3,"op":"unwrap","stanzas":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Protocol version.
    pub v: u32,
    /// The operation.
    #[serde(flatten)]
    pub op: Op,
}

impl Request {
    /// A request in the current version.
    pub fn new(op: Op) -> Self {
        Self { v: VERSION, op }
    }
}

/// The operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum Op {
    /// The file key these stanzas (one age header's) wrap, if the agent's passphrase opens them:
    /// [`Body::FileKey`] or [`Body::NotMine`].
    Unwrap {
        /// The header's recipient stanzas.
        stanzas: Vec<WireStanza>,
    },
    /// A scrypt stanza wrapping this file key under the agent's passphrase: [`Body::Stanza`].
    Wrap {
        /// The file key, base64.
        file_key: Zeroizing<String>,
    },
    /// Hold this file key, which the agent first checks against the vault file as it is now
    /// (a key-based vault's agent, after a write or an unwrap by the identity): [`Body::Kept`].
    Keep {
        /// The file key, base64.
        file_key: Zeroizing<String>,
    },
    /// Which vault, until when, whether memory is locked.
    Status,
    /// Exit now.
    Lock,
}

/// Reply bodies, told apart by `"reply"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "kebab-case")]
pub enum Body {
    /// For `unwrap`: the file key, base64.
    FileKey {
        /// The file key.
        file_key: Zeroizing<String>,
    },
    /// For `unwrap`: the agent's passphrase does not open these stanzas.
    NotMine,
    /// For `wrap`.
    Stanza {
        /// The new scrypt stanza.
        stanza: WireStanza,
    },
    /// For `status`.
    Status {
        /// The vault (canonical path).
        vault: PathBuf,
        /// Unix seconds when the agent exits.
        until: u64,
        /// The agent's process id.
        pid: u32,
        /// Whether its key memory is locked (kept out of swap), in a few words.
        memory: String,
    },
    /// For `keep`.
    Kept,
    /// For `lock`.
    Locked,
    /// Anything refused.
    Error {
        /// What kind of refusal.
        kind: ErrorKind,
        /// For people.
        error: String,
    },
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// A malformed request or an unknown version.
    BadRequest,
    /// The stanza asks for more scrypt work than authcli accepts.
    ExcessiveWork,
    /// Anything else (scrypt failed, no room for another key).
    Failed,
}

/// A reply: `{"v":3,"reply":"file-key","file_key":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// Protocol version.
    pub v: u32,
    /// The answer.
    #[serde(flatten)]
    pub body: Body,
}

impl Reply {
    /// A reply in the current version.
    pub fn new(body: Body) -> Self {
        Self { v: VERSION, body }
    }

    /// An error reply.
    pub fn error(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::new(Body::Error {
            kind,
            error: message.into(),
        })
    }
}

/// An age stanza on the wire: its tag, arguments and body (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireStanza {
    /// `scrypt`, `X25519`, …
    pub tag: String,
    /// The arguments.
    pub args: Vec<String>,
    /// The body, base64 (standard, padded).
    pub body: String,
}

impl From<&Stanza> for WireStanza {
    fn from(s: &Stanza) -> Self {
        Self {
            tag: s.tag.clone(),
            args: s.args.clone(),
            body: BASE64.encode(&s.body),
        }
    }
}

impl TryFrom<&WireStanza> for Stanza {
    type Error = String;

    fn try_from(s: &WireStanza) -> Result<Self, String> {
        Ok(Self {
            tag: s.tag.clone(),
            args: s.args.clone(),
            body: BASE64
                .decode(s.body.as_bytes())
                .map_err(|e| format!("stanza body: {e}"))?,
        })
    }
}

/// A file key as base64, for the wire.
pub fn encode_file_key(key: &FileKey) -> Zeroizing<String> {
    Zeroizing::new(BASE64.encode(key.expose_secret()))
}

/// A file key from its base64; `None` unless it is exactly 16 bytes.
pub fn decode_file_key(text: &str) -> Option<FileKey> {
    let mut buf = Zeroizing::new([0u8; 18]);
    let len = BASE64.decode_len(text.len()).ok()?;
    if len > buf.len() {
        return None;
    }
    let n = BASE64.decode_mut(text.as_bytes(), &mut buf[..len]).ok()?;
    (n == 16).then(|| FileKey::init_with_mut(|k| k.copy_from_slice(&buf[..16])))
}

/// Parses a request line; `Err` carries the reply for a malformed one or another version.
#[allow(clippy::result_large_err)] // The error is the reply to send.
pub fn parse_request(line: &[u8]) -> Result<Request, Reply> {
    let req: Request = match serde_json::from_slice(line) {
        Ok(r) => r,
        Err(e) => {
            // A client of another version is told so, rather than that its request is
            // malformed.
            let v = serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("v").and_then(serde_json::Value::as_u64));
            let msg = match v {
                Some(v) if v != u64::from(VERSION) => version_error(v),
                _ => format!("malformed request: {e}"),
            };
            return Err(Reply::error(ErrorKind::BadRequest, msg));
        }
    };
    if req.v != VERSION {
        return Err(Reply::error(
            ErrorKind::BadRequest,
            version_error(u64::from(req.v)),
        ));
    }
    Ok(req)
}

fn version_error(v: u64) -> String {
    format!("protocol version {v} is not supported (this agent speaks {VERSION})")
}

/// A byte buffer that zeroizes what it held, also the old allocations when it grows.
pub struct SecretBuf(pub Zeroizing<Vec<u8>>);

impl SecretBuf {
    /// An empty buffer.
    pub fn new() -> Self {
        Self(Zeroizing::new(Vec::with_capacity(1024)))
    }
}

impl Default for SecretBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl Write for SecretBuf {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let needed = self.0.len() + data.len();
        if needed > self.0.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(needed.max(2 * self.0.capacity())));
            bigger.extend_from_slice(&self.0);
            // The old buffer is zeroized as it is dropped here.
            self.0 = bigger;
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `value` as one JSON line in a zeroizing buffer.
pub fn json_line(value: &impl Serialize) -> Result<SecretBuf, AgentError> {
    let mut line = SecretBuf::new();
    serde_json::to_writer(&mut line, value).map_err(|e| AgentError::Protocol(e.to_string()))?;
    line.write_all(b"\n")
        .map_err(|e| AgentError::Protocol(e.to_string()))?;
    Ok(line)
}

/// Reads one line (up to [`MAX_LINE`] bytes, newline included) into a zeroizing buffer,
/// without a `BufReader`, whose buffer would keep a copy; empty at end of file.
pub fn read_line(mut r: impl Read) -> io::Result<SecretBuf> {
    let mut line = SecretBuf::new();
    let mut chunk = Zeroizing::new([0u8; 1024]);
    loop {
        let n = match r.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let data = &chunk[..n];
        if let Some(end) = data.iter().position(|&b| b == b'\n') {
            line.write_all(&data[..=end])?;
            break;
        }
        line.write_all(data)?;
        if line.0.len() as u64 > MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a line longer than {} KiB", MAX_LINE >> 10),
            ));
        }
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_replies_round_trip() {
        let reqs = [
            Op::Unwrap {
                stanzas: vec![WireStanza {
                    tag: "scrypt".into(),
                    args: vec!["c2FsdA".into(), "18".into()],
                    body: "AAAA".into(),
                }],
            },
            Op::Wrap {
                file_key: Zeroizing::new("AAAAAAAAAAAAAAAAAAAAAA==".into()),
            },
            Op::Keep {
                file_key: Zeroizing::new("AAAAAAAAAAAAAAAAAAAAAA==".into()),
            },
            Op::Status,
            Op::Lock,
        ];
        for op in reqs {
            let line = json_line(&Request::new(op.clone())).unwrap();
            assert_eq!(parse_request(&line.0).unwrap().op, op);
        }
        let line = json_line(&Reply::new(Body::NotMine)).unwrap();
        assert_eq!(&line.0[..], b"{\"v\":4,\"reply\":\"not-mine\"}\n");
    }

    #[test]
    fn malformed_and_foreign_requests_get_an_error_reply() {
        for bad in [
            &b"{"[..],
            b"{\"v\":4,\"op\":\"code\",\"query\":\"x\"}",
            b"{\"v\":4,\"op\":\"unwrap\",\"stanzas\":[],\"extra\":1}",
            b"\xff\xfe",
        ] {
            let e = parse_request(bad).unwrap_err();
            assert!(matches!(
                e.body,
                Body::Error {
                    kind: ErrorKind::BadRequest,
                    ..
                }
            ));
        }
        let e = parse_request(b"{\"v\":2,\"op\":\"status\"}").unwrap_err();
        assert!(format!("{e:?}").contains("version 2 is not supported"));
    }

    #[test]
    fn file_keys_are_exactly_16_bytes() {
        let key = FileKey::init_with_mut(|k| k.copy_from_slice(&[7u8; 16]));
        let text = encode_file_key(&key);
        let back = decode_file_key(&text).unwrap();
        assert_eq!(back.expose_secret(), &[7u8; 16]);
        assert!(decode_file_key("AAAA").is_none());
        assert!(decode_file_key(&BASE64.encode(&[0u8; 17])).is_none());
        assert!(decode_file_key("not base64!").is_none());
    }

    #[test]
    fn read_line_stops_at_newline_and_limit() {
        let line = read_line(&b"abc\ndef"[..]).unwrap();
        assert_eq!(&line.0[..], b"abc\n");
        let long = vec![b'x'; usize::try_from(MAX_LINE).unwrap() + 2048];
        assert!(read_line(&long[..]).is_err());
    }
}
