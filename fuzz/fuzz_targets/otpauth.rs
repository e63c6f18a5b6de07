//! The otpauth parser and the QR payload classifier never panic, and whatever parses writes back
//! to a URI that parses to the same account.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(acc) = authcli::uri::parse_otpauth(text) {
        let again = authcli::uri::parse_otpauth(&authcli::uri::to_otpauth(&acc))
            .expect("own output parses");
        assert_eq!(again, acc);
    }
    let _ = authcli::uri::classify(text);
});
