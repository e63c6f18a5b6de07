//! Every importer (and format detection) never panics on arbitrary files. The first byte picks
//! the format (or auto-detection); encrypted exports get no password, so no KDF runs.
#![no_main]
use authcli::import::{Format, Input, import};
use libfuzzer_sys::fuzz_target;

/// `None` is auto-detection.
fn format(pick: usize) -> Option<Format> {
    std::iter::once(None)
        .chain(Format::ALL.map(Some))
        .nth(pick % (Format::ALL.len() + 1))
        .flatten()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let mut no_password = || Err(String::from("no password in fuzzing"));
    let mut input = Input {
        bytes,
        file: "fuzz",
        password: &mut no_password,
    };
    let _ = import(&mut input, format(usize::from(pick)));
});
