//! Opens an age file held in memory in one pass, into one buffer.
//!
//! `age::Decryptor::decrypt` hands back a streaming reader built for files of any size: it
//! zero-fills a 64 KiB buffer for the ciphertext, copies each decrypted chunk into a second one,
//! and `read_to_end` zero-fills and copies into a third. For a vault of 20 KB that is about 30
//! pages of fresh memory, and a fresh page costs a page fault (3 µs and more in a VM): more than
//! the decryption itself. Here the whole file is already in memory, so each chunk is copied once
//! into the plaintext buffer and decrypted in place there.
//!
//! This is age's v1 format as `age` reads it (<https://c2sp.org/age>), built from age-core's
//! own pieces: the header is read with age-core's stanza parser, the file key comes from the
//! identities' own `unwrap_stanzas` (the first identity that answers decides, as in age), the
//! header MAC and payload key use age-core's HKDF, and the payload is the STREAM construction
//! over ChaCha20-Poly1305 with 64 KiB chunks. It only ever succeeds: at anything it does not
//! verify (a header it cannot read, no identity that opens it, a bad MAC or tag, a truncated or
//! over-long payload) it returns `None`, and the caller asks `age` itself, which then reports
//! the error. The caller has already had `age` accept the header. Unit tests hold the two to
//! the same plaintext on files of every chunk-boundary size, and to the same refusals on
//! damaged, truncated and extended files.

use age::secrecy::ExposeSecret;
use age_core::format::{FileKey, Stanza};
use age_core::primitives::hkdf;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Tag};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

const MAGIC: &[u8] = b"age-encryption.org/v1\n";
const MAC_PREFIX: &[u8] = b"--- ";
const ENCODED_MAC_LEN: usize = 43;
const NONCE_LEN: usize = 16;
const TAG_LEN: usize = 16;
const ENCRYPTED_CHUNK_LEN: usize = 64 * 1024 + TAG_LEN;

/// The plaintext of the age file `file`, or `None` where `age` must be asked instead.
pub(super) fn decrypt<'a>(
    file: &[u8],
    mut identities: impl Iterator<Item = &'a dyn age::Identity>,
) -> Option<Zeroizing<Vec<u8>>> {
    let header = Header::read(file)?;
    let file_key: FileKey = identities
        .find_map(|id| id.unwrap_stanzas(&header.stanzas))?
        .ok()?;
    let file_key = file_key.expose_secret();

    // The MAC covers the header up to and including "---".
    let mac_key = Zeroizing::new(hkdf(&[], b"header", file_key));
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(mac_key.as_ref()).ok()?;
    mac.update(&file[..header.mac_covers]);
    mac.verify_slice(&header.mac).ok()?; // constant time

    let nonce = file.get(header.len..header.len + NONCE_LEN)?;
    let payload_key = Zeroizing::new(hkdf(nonce, b"payload", file_key));
    let aead = ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&payload_key[..]));
    let payload = &file[header.len + NONCE_LEN..];
    if payload.is_empty() {
        return None; // truncated: not even the last chunk
    }
    let chunks = payload.len().div_ceil(ENCRYPTED_CHUNK_LEN);
    let mut plain = Zeroizing::new(Vec::with_capacity(
        payload.len().saturating_sub(chunks * TAG_LEN),
    ));
    for (i, chunk) in payload.chunks(ENCRYPTED_CHUNK_LEN).enumerate() {
        let last = i + 1 == chunks;
        let (body, tag) = chunk.split_at(chunk.len().checked_sub(TAG_LEN)?);
        if last && body.is_empty() && i > 0 {
            return None; // only an empty file may end in an empty chunk
        }
        let start = plain.len();
        plain.extend_from_slice(body);
        aead.decrypt_in_place_detached(
            &chunk_nonce(i as u64, last).into(),
            &[],
            &mut plain[start..],
            Tag::from_slice(tag),
        )
        .ok()?;
    }
    Some(plain)
}

/// STREAM's nonce: the chunk counter in 11 big-endian bytes, then 1 for the last chunk.
fn chunk_nonce(counter: u64, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

/// A v1 header as age reads it.
struct Header {
    stanzas: Vec<Stanza>,
    mac: [u8; 32],
    /// How many bytes from the start the MAC covers.
    mac_covers: usize,
    /// The whole header's length, up to the payload nonce.
    len: usize,
}

impl Header {
    /// The version line, one or more stanzas (age-core's parser, which also takes the legacy
    /// body encoding), then `--- ` and the MAC in 43 characters of canonical base64.
    fn read(file: &[u8]) -> Option<Self> {
        let mut rest = file.strip_prefix(MAGIC)?;
        let mut stanzas = Vec::new();
        while let Ok((next, stanza)) = age_core::format::read::legacy_age_stanza(rest) {
            stanzas.push(Stanza::from(stanza));
            rest = next;
        }
        // Whatever stopped the stanzas, the MAC line must come next.
        let rest = rest.strip_prefix(MAC_PREFIX)?;
        if stanzas.is_empty() || rest.len() < ENCODED_MAC_LEN + 1 {
            return None;
        }
        let (encoded, rest) = rest.split_at(ENCODED_MAC_LEN);
        let rest = rest.strip_prefix(b"\n")?;
        let mac = data_encoding::BASE64_NOPAD.decode(encoded).ok()?;
        Some(Self {
            stanzas,
            mac: mac.try_into().ok()?,
            mac_covers: file.len() - rest.len() - ENCODED_MAC_LEN - 2,
            len: file.len() - rest.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    /// Plaintext bytes per chunk.
    const C: usize = ENCRYPTED_CHUNK_LEN - TAG_LEN;

    fn encrypt(plain: &[u8], to: &[&dyn age::Recipient]) -> Vec<u8> {
        let enc = age::Encryptor::with_recipients(to.iter().copied()).unwrap();
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(plain).unwrap();
        w.finish().unwrap();
        out
    }

    /// What `age` itself makes of `file`: the plaintext, or `None` for any error.
    fn with_age(file: &[u8], id: &dyn age::Identity) -> Option<Vec<u8>> {
        let d = age::Decryptor::new_buffered(file).ok()?;
        let mut r = d.decrypt(std::iter::once(id)).ok()?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).ok()?;
        Some(out)
    }

    fn ours(file: &[u8], id: &dyn age::Identity) -> Option<Vec<u8>> {
        // As the vault does: only after age has accepted the header.
        age::Decryptor::new_buffered(file).ok()?;
        decrypt(file, std::iter::once(id)).map(|p| p.to_vec())
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i * 7 + i / 251).to_le_bytes()[0])
            .collect()
    }

    #[test]
    fn opens_files_of_every_chunk_boundary_like_age() {
        let id = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        for len in [0, 1, 100, 20_000, C - 1, C, C + 1, 2 * C, 2 * C + 5] {
            let plain = pattern(len);
            let file = encrypt(&plain, &[&other.to_public(), &id.to_public()]);
            assert_eq!(
                with_age(&file, &id).as_deref(),
                Some(&plain[..]),
                "age, {len}"
            );
            assert_eq!(ours(&file, &id).as_deref(), Some(&plain[..]), "ours, {len}");
            assert_eq!(ours(&file, &age::x25519::Identity::generate()), None);
        }
    }

    #[test]
    fn the_first_identity_that_answers_decides_as_in_age() {
        struct Refuses;
        impl age::Identity for Refuses {
            fn unwrap_stanza(&self, _: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
                Some(Err(age::DecryptError::InvalidHeader))
            }
        }
        let (a, b) = (
            age::x25519::Identity::generate(),
            age::x25519::Identity::generate(),
        );
        let file = encrypt(b"secret", &[&b.to_public()]);
        let ids: [&dyn age::Identity; 2] = [&a, &b];
        let plain = decrypt(&file, ids.into_iter()).expect("b opens it");
        assert_eq!(&plain[..], b"secret");
        // An identity that answers with an error ends the search before `b`, in age too.
        let age_says = |ids: [&dyn age::Identity; 2]| {
            age::Decryptor::new_buffered(&file[..])
                .unwrap()
                .decrypt(ids.into_iter())
                .is_ok()
        };
        let ids: [&dyn age::Identity; 2] = [&Refuses, &b];
        assert!(!age_says(ids));
        assert!(decrypt(&file, ids.into_iter()).is_none());
        let ids: [&dyn age::Identity; 2] = [&b, &Refuses];
        assert!(age_says(ids));
        assert!(decrypt(&file, ids.into_iter()).is_some());
    }

    #[test]
    fn the_nonce_is_counter_then_last_flag() {
        assert_eq!(chunk_nonce(0, false), [0; 12]);
        assert_eq!(chunk_nonce(1, true), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
        assert_eq!(
            chunk_nonce(0x0102_0304_0506_0708, false),
            [0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0]
        );
    }

    /// Payloads made here with the file's own key: chunks in order and flagged as age writes
    /// them open the same in both; an empty last chunk after a full one, a chunk flagged last
    /// too early and a missing last flag are refused by both.
    #[test]
    fn stream_rules_match_age() {
        let id = age::x25519::Identity::generate();
        let file = encrypt(&pattern(10), &[&id.to_public()]);
        let header = Header::read(&file).unwrap();
        let file_key = age::Identity::unwrap_stanzas(&id, &header.stanzas)
            .unwrap()
            .unwrap();
        let start = header.len + NONCE_LEN;
        let payload_key = hkdf(
            &file[header.len..start],
            b"payload",
            file_key.expose_secret(),
        );
        let aead = ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&payload_key));
        let seal = |counter: u64, last: bool, plain: &[u8]| {
            let mut buf = plain.to_vec();
            let tag = aead
                .encrypt_in_place_detached(&chunk_nonce(counter, last).into(), &[], &mut buf)
                .unwrap();
            buf.extend_from_slice(&tag);
            buf
        };
        let (full, tail) = (pattern(C), pattern(7));
        let with_payload = |chunks: &[Vec<u8>]| [&file[..start], &chunks.concat()].concat();
        let good = [
            (with_payload(&[seal(0, true, &tail)]), tail.clone()),
            (with_payload(&[seal(0, true, &full)]), full.clone()),
            (
                with_payload(&[seal(0, false, &full), seal(1, true, &tail)]),
                [&full[..], &tail].concat(),
            ),
            (with_payload(&[seal(0, true, &[])]), Vec::new()),
        ];
        for (case, plain) in &good {
            assert_eq!(with_age(case, &id).as_ref(), Some(plain));
            assert_eq!(ours(case, &id).as_ref(), Some(plain));
        }
        let bad = [
            with_payload(&[seal(0, false, &full), seal(1, true, &[])]),
            with_payload(&[seal(0, false, &tail)]),
            with_payload(&[seal(0, false, &full)]),
            with_payload(&[seal(0, true, &full), seal(1, true, &tail)]),
            with_payload(&[seal(1, true, &tail)]),
            with_payload(&[]),
        ];
        for (i, case) in bad.iter().enumerate() {
            assert_eq!(with_age(case, &id), None, "age opened bad case {i}");
            assert_eq!(ours(case, &id), None, "bad case {i}");
        }
    }

    /// Damage anywhere (a flipped bit, a cut, bytes added or left out), at chunk boundaries
    /// too: where age refuses, this refuses; where age opens the file, this gives the same.
    #[test]
    fn refuses_what_age_refuses() {
        let id = age::x25519::Identity::generate();
        for len in [0, 300, C, C + 300] {
            let file = encrypt(&pattern(len), &[&id.to_public()]);
            let header_len = Header::read(&file).unwrap().len;
            let mut cases: Vec<Vec<u8>> = Vec::new();
            let mut spots: Vec<usize> = (0..header_len + NONCE_LEN + 40).collect();
            spots.extend([file.len() - 17, file.len() - 16, file.len() - 1]);
            if file.len() > header_len + NONCE_LEN + ENCRYPTED_CHUNK_LEN {
                let end = header_len + NONCE_LEN + ENCRYPTED_CHUNK_LEN;
                spots.extend([end - 1, end, end + 1]);
            }
            for &at in spots.iter().filter(|&&at| at < file.len()) {
                let mut flipped = file.clone();
                flipped[at] ^= 0x01;
                cases.push(flipped);
                cases.push(file[..at].to_vec());
                let mut removed = file.clone();
                removed.remove(at);
                cases.push(removed);
            }
            let mut longer = file.clone();
            longer.push(0);
            cases.push(longer);
            let mut twice = file.clone();
            twice.extend_from_slice(&file[header_len + NONCE_LEN..]);
            cases.push(twice);
            for case in &cases {
                let theirs = with_age(case, &id);
                let got = ours(case, &id);
                assert!(
                    got.is_none() || got == theirs,
                    "len {len}: accepted what age refuses"
                );
                assert!(got.is_none() || got.as_deref() == Some(&pattern(len)[..]));
            }
        }
    }
}
