//! A test age plugin, after the `age-plugin-unencrypted` example of the `age-plugin` crate:
//! `tests/plugin.rs` runs it through age's real plugin protocol as a stand-in for a hardware
//! key (age-plugin-yubikey, -tpm, -se). It protects nothing: a stanza carries the file key in
//! the clear, tagged with the recipient it was wrapped for.
//!
//! - `age-plugin-unencrypted` (no arguments) prints a new identity file: a random key, and
//!   `# recipient: age1unencrypted1…` as real plugins print theirs.
//! - `$AUTHCLI_TEST_PLUGIN_PIN`: unwrapping asks for this PIN through age's callbacks (as a
//!   `YubiKey` asks for its PIN), and fails without it.
//! - `$AUTHCLI_TEST_PLUGIN_LOG`: each unwrap appends a line to this file (a "touch"), so tests
//!   can count them.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use age_core::format::{FileKey, Stanza};
use age_core::secrecy::ExposeSecret;
use age_plugin::identity::{self, IdentityPluginV1};
use age_plugin::recipient::{self, RecipientPluginV1};
use age_plugin::{Callbacks, PluginHandler, print_new_identity, run_state_machine};

const NAME: &str = "unencrypted";

/// The key that a recipient and its identity share, as a stanza argument; `None` for another
/// plugin's.
fn tag(name: &str, bytes: &[u8]) -> Option<String> {
    (name == NAME).then(|| data_encoding::HEXLOWER.encode(bytes))
}

struct Handler;

impl PluginHandler for Handler {
    type RecipientV1 = Wrapper;
    type IdentityV1 = Unwrapper;

    fn recipient_v1(self) -> io::Result<Wrapper> {
        Ok(Wrapper(Vec::new()))
    }

    fn identity_v1(self) -> io::Result<Unwrapper> {
        Ok(Unwrapper(Vec::new()))
    }
}

struct Wrapper(Vec<String>);

impl RecipientPluginV1 for Wrapper {
    fn add_recipient(
        &mut self,
        index: usize,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        let t = tag(name, bytes).ok_or_else(|| recipient::Error::Recipient {
            index,
            message: "not an unencrypted recipient".into(),
        })?;
        self.0.push(t);
        Ok(())
    }

    fn add_identity(
        &mut self,
        index: usize,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        let t = tag(name, bytes).ok_or_else(|| recipient::Error::Identity {
            index,
            message: "not an unencrypted identity".into(),
        })?;
        self.0.push(t);
        Ok(())
    }

    fn labels(&mut self) -> HashSet<String> {
        HashSet::new()
    }

    fn wrap_file_keys(
        &mut self,
        file_keys: Vec<FileKey>,
        _callbacks: impl Callbacks<recipient::Error>,
    ) -> io::Result<Result<Vec<Vec<Stanza>>, Vec<recipient::Error>>> {
        Ok(Ok(file_keys
            .iter()
            .map(|key| {
                self.0
                    .iter()
                    .map(|t| Stanza {
                        tag: NAME.into(),
                        args: vec![t.clone()],
                        body: key.expose_secret().to_vec(),
                    })
                    .collect()
            })
            .collect()))
    }
}

struct Unwrapper(Vec<String>);

impl IdentityPluginV1 for Unwrapper {
    fn add_identity(
        &mut self,
        index: usize,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), identity::Error> {
        let t = tag(name, bytes).ok_or_else(|| identity::Error::Identity {
            index,
            message: "not an unencrypted identity".into(),
        })?;
        self.0.push(t);
        Ok(())
    }

    fn unwrap_file_keys(
        &mut self,
        files: Vec<Vec<Stanza>>,
        mut callbacks: impl Callbacks<identity::Error>,
    ) -> io::Result<HashMap<usize, Result<FileKey, Vec<identity::Error>>>> {
        if let Ok(log) = std::env::var("AUTHCLI_TEST_PLUGIN_LOG") {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)?;
            writeln!(f, "unwrap")?;
        }
        let mut keys = HashMap::new();
        for (i, stanzas) in files.into_iter().enumerate() {
            let Some(s) = stanzas
                .iter()
                .find(|s| s.tag == NAME && s.args.len() == 1 && self.0.contains(&s.args[0]))
            else {
                continue;
            };
            if let Ok(pin) = std::env::var("AUTHCLI_TEST_PLUGIN_PIN") {
                let given = callbacks.request_secret("Enter the PIN of the test key")?;
                let fail = |message: &str| {
                    Err(vec![identity::Error::Identity {
                        index: 0,
                        message: message.into(),
                    }])
                };
                match given {
                    Ok(p) if p.expose_secret() == pin => {}
                    Ok(_) => {
                        keys.insert(i, fail("wrong PIN"));
                        continue;
                    }
                    Err(_) => {
                        keys.insert(i, fail("the PIN is needed"));
                        continue;
                    }
                }
            }
            let key = FileKey::try_init_with_mut(|k| {
                if s.body.len() == k.len() {
                    k.copy_from_slice(&s.body);
                    Ok(())
                } else {
                    Err(vec![identity::Error::Stanza {
                        file_index: i,
                        stanza_index: 0,
                        message: "a file key is 16 bytes".into(),
                    }])
                }
            });
            keys.insert(i, key);
        }
        Ok(keys)
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(machine) = args.first().and_then(|a| a.strip_prefix("--age-plugin=")) {
        return run_state_machine(machine, Handler);
    }
    let mut key = [0u8; 16];
    getrandom::getrandom(&mut key).map_err(io::Error::other)?;
    print_new_identity(NAME, &key, &key);
    Ok(())
}
