//! Prints every QR code payload found in an image file, one per line.
fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: qrdecode IMAGE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("qrdecode: {}: {e}", path.to_string_lossy());
            std::process::exit(1);
        }
    };
    match authcli::qr::decode(&bytes) {
        Ok(found) => {
            for s in found {
                println!("{s}");
            }
        }
        Err(e) => {
            eprintln!("qrdecode: {e}");
            std::process::exit(1);
        }
    }
}
