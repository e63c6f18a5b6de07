//! The vault loader never panics on any decrypted plaintext, what it accepts round-trips, and
//! the fast canonical-form reader never disagrees with the `toml` crate.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = std::path::Path::new("fuzz.age");
    if let Ok(text) = std::str::from_utf8(data) {
        assert!(authcli::vault::fast_reader_agrees_with_toml(text));
    }
    if let Ok(v) = authcli::vault::parse(p, data) {
        let text = authcli::vault::serialize(&v);
        assert!(authcli::vault::fast_reader_agrees_with_toml(&text));
        assert_eq!(
            authcli::vault::parse(p, text.as_bytes()).expect("own output loads"),
            v
        );
    }
});
