//! The vault loader never panics on any decrypted plaintext, and what it accepts round-trips.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = std::path::Path::new("fuzz.age");
    if let Ok(v) = authcli::vault::parse(p, data) {
        let text = authcli::vault::serialize(&v);
        assert_eq!(
            authcli::vault::parse(p, text.as_bytes()).expect("own output loads"),
            v
        );
    }
});
