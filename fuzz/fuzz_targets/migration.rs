//! The otpauth-migration decoder never panics: raw bytes go in as the `data=` payload.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use std::fmt::Write;
    let mut b64 = String::new();
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in data.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            b64.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    let mut uri = String::from("otpauth-migration://offline?data=");
    for c in b64.chars() {
        match c {
            '+' => uri.push_str("%2B"),
            '/' => uri.push_str("%2F"),
            c => {
                let _ = write!(uri, "{c}");
            }
        }
    }
    let _ = authcli::uri::parse_migration(&uri);
});
