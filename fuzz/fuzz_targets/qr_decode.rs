//! QR decoding of arbitrary bytes never panics (image decoders, limits, the cascade).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = authcli::qr::decode(data);
});
