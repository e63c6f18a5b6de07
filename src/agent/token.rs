//! The access token that the Windows agent's clients prove themselves with (see the Windows
//! transport for why), kept platform-independent so that it is unit-tested everywhere.
//!
//! The agent draws 32 random bytes from the OS and writes them, as hex after its process id, to
//! a new file in the user's private local application data folder: `PID HEX\n`. A client reads
//! the file, checks that the pipe it reached is served by that process id, and starts its
//! request line with `HEX ` ([`prefixed`]); the agent compares the prefix in constant time
//! ([`Token::matches`]) and drops the connection unanswered when it differs. The file is removed
//! when the agent ends ([`TokenFile`]'s drop), unless another agent has replaced it.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Random bytes in a token.
pub const BYTES: usize = 32;

/// Hex digits in a token, and so the length of a request line's prefix before its space.
pub const HEX_LEN: usize = 2 * BYTES;

/// The longest token file read (a process id, a space, the hex and a newline, with room).
const MAX_FILE: u64 = 256;

/// An agent's access token, as lowercase hex (what travels and what is compared). Zeroized on
/// drop; no `Debug`.
pub struct Token(Zeroizing<String>);

impl Token {
    /// A new token from the OS's random source.
    pub fn generate() -> io::Result<Self> {
        let mut bytes = Zeroizing::new([0u8; BYTES]);
        getrandom::getrandom(&mut bytes[..]).map_err(|e| io::Error::other(e.to_string()))?;
        Ok(Self(Zeroizing::new(
            data_encoding::HEXLOWER.encode(&bytes[..]),
        )))
    }

    /// A token read back as hex: exactly [`HEX_LEN`] lowercase hex digits.
    pub fn from_hex(hex: &str) -> Option<Self> {
        (hex.len() == HEX_LEN && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(Zeroizing::new(hex.to_owned())))
    }

    /// The hex form.
    pub fn hex(&self) -> &str {
        &self.0
    }

    /// Whether `given` is this token's hex, compared in constant time (only the length, which
    /// is public, can end the comparison early).
    pub fn matches(&self, given: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(given).into()
    }

    /// The request body after a `HEX ` prefix that carries this token; `None` when the line
    /// does not start with it.
    pub fn strip<'a>(&self, line: &'a [u8]) -> Option<&'a [u8]> {
        if line.len() <= HEX_LEN || line[HEX_LEN] != b' ' {
            return None;
        }
        self.matches(&line[..HEX_LEN]).then(|| &line[HEX_LEN + 1..])
    }
}

/// `body` after the `HEX ` prefix that carries `token`, in a zeroizing buffer.
pub fn prefixed(token: &Token, body: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut line = Zeroizing::new(Vec::with_capacity(HEX_LEN + 1 + body.len()));
    line.extend_from_slice(token.hex().as_bytes());
    line.push(b' ');
    line.extend_from_slice(body);
    line
}

/// The pipe name of the agent whose token file is `token_path`: `authcli-USER-HASH`, HASH from
/// the token file's full path (which holds the user's profile folder and the vault's hash), so
/// that two users' agents for the same vault path never share a name in the machine-wide pipe
/// namespace. USER is only for people reading a pipe list; it is not trusted.
pub fn pipe_name(token_path: &Path, user: &str) -> String {
    let digest = Sha256::digest(token_path.as_os_str().as_encoded_bytes());
    let user: String = user
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(32)
        .collect();
    let user = if user.is_empty() { "user" } else { &user };
    format!(
        "authcli-{user}-{}",
        data_encoding::HEXLOWER.encode(&digest[..8])
    )
}

/// A token file's contents: the agent's process id and its token.
pub struct Contents {
    /// The agent's process id.
    pub pid: u32,
    /// Its token.
    pub token: Token,
}

/// Reads a token file. `NotFound` when there is none (no agent); `InvalidData` when it is not
/// one.
pub fn read(path: &Path) -> io::Result<Contents> {
    let mut text = Zeroizing::new(String::new());
    fs::File::open(path)?
        .take(MAX_FILE)
        .read_to_string(&mut text)?;
    parse(&text).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is not an agent token file", path.display()),
        )
    })
}

fn parse(text: &str) -> Option<Contents> {
    let line = text.strip_suffix('\n')?;
    let (pid, hex) = line.split_once(' ')?;
    Some(Contents {
        pid: pid.parse().ok()?,
        token: Token::from_hex(hex)?,
    })
}

/// A token file written by this agent; removed on drop while it still holds our token.
pub struct TokenFile {
    path: PathBuf,
    token: Token,
}

impl TokenFile {
    /// Writes `PID HEX\n` to a new file at `path` (0600 on Unix; on Windows the file inherits
    /// its folder's ACL). A file already there is a dead agent's (the caller holds the pipe
    /// name, so no live agent can have written it): it is replaced.
    pub fn create(path: &Path, pid: u32, token: Token) -> io::Result<Self> {
        let mut text = Zeroizing::new(format!("{pid} "));
        text.push_str(token.hex());
        text.push('\n');
        let mut file = match new_file(path) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                fs::remove_file(path)?;
                new_file(path)?
            }
            other => other?,
        };
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all());
        if let Err(e) = written {
            drop(file);
            let _ = fs::remove_file(path);
            return Err(e);
        }
        Ok(Self {
            path: path.to_owned(),
            token,
        })
    }

    /// The token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file still holds our token (not removed, not replaced by a newer agent).
    pub fn still_ours(&self) -> bool {
        read(&self.path).is_ok_and(|c| self.token.matches(c.token.hex().as_bytes()))
    }
}

impl Drop for TokenFile {
    fn drop(&mut self) {
        if self.still_ours() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn new_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_compared_whole() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_eq!(a.hex().len(), HEX_LEN);
        assert_ne!(a.hex(), b.hex());
        assert!(Token::from_hex(a.hex()).is_some());
        assert!(a.matches(a.hex().as_bytes()));
        assert!(!a.matches(b.hex().as_bytes()));
        assert!(!a.matches(&a.hex().as_bytes()[..HEX_LEN - 1]));
        assert!(!a.matches(b""));
        let mut flipped = a.hex().as_bytes().to_vec();
        flipped[HEX_LEN - 1] ^= 1;
        assert!(!a.matches(&flipped));
        for bad in ["", "00", &"A".repeat(HEX_LEN), &"g".repeat(HEX_LEN)] {
            assert!(Token::from_hex(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn request_lines_carry_the_token_as_a_prefix() {
        let t = Token::generate().unwrap();
        let other = Token::generate().unwrap();
        let line = prefixed(&t, b"{\"v\":2,\"op\":\"status\"}\n");
        assert_eq!(t.strip(&line), Some(&b"{\"v\":2,\"op\":\"status\"}\n"[..]));
        assert_eq!(other.strip(&line), None);
        assert_eq!(t.strip(b"{\"v\":2,\"op\":\"status\"}\n"), None);
        assert_eq!(t.strip(t.hex().as_bytes()), None, "no body");
        let mut no_space = line.to_vec();
        no_space[HEX_LEN] = b'x';
        assert_eq!(t.strip(&no_space), None);
    }

    #[test]
    fn token_files_round_trip_replace_stale_ones_and_are_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent-0123.token");
        std::fs::write(&path, "99 stale\n").unwrap();
        let file = TokenFile::create(&path, 4242, Token::generate().unwrap()).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back.pid, 4242);
        assert!(file.token().matches(back.token.hex().as_bytes()));
        assert!(file.still_ours());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A newer agent's file is left alone.
        let newer = TokenFile::create(&path, 4343, Token::generate().unwrap()).unwrap();
        assert!(!file.still_ours());
        drop(file);
        assert!(path.exists());
        drop(newer);
        assert!(!path.exists());
        assert_eq!(
            read(&path).err().map(|e| e.kind()),
            Some(io::ErrorKind::NotFound)
        );
        std::fs::write(&path, "not a token\n").unwrap();
        assert_eq!(
            read(&path).err().map(|e| e.kind()),
            Some(io::ErrorKind::InvalidData)
        );
    }

    #[test]
    fn pipe_names_are_per_user_and_per_path() {
        let a = pipe_name(Path::new("/home/a/agent-1.token"), "alice");
        let b = pipe_name(Path::new("/home/b/agent-1.token"), "alice");
        assert_ne!(a, b);
        assert!(a.starts_with("authcli-alice-") && a.len() == "authcli-alice-".len() + 16);
        let odd = pipe_name(Path::new("/x"), "J\\o h/n\u{e9}");
        assert!(odd.starts_with("authcli-John-"), "{odd}");
        assert!(pipe_name(Path::new("/x"), "").starts_with("authcli-user-"));
    }
}
