//! The fuzz targets' entry points (fuzz/), exercised with proptest on stable in every test run:
//! arbitrary bytes into every importer and into QR decoding never panic. The parser and vault
//! loader have theirs beside the code (uri.rs, vault.rs).

use authcli::import::{Format, Input, import};
use proptest::prelude::*;

/// `None` is auto-detection.
fn format(pick: usize) -> Option<Format> {
    std::iter::once(None)
        .chain(Format::ALL.map(Some))
        .nth(pick % (Format::ALL.len() + 1))
        .flatten()
}

fn png_of(text: &str) -> Vec<u8> {
    let img = qrcode::QrCode::new(text.as_bytes())
        .unwrap()
        .render::<image::Luma<u8>>()
        .module_dimensions(3, 3)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn importers_never_panic(pick in 0..10usize, bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut no_password = || Err(String::from("no password here"));
        let mut input = Input { bytes: &bytes, file: "smoke", password: &mut no_password };
        let _ = import(&mut input, format(pick));
    }

    #[test]
    fn importers_never_panic_on_json_shapes(pick in 0..10usize, body in "[{}\\[\\]\":,a-z0-9 ]{0,300}") {
        let text = format!("{{\"version\":1,\"db\":{body}");
        let mut no_password = || Err(String::from("no password here"));
        let mut input = Input { bytes: text.as_bytes(), file: "smoke", password: &mut no_password };
        let _ = import(&mut input, format(pick));
    }

    #[test]
    fn qr_decoding_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = authcli::qr::decode(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A real PNG with bytes flipped here and there: decoders must fail cleanly or decode.
    #[test]
    fn qr_decoding_never_panics_on_damaged_pngs(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut png = png_of("otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP&issuer=X");
        for (i, b) in flips {
            let at = i.index(png.len());
            png[at] ^= b | 1;
        }
        let _ = authcli::qr::decode(&png);
    }
}
