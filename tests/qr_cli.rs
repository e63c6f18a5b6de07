//! `add --qr`: images in, accounts out, through the real binary. Images are generated here with
//! the `qrcode` encoder (the independent oracle for what each image holds).

mod common;

use common::{Env, have, oathtool_totp, qr_png};

const ENTRA: &str =
    "otpauth://totp/Contoso%3Anome.cognome%40unipi.it?secret=jbswy3dpehpk3pxp&issuer=Microsoft";

fn write(env: &Env, name: &str, bytes: &[u8]) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_owned()
}

#[test]
fn add_from_a_screenshot_file_prints_the_current_code() {
    let env = Env::with_key_vault();
    let shot = write(&env, "shot.png", &qr_png(&[ENTRA]));
    let (code, out, err) = env.run(&["add", "--qr", &shot], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    assert!(
        err.starts_with("added \"microsoft\" (Microsoft: nome.cognome@unipi.it); current code "),
        "{err}"
    );
    if have("oathtool") {
        let got = env.ok(&["code", "microsoft", "--at", "1764000000"], "");
        assert_eq!(
            got.trim(),
            oathtool_totp("JBSWY3DPEHPK3PXP", "SHA1", 6, 30, 1_764_000_000)
        );
    }
}

#[test]
fn add_from_stdin_and_from_several_files() {
    let env = Env::with_key_vault();
    let mut c = env.cmd();
    c.args(["add", "--qr", "-"]);
    let png = qr_png(&[ENTRA]);
    let (code, _, err) = {
        use std::io::Write;
        use std::process::Stdio;
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child.stdin.take().unwrap().write_all(&png).unwrap();
        let o = child.wait_with_output().unwrap();
        (
            o.status.code().unwrap(),
            o.stdout,
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    assert_eq!(code, 0, "{err}");
    let a = write(
        &env,
        "a.png",
        &qr_png(&["otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXQ&issuer=GitHub"]),
    );
    let b = write(
        &env,
        "b.jpg.png",
        &qr_png(&["otpauth://totp/GitLab:me?secret=JBSWY3DPEHPK3PXR&issuer=GitLab"]),
    );
    env.ok(&["add", "--qr", &a, "--qr", &b], "");
    assert_eq!(env.names(), ["microsoft", "github", "gitlab"]);
}

#[test]
fn two_codes_in_one_image_and_a_name_is_refused() {
    let env = Env::with_key_vault();
    let both = write(
        &env,
        "both.png",
        &qr_png(&[
            "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXQ&issuer=GitHub",
            "otpauth://totp/GitLab:me?secret=JBSWY3DPEHPK3PXR&issuer=GitLab",
        ]),
    );
    let before = env.vault_bytes();
    let err = env.fails(&["add", "work", "--qr", &both], "", 1);
    assert!(
        err.contains("found 2 accounts but one NAME was given"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
    let (code, _, err) = env.run(&["add", "--qr", &both], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("added").count(), 2, "{err}");
}

#[test]
fn a_web_link_beside_the_otpauth_code_is_noted_and_ignored() {
    let env = Env::with_key_vault();
    let img = write(
        &env,
        "page.png",
        &qr_png(&["https://example.com/help", ENTRA]),
    );
    let (code, _, err) = env.run(&["add", "--qr", &img], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("ignored another QR code") && err.contains("example.com"),
        "{err}"
    );
}

#[test]
fn microsoft_push_codes_get_the_different_app_hint() {
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    for (i, push) in [
        "phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivate%3Fregion%3Deu",
        "https://login.microsoftonline.com/authenticatorApp/activateAccount?code=123456789&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com",
    ]
    .into_iter()
    .enumerate()
    {
        let img = write(&env, &format!("push{i}.png"), &qr_png(&[push]));
        let err = env.fails(&["add", "--qr", &img], "", 1);
        assert!(err.contains("Microsoft Authenticator app"), "{err}");
        assert!(err.contains("I want to use a different authenticator app"), "{err}");
    }
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn a_qr_that_is_not_otpauth_says_what_it_is() {
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    let img = write(
        &env,
        "wifi.png",
        &qr_png(&["WIFI:S:home;T:WPA;P:hunter2;;"]),
    );
    let err = env.fails(&["add", "--qr", &img], "", 1);
    assert!(
        err.contains("not an authenticator code") && err.contains("Wi-Fi"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

/// A Google Authenticator export QR adds every account in it. The payload is built with our own
/// writer from URIs; the accounts' codes are then checked against oathtool.
#[test]
fn google_authenticator_export_adds_every_account() {
    let env = Env::with_key_vault();
    let accounts: Vec<authcli::account::Account> = [
        "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXQ&issuer=GitHub",
        "otpauth://totp/Example:you@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example",
        "otpauth://hotp/Token:hw?secret=JBSWY3DPEHPK3PXR&counter=5&issuer=Token",
    ]
    .iter()
    .map(|u| authcli::uri::parse_otpauth(u).unwrap())
    .collect();
    let export = authcli::uri::to_migration(&accounts, 10, -1_234_567);
    assert_eq!(export.codes.len(), 1);
    let img = write(&env, "export.png", &qr_png(&[export.codes[0].as_str()]));
    let (code, _, err) = env.run(&["add", "--qr", &img], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("added").count(), 3, "{err}");
    if have("oathtool") {
        let got = env.ok(&["code", "example", "--at", "59"], "");
        assert_eq!(
            got.trim(),
            oathtool_totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "SHA1", 6, 30, 59)
        );
    }
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--json", "token"], "")).unwrap();
    assert_eq!(v[0]["counter"], 5);
}

#[test]
fn part_of_a_multi_code_export_says_what_is_missing() {
    let env = Env::with_key_vault();
    let accounts: Vec<authcli::account::Account> = (0..3)
        .map(|i| {
            authcli::uri::parse_otpauth(&format!(
                "otpauth://totp/S{i}:me?secret=JBSWY3DPEHPK3PX{}&issuer=S{i}",
                ["A", "B", "C"][i]
            ))
            .unwrap()
        })
        .collect();
    let export = authcli::uri::to_migration(&accounts, 1, 42);
    assert_eq!(export.codes.len(), 3);
    let img = write(&env, "part2.png", &qr_png(&[export.codes[1].as_str()]));
    let (code, _, err) = env.run(&["add", "--qr", &img], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("code 2 of 3") && err.contains("1, 3"), "{err}");
}

#[test]
fn bad_images_leave_the_vault_untouched() {
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    let png = qr_png(&[ENTRA]);
    let one_px = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::GrayImage::from_pixel(1, 1, image::Luma([255]))
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    let blank = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::GrayImage::from_pixel(800, 600, image::Luma([240]))
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    // A PNG header that claims 100000 × 100000 pixels (a decompression bomb), with a valid CRC.
    let bomb = {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let mut crc = 0xffff_ffffu32;
        for &b in &ihdr {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        let mut f = b"\x89PNG\r\n\x1a\n\0\0\0\x0d".to_vec();
        f.extend_from_slice(&ihdr);
        f.extend_from_slice(&(!crc).to_be_bytes());
        f
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.txt",
            b"just some text, not an image\n".to_vec(),
            "not an image",
        ),
        ("truncated.png", png[..png.len() / 2].to_vec(), ""),
        ("empty.png", vec![], ""),
        ("one-pixel.png", one_px, ""),
        ("blank.png", blank, "no QR code found in "),
        ("bomb.png", bomb, "limit"),
    ];
    for (name, bytes, want) in cases {
        let p = write(&env, name, &bytes);
        let err = env.fails(&["add", "--qr", &p], "", 1);
        assert!(err.contains(name), "{name}: message names the file: {err}");
        assert!(err.contains(want), "{name}: {err}");
        assert_eq!(env.vault_bytes(), before, "{name}");
    }
    let err = env.fails(&["add", "--qr", "/nonexistent/shot.png"], "", 1);
    assert!(err.contains("/nonexistent/shot.png"), "{err}");
}
