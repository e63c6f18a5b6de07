//! An age X25519 identity that is told its public key, so opening a vault costs one scalar
//! multiplication instead of two.
//!
//! To unwrap an X25519 stanza, age needs the shared secret (a variable-base multiplication) and
//! the identity's own public key, which goes into the HKDF salt. `age::x25519::Identity`
//! recomputes that public key on every stanza (a fixed-base multiplication, a sixth of what
//! `authcli code` runs, and its precomputed table is 30 KB of memory to page in). Identity
//! files carry it anyway, in the `# public key: age1…` comment that authcli and age-keygen write
//! before the key. [`X25519Identity`] tries that key first. The comment is not trusted: when
//! the stanza does not open with it, the real public key is computed (once) and, if it
//! differs, tried too. So a stale or edited comment costs time, never a vault that fails to
//! open. (A wrong comment cannot make a file open that age would refuse, except one whose
//! writer chose a salt to fit that comment while encrypting to the real key: anyone who can
//! write such a file can as well encrypt a valid one, since the real public key is public.)
//!
//! Everything else is age's own X25519 recipient stanza, as `age::x25519::Identity` unwraps it
//! (<https://c2sp.org/age#x25519-recipient-stanza>), with age-core's HKDF and AEAD: the same
//! checks on the stanza's form, the same refusal of an all-zero shared secret, the same answers
//! (`None` for a stanza that is not ours). Unit tests hold the two to the same results.

use std::cell::OnceCell;

use age::DecryptError;
use age_core::format::{FILE_KEY_BYTES, FileKey, Stanza};
use age_core::primitives::{aead_decrypt, bech32_decode, hkdf};
use subtle::ConstantTimeEq;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, Zeroizing};

const TAG: &str = "X25519";
const KEY_LABEL: &[u8] = b"age-encryption.org/v1/X25519";
const ENCRYPTED_FILE_KEY_BYTES: usize = FILE_KEY_BYTES + 16;

/// An age X25519 identity with a guess at its public key.
pub struct X25519Identity {
    secret: StaticSecret,
    /// From the identity file's comment; unchecked.
    hint: Option<PublicKey>,
    /// The real public key, computed only if the hint does not open a stanza.
    public: OnceCell<PublicKey>,
}

impl X25519Identity {
    /// The identity on `line` (an `AGE-SECRET-KEY-1…` line that `age::x25519::Identity`
    /// has accepted), with the public key `hint` (an `age1…` string) to try first, if it reads
    /// as one.
    pub fn new(line: &str, hint: Option<&str>) -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        bech32_decode(line, |_| (), |_| Ok(()), |_, data| fill(&mut bytes, data))
            .expect("age accepted the line: 32 bytes of Bech32");
        Self {
            secret: StaticSecret::from(*bytes),
            hint: hint.and_then(public_key),
            public: OnceCell::new(),
        }
    }

    fn public(&self) -> &PublicKey {
        self.public.get_or_init(|| PublicKey::from(&self.secret))
    }
}

/// The key of an `age1…` recipient string, or `None`.
fn public_key(text: &str) -> Option<PublicKey> {
    let mut key = [0u8; 32];
    bech32_decode(
        text.trim(),
        |_| (),
        |hrp| (hrp.as_str() == "age").then_some(()).ok_or(()),
        |_, data| fill(&mut key, data),
    )
    .ok()?;
    Some(PublicKey::from(key))
}

/// Bech32 data that is exactly 32 bytes, into `out`.
fn fill(out: &mut [u8; 32], mut data: impl Iterator<Item = u8>) -> Result<(), ()> {
    for slot in out.iter_mut() {
        *slot = data.next().ok_or(())?;
    }
    data.next().is_none().then_some(()).ok_or(())
}

impl age::Identity for X25519Identity {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, DecryptError>> {
        if stanza.tag != TAG {
            return None;
        }
        // The stanza's canonical form: one argument, the 32-byte ephemeral share in unpadded
        // base64 with zero trailing bits, and a 32-byte body.
        let ephemeral = match &stanza.args[..] {
            [arg] => match data_encoding::BASE64_NOPAD.decode(arg.as_bytes()) {
                Ok(bytes) => match <[u8; 32]>::try_from(bytes.as_slice()) {
                    Ok(share) => PublicKey::from(share),
                    Err(_) => return Some(Err(DecryptError::InvalidHeader)),
                },
                Err(_) => return Some(Err(DecryptError::InvalidHeader)),
            },
            _ => return Some(Err(DecryptError::InvalidHeader)),
        };
        if stanza.body.len() != ENCRYPTED_FILE_KEY_BYTES {
            return Some(Err(DecryptError::InvalidHeader));
        }
        let shared = self.secret.diffie_hellman(&ephemeral);
        if bool::from(shared.as_bytes().iter().fold(0, |acc, b| acc | b).ct_eq(&0)) {
            return Some(Err(DecryptError::InvalidHeader)); // a low-order share
        }
        let open = |public: &PublicKey| {
            let mut salt = [0u8; 64];
            salt[..32].copy_from_slice(ephemeral.as_bytes());
            salt[32..].copy_from_slice(public.as_bytes());
            let key = Zeroizing::new(hkdf(&salt, KEY_LABEL, shared.as_bytes()));
            let mut plain = aead_decrypt(&key, FILE_KEY_BYTES, &stanza.body).ok()?;
            let file_key = FileKey::init_with_mut(|k| k.copy_from_slice(&plain));
            plain.zeroize();
            Some(file_key)
        };
        if let Some(hint) = &self.hint
            && let Some(key) = open(hint)
        {
            return Some(Ok(key));
        }
        let public = self.public();
        if self.hint.as_ref() == Some(public) {
            return None; // tried already: the stanza is for another key
        }
        open(public).map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use age::Identity as _;
    use age::secrecy::ExposeSecret;

    use super::*;

    fn encrypt(plain: &[u8], to: &[&age::x25519::Recipient]) -> Vec<u8> {
        let enc =
            age::Encryptor::with_recipients(to.iter().map(|r| *r as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(plain).unwrap();
        w.finish().unwrap();
        out
    }

    fn decrypt(file: &[u8], id: &dyn age::Identity) -> Result<Vec<u8>, String> {
        let d = age::Decryptor::new_buffered(file).map_err(|e| e.to_string())?;
        let mut r = d.decrypt(std::iter::once(id)).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        Ok(out)
    }

    fn recipient_string(id: &age::x25519::Identity) -> String {
        id.to_public().to_string()
    }

    /// Whatever the comment says (right, another key's, garbage, nothing), a file opens exactly
    /// when age's own identity opens it, to the same plaintext.
    #[test]
    fn opens_what_age_opens_whatever_the_hint() {
        let ours = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let (ours_pk, other_pk) = (ours.to_public(), other.to_public());
        let files = [
            encrypt(b"to us", &[&ours_pk]),
            encrypt(b"to both, us second", &[&other_pk, &ours_pk]),
            encrypt(b"to both, us first", &[&ours_pk, &other_pk]),
            encrypt(b"not to us", &[&other_pk]),
        ];
        let hints = [
            Some(recipient_string(&ours)),
            Some(recipient_string(&other)),
            Some("age1 not a key".to_owned()),
            Some(ours.to_string().expose_secret().to_owned()),
            None,
        ];
        for file in &files {
            let expected = decrypt(file, &ours);
            for hint in &hints {
                let id = X25519Identity::new(ours.to_string().expose_secret(), hint.as_deref());
                assert_eq!(decrypt(file, &id), expected, "hint {hint:?}");
            }
        }
        assert_eq!(decrypt(&files[1], &ours).unwrap(), b"to both, us second");
        assert!(decrypt(&files[3], &ours).is_err());
    }

    #[test]
    fn reads_the_hint_and_only_a_public_key() {
        let id = age::x25519::Identity::generate();
        let ours =
            X25519Identity::new(id.to_string().expose_secret(), Some(&recipient_string(&id)));
        assert_eq!(ours.hint.as_ref(), Some(ours.public()));
        let upper = recipient_string(&id).to_uppercase();
        assert!(public_key(&upper).is_none());
        assert!(public_key("age1qqqq").is_none());
        assert!(public_key(id.to_string().expose_secret()).is_none());
    }

    /// Mangled stanzas get the answers age's own identity gives.
    #[test]
    fn malformed_stanzas_answer_as_age_does() {
        let id = age::x25519::Identity::generate();
        let ours =
            X25519Identity::new(id.to_string().expose_secret(), Some(&recipient_string(&id)));
        let file = encrypt(b"x", &[&id.to_public()]);
        // The stanza line and body as age wrote them.
        let text = String::from_utf8_lossy(&file);
        let line = text.lines().nth(1).unwrap();
        let body = text.lines().nth(2).unwrap();
        let share = line.strip_prefix("-> X25519 ").unwrap().to_owned();
        let body = data_encoding::BASE64_NOPAD.decode(body.as_bytes()).unwrap();
        let mut last_char_bumped = share.clone();
        let c = last_char_bumped.pop().unwrap();
        last_char_bumped.push(if c == 'A' { 'B' } else { 'A' });
        let cases: Vec<(String, Vec<String>, Vec<u8>)> = vec![
            ("X25519".into(), vec![share.clone()], body.clone()),
            ("X25519".into(), vec![last_char_bumped], body.clone()),
            ("X25519".into(), vec![], body.clone()),
            (
                "X25519".into(),
                vec![share.clone(), share.clone()],
                body.clone(),
            ),
            ("X25519".into(), vec![format!("{share}=")], body.clone()),
            ("X25519".into(), vec![share[..40].to_owned()], body.clone()),
            ("X25519".into(), vec![share.clone()], body[..31].to_vec()),
            (
                "X25519".into(),
                vec![share.clone()],
                [&body[..], &[0]].concat(),
            ),
            ("X25519".into(), vec![share.clone()], vec![0; 32]),
            // A low-order ephemeral share (all zero): the shared secret is zero.
            (
                "X25519".into(),
                vec!["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()],
                body.clone(),
            ),
            ("scrypt".into(), vec![share.clone()], body.clone()),
            ("x25519".into(), vec![share], body),
        ];
        let answer = |r: Option<Result<FileKey, DecryptError>>| match r {
            None => "none".to_owned(),
            Some(Ok(k)) => format!("key {:?}", k.expose_secret()),
            Some(Err(e)) => format!("error {e}"),
        };
        for (tag, args, body) in cases {
            let stanza = Stanza {
                tag: tag.clone(),
                args: args.clone(),
                body,
            };
            assert_eq!(
                answer(ours.unwrap_stanza(&stanza)),
                answer(id.unwrap_stanza(&stanza)),
                "{tag} {args:?}"
            );
        }
    }
}
