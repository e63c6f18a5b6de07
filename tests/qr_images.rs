//! `authcli::qr` against images made at test time: the `qrcode` crate encodes a known otpauth
//! URI (the independent oracle), small transforms below turn it into the screenshots users
//! take (big canvas, dark theme, browser smoothing, JPEG, rotation, noise, …), and the decoded
//! strings must be exactly the URI. The committed Chromium screenshots in
//! `tests/fixtures/screenshots/` (made by `scripts/make-screenshots.sh`) are decoded at the end.

use std::io::Cursor;

use authcli::qr::{self, QrError};
use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgb, RgbImage};
use qrcode::QrCode;

const URI: &str = "otpauth://totp/Example%20Corp:demo%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp";
const URI2: &str = "otpauth://totp/Example%20Corp:backup%40example.com?secret=KRSXG5CTMVRXEZLU&issuer=Example%20Corp";
const SHORT_URI: &str = "otpauth://totp/demo?secret=JBSWY3DPEHPK3PXP";

// ---------------------------------------------------------------- image making

/// The code with its 4-module quiet zone, `module` pixels per module, black on white.
fn code(uri: &str, module: u32) -> GrayImage {
    QrCode::new(uri.as_bytes())
        .unwrap()
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module, module)
        .build()
}

/// The code scaled to `size` pixels (quiet zone included) with bilinear smoothing, the way a
/// browser shows a small QR image at a non-integer CSS size (blurry edges when upscaling,
/// grey mixed modules when downscaling).
fn code_scaled(uri: &str, size: u32) -> GrayImage {
    imageops::resize(&code(uri, 1), size, size, FilterType::Triangle)
}

/// A tiny deterministic PRNG (xorshift32) so noise and clutter are the same on every run.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

/// A page of `w`×`h` with background `bg` and some text-like clutter (rows of small dark
/// rectangles) away from the region where the code goes.
fn page(w: u32, h: u32, bg: u8, ink: u8, seed: u32) -> GrayImage {
    let mut img = GrayImage::from_pixel(w, h, Luma([bg]));
    let mut rng = Rng(seed);
    let lines = (h / 40).min(30);
    for line in 0..lines {
        let y = 20 + line * (h - 40) / lines.max(1);
        let mut x = 20 + rng.below(40);
        let end = w.saturating_sub(40).min(x + 200 + rng.below(w / 2));
        while x + 12 < end {
            let word = 4 + rng.below(40);
            let word = word.min(end - x);
            fill(&mut img, x, y, word, 10, ink);
            x += word + 6;
        }
    }
    img
}

fn fill(img: &mut GrayImage, x0: u32, y0: u32, w: u32, h: u32, v: u8) {
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            img.put_pixel(x, y, Luma([v]));
        }
    }
}

/// `img` with a blank margin of `pad` around it (so clutter never touches the quiet zone),
/// copied into `dst` at (`x`, `y`).
fn place(dst: &mut GrayImage, img: &GrayImage, x: u32, y: u32) {
    let pad = 12;
    let bg = img.get_pixel(0, 0).0[0];
    fill(
        dst,
        x.saturating_sub(pad),
        y.saturating_sub(pad),
        img.width() + 2 * pad,
        img.height() + 2 * pad,
        bg,
    );
    imageops::replace(dst, img, i64::from(x), i64::from(y));
}

fn invert(mut img: GrayImage) -> GrayImage {
    imageops::invert(&mut img);
    img
}

/// Maps 0..=255 onto `lo..=hi`.
fn contrast(mut img: GrayImage, lo: u8, hi: u8) -> GrayImage {
    let span = u32::from(hi - lo);
    for p in img.pixels_mut() {
        p.0[0] = lo + u8::try_from(u32::from(p.0[0]) * span / 255).unwrap();
    }
    img
}

/// Adds uniform noise of ±`amp` grey levels.
fn noise(mut img: GrayImage, amp: i32, seed: u32) -> GrayImage {
    let mut rng = Rng(seed);
    let span = u32::try_from(2 * amp + 1).unwrap();
    for p in img.pixels_mut() {
        let d = i32::try_from(rng.below(span)).unwrap() - amp;
        p.0[0] = u8::try_from((i32::from(p.0[0]) + d).clamp(0, 255)).unwrap();
    }
    img
}

/// Rotates by `deg` degrees about the centre with bilinear sampling; the corners that come
/// from outside are filled with `bg`. The output keeps the input size.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // pixel coordinates, checked
fn rotate(img: &GrayImage, deg: f64, bg: u8) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
    let get = |x: i64, y: i64| -> f64 {
        if x < 0 || y < 0 || x >= i64::from(w) || y >= i64::from(h) {
            f64::from(bg)
        } else {
            f64::from(img.get_pixel(x as u32, y as u32).0[0])
        }
    };
    GrayImage::from_fn(w, h, |x, y| {
        let dx = f64::from(x) + 0.5 - cx;
        let dy = f64::from(y) + 0.5 - cy;
        let sx = c * dx + s * dy + cx - 0.5;
        let sy = -s * dx + c * dy + cy - 0.5;
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let top = get(x0, y0) * (1.0 - fx) + get(x0 + 1, y0) * fx;
        let bottom = get(x0, y0 + 1) * (1.0 - fx) + get(x0 + 1, y0 + 1) * fx;
        Luma([(top * (1.0 - fy) + bottom * fy).round() as u8])
    })
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn png(img: GrayImage) -> Vec<u8> {
    encode(&DynamicImage::ImageLuma8(img), ImageFormat::Png)
}

fn jpeg(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

/// A light page of `w`×`h` with `code` at (`x`, `y`).
fn light_page_with(w: u32, h: u32, code: &GrayImage, x: u32, y: u32) -> GrayImage {
    let mut img = page(w, h, 243, 40, w ^ h);
    place(&mut img, code, x, y);
    img
}

fn decoded(bytes: &[u8]) -> Vec<String> {
    match qr::decode(bytes) {
        Ok(v) => v,
        Err(e) => panic!("decode failed: {e}"),
    }
}

fn assert_uri(bytes: &[u8]) {
    assert_eq!(decoded(bytes), vec![URI.to_string()]);
}

// ---------------------------------------------------------------- decoding

#[test]
fn plain_code() {
    assert_uri(&png(code(URI, 4)));
}

#[test]
fn code_anywhere_on_a_1366x768_page() {
    assert_uri(&png(light_page_with(1366, 768, &code(URI, 4), 941, 377)));
}

#[test]
fn browser_upscaled_blurry_code() {
    // 49 modules (with quiet zone) shown at 220 px: 4.49 px per module, smoothed edges
    assert_uri(&png(light_page_with(
        1366,
        768,
        &code_scaled(URI, 220),
        321,
        270,
    )));
}

#[test]
fn dark_theme_inverted_code() {
    // light modules on a dark card, dark page around it
    let mut img = page(1366, 768, 18, 200, 7);
    place(
        &mut img,
        &contrast(invert(code_scaled(URI, 220)), 31, 232),
        500,
        300,
    );
    assert_uri(&png(img));
}

#[test]
fn jpeg_quality_50() {
    let img = light_page_with(1920, 1080, &code_scaled(URI, 230), 700, 420);
    assert_uri(&jpeg(&DynamicImage::ImageLuma8(img), 50));
}

#[test]
fn rotated_photo_of_a_screen() {
    for (deg, seed) in [(3.0, 1), (-6.5, 2), (10.0, 3)] {
        let img = light_page_with(900, 700, &code_scaled(URI, 260), 300, 200);
        let img = noise(rotate(&img, deg, 200), 6, seed);
        assert_uri(&png(img));
    }
}

#[test]
fn low_contrast_code() {
    // grey modules on a light grey card: a 60-level difference
    let img = light_page_with(
        1366,
        768,
        &contrast(code_scaled(URI, 240), 150, 210),
        600,
        260,
    );
    assert_uri(&png(img));
}

#[test]
fn noisy_code() {
    let img = light_page_with(1366, 768, &code_scaled(URI, 240), 400, 300);
    assert_uri(&png(noise(img, 40, 42)));
}

#[test]
fn two_codes_in_one_image() {
    let mut img = page(1600, 900, 243, 40, 5);
    place(&mut img, &code_scaled(URI2, 230), 980, 420);
    place(&mut img, &code_scaled(URI, 230), 200, 120);
    let got = decoded(&png(img));
    // reading order: the top-left one first
    assert_eq!(got, vec![URI.to_string(), URI2.to_string()]);
}

#[test]
fn tiny_code_in_a_4k_screenshot() {
    // 41 modules in 60 px (72 px with the quiet zone): under 1.5 px per module
    let img = light_page_with(3840, 2160, &code_scaled(URI, 72), 2900, 1500);
    assert_uri(&png(img));
}

#[test]
fn tiny_inverted_code_in_a_4k_screenshot() {
    let mut img = page(3840, 2160, 18, 200, 11);
    place(
        &mut img,
        &contrast(invert(code_scaled(SHORT_URI, 64)), 31, 232),
        420,
        1700,
    );
    assert_eq!(decoded(&png(img)), vec![SHORT_URI.to_string()]);
}

#[test]
fn code_in_a_5k_screenshot() {
    let img = light_page_with(5120, 2880, &code_scaled(URI, 440), 3900, 2100);
    assert_uri(&png(img));
}

#[test]
fn colour_screenshot_rgb_and_rgba() {
    let gray = light_page_with(1200, 800, &code_scaled(URI, 220), 100, 500);
    let rgb = RgbImage::from_fn(1200, 800, |x, y| {
        let v = gray.get_pixel(x, y).0[0];
        // a blue-ish tint as on a real page
        Rgb([v.saturating_sub(30), v.saturating_sub(10), v])
    });
    assert_uri(&encode(
        &DynamicImage::ImageRgb8(rgb.clone()),
        ImageFormat::Png,
    ));
    let rgba = DynamicImage::ImageRgb8(rgb).to_rgba8();
    let (w, h) = rgba.dimensions();
    assert_eq!(
        qr::decode_rgba(w, h, &qr::Pixels::Rgba(rgba.into_raw())),
        vec![URI.to_string()]
    );
}

#[test]
fn transparent_png_code() {
    // black modules on a transparent background (a QR exported as a PNG icon)
    let c = code(URI, 4);
    let rgba = image::RgbaImage::from_fn(c.width(), c.height(), |x, y| {
        if c.get_pixel(x, y).0[0] < 128 {
            image::Rgba([0, 0, 0, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    assert_uri(&encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png));
}

/// A PNG written by the `png` crate itself, for the colour types and depths `image` does not
/// write: palette, 1-bit grey, 16-bit with alpha.
fn png_raw(
    w: u32,
    h: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    palette: Option<&[u8]>,
    data: &[u8],
) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        if let Some(p) = palette {
            enc.set_palette(p.to_vec());
        }
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(data).unwrap();
    }
    out
}

#[test]
fn every_png_colour_type_and_depth() {
    let page = light_page_with(600, 400, &code(URI, 4), 100, 60);
    let (w, h) = page.dimensions();
    let grey = page.as_raw();
    // 16-bit grey, grey+alpha, RGB, RGBA (big-endian samples, as PNG stores them)
    let wide = |v: u8| [v, v];
    for (color, samples) in [
        (png::ColorType::Grayscale, 1),
        (png::ColorType::GrayscaleAlpha, 2),
        (png::ColorType::Rgb, 3),
        (png::ColorType::Rgba, 4),
    ] {
        let mut data = Vec::new();
        for &v in grey {
            for s in 0..samples {
                // alpha fully opaque
                let alpha = samples % 2 == 0 && s == samples - 1;
                data.extend_from_slice(&wide(if alpha { 255 } else { v }));
            }
        }
        let bytes = png_raw(w, h, color, png::BitDepth::Sixteen, None, &data);
        assert_uri(&bytes);
    }
    // 1-bit grey (rows padded to whole bytes)
    let row_bytes = w.div_ceil(8) as usize;
    let mut bits = vec![0u8; row_bytes * h as usize];
    for (i, &v) in grey.iter().enumerate() {
        let (x, y) = (i % w as usize, i / w as usize);
        if v >= 128 {
            bits[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
        }
    }
    assert_uri(&png_raw(
        w,
        h,
        png::ColorType::Grayscale,
        png::BitDepth::One,
        None,
        &bits,
    ));
    // a palette: index 0 dark blue, 1 pale yellow
    let palette = [10, 20, 90, 250, 250, 200];
    let idx: Vec<u8> = grey.iter().map(|&v| u8::from(v >= 128)).collect();
    assert_uri(&png_raw(
        w,
        h,
        png::ColorType::Indexed,
        png::BitDepth::Eight,
        Some(&palette),
        &idx,
    ));
}

/// `img` as an Adam7-interlaced 16-bit RGBA PNG (neither `image` nor `png` writes interlaced
/// PNGs): each pass's rows unfiltered, in stored (uncompressed) deflate blocks.
fn adam7_rgba16_png(img: &GrayImage) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let (w, h) = img.dimensions();
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ] {
        if x0 >= w || y0 >= h {
            continue;
        }
        for y in (y0..h).step_by(dy) {
            raw.push(0); // filter: none
            for x in (x0..w).step_by(dx) {
                let v = img.get_pixel(x, y).0[0];
                // R, G, B = grey, alpha opaque; 16 bits each, big-endian
                raw.extend_from_slice(&[v, v, v, v, v, v, 255, 255]);
            }
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap();
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut sum1, mut sum2) = (1u32, 0u32); // Adler-32
    for &byte in &raw {
        sum1 = (sum1 + u32::from(byte)) % 65_521;
        sum2 = (sum2 + sum1) % 65_521;
    }
    zlib.extend_from_slice(&((sum2 << 16) | sum1).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[16, 6, 0, 0, 1]); // 16-bit RGBA, deflate, filter 0, Adam7
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn interlaced_png() {
    let page = light_page_with(500, 380, &code(URI, 4), 90, 50);
    let bytes = adam7_rgba16_png(&page);
    // the oracle: `image` reads the same pixels back
    let back = image::load_from_memory(&bytes).unwrap().to_luma8();
    assert_eq!(back.as_raw(), page.as_raw());
    assert_uri(&bytes);
}

#[test]
fn gif_bmp_webp_and_format_from_bytes() {
    let img = DynamicImage::ImageRgb8(
        DynamicImage::ImageLuma8(light_page_with(800, 600, &code_scaled(URI, 220), 300, 200))
            .to_rgb8(),
    );
    for format in [ImageFormat::Gif, ImageFormat::Bmp, ImageFormat::WebP] {
        assert_uri(&encode(&img, format));
    }
    // the bytes decide, not a name: a JPEG is read whatever it is called
    assert_uri(&jpeg(&img, 90));
}

#[test]
fn utf8_and_binary_payloads() {
    let utf8 = "otpauth://totp/Soci\u{e9}t\u{e9}:zo\u{eb}?secret=JBSWY3DPEHPK3PXP&issuer=Soci\u{e9}t\u{e9}";
    assert_eq!(decoded(&png(code(utf8, 4))), vec![utf8.to_string()]);
    // bytes that are not UTF-8 come back lossily (U+FFFD), never as an error
    let bytes = b"otpauth://totp/x?secret=AB\xff\xfe";
    let img = QrCode::new(bytes)
        .unwrap()
        .render::<Luma<u8>>()
        .module_dimensions(4, 4)
        .build();
    let got = decoded(&png(img));
    assert_eq!(got.len(), 1);
    assert!(got[0].starts_with("otpauth://totp/x?secret=AB"), "{got:?}");
}

#[test]
fn decode_image_and_rgba_find_nothing_quietly() {
    let blank = DynamicImage::ImageLuma8(page(800, 600, 243, 40, 3));
    assert!(qr::decode_image(&blank).is_empty());
    assert!(
        qr::decode_rgba(30, 30, &qr::Pixels::Rgba(vec![0; 3])).is_empty(),
        "short buffer"
    );
    // grey pixels whose size is not the one claimed
    let grey = qr::decode_to_grey(&png(code(URI, 4))).unwrap();
    let (w, h) = grey.dimensions();
    assert!(qr::decode_rgba(w + 1, h, &qr::Pixels::Grey(grey)).is_empty());
    let grey = qr::decode_to_grey(&png(code(URI, 4))).unwrap();
    assert_eq!(
        qr::decode_rgba(w, h, &qr::Pixels::Grey(grey)),
        vec![URI.to_string()]
    );
}

// ---------------------------------------------------------------- errors

#[test]
fn no_code() {
    let err = qr::decode(&png(page(1366, 768, 243, 40, 9))).unwrap_err();
    assert_eq!(err, QrError::NoCode);
    assert_eq!(
        err.to_string(),
        "no QR code found; try a larger or sharper screenshot"
    );
}

#[test]
fn not_an_image() {
    for bytes in [
        &b"otpauth://totp/x?secret=AB"[..],
        b"",
        b"%PDF-1.7\n",
        &[0u8; 64],
    ] {
        let err = qr::decode(bytes).unwrap_err();
        assert_eq!(err, QrError::NotAnImage, "{bytes:?}");
        assert_eq!(
            err.to_string(),
            "not an image (PNG, JPEG, GIF, BMP or WebP expected)"
        );
    }
}

#[test]
fn truncated_png() {
    let bytes = png(code(URI, 4));
    for len in [bytes.len() / 2, 40] {
        let err = qr::decode(&bytes[..len]).unwrap_err();
        assert!(matches!(err, QrError::Truncated { .. }), "{len}: {err:?}");
        assert_eq!(
            err.to_string(),
            "truncated PNG image: the file ends before the pixels do"
        );
    }
}

#[test]
fn corrupt_png() {
    let mut bytes = png(light_page_with(400, 300, &code(URI, 3), 50, 50));
    let n = bytes.len();
    // scramble the compressed pixel data, keep the length
    for b in &mut bytes[n / 3..n - 20] {
        *b ^= 0x5a;
    }
    let err = qr::decode(&bytes).unwrap_err();
    assert!(matches!(err, QrError::Corrupt { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("corrupt PNG image: "), "{msg}");
    assert!(!msg.contains('\n') && !msg.ends_with('.'), "{msg}");
}

#[test]
fn too_small() {
    let err = qr::decode(&png(GrayImage::new(1, 1))).unwrap_err();
    assert!(
        matches!(
            err,
            QrError::TooSmall {
                width: 1,
                height: 1
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("1x1"), "{err}");
}

/// A PNG of 60-odd bytes claiming `w`×`h` pixels: signature, IHDR, and the start of an IDAT
/// chunk (a zlib stream that is cut short), as a decompression bomb starts. With
/// `idat: false` the file ends right after the IHDR chunk.
fn png_header(w: u32, h: u32, idat: bool) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    if idat {
        chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x62, 0x60, 0x00]);
    }
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn too_large_is_refused_before_decoding() {
    for (w, h, idat) in [
        (100_000, 100_000, true),
        (9000, 9000, true),
        (2_000_000_000, 40, true),
        (100_000, 100_000, false),
    ] {
        let err = qr::decode(&png_header(w, h, idat)).unwrap_err();
        assert_eq!(
            err,
            QrError::TooLarge {
                width: w,
                height: h,
                limit: qr::MAX_PIXELS
            },
            "{w}x{h}"
        );
        assert!(
            err.to_string().contains(&qr::MAX_PIXELS.to_string()),
            "{err}"
        );
    }
    // an 8K screenshot is fine: it gets past the size check (to the missing pixel data)
    let err = qr::decode(&png_header(7680, 4320, true)).unwrap_err();
    assert!(matches!(err, QrError::Truncated { .. }), "{err:?}");
    const { assert!(qr::MAX_PIXELS >= 7680 * 4320) };
}

/// The start of a progressive JPEG claiming `w`×`h` pixels in 3 components: quantisation
/// table, frame header (`SOF2`), Huffman tables, a DC scan header, and a few bytes of scan
/// data (then the file stops).
fn progressive_jpeg_header(w: u16, h: u16) -> Vec<u8> {
    fn segment(out: &mut Vec<u8>, marker: u8, data: &[u8]) {
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&u16::try_from(data.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(data);
    }
    let mut out = vec![0xFF, 0xD8];
    let mut dqt = vec![0x00];
    dqt.extend_from_slice(&[1; 64]);
    segment(&mut out, 0xDB, &dqt);
    let mut sof = vec![8];
    sof.extend_from_slice(&h.to_be_bytes());
    sof.extend_from_slice(&w.to_be_bytes());
    sof.push(3);
    for id in 1..=3 {
        sof.extend_from_slice(&[id, 0x11, 0]);
    }
    segment(&mut out, 0xC2, &sof);
    // DC table 0: one code of length 1 for category 0
    let mut dht = vec![0x00, 1];
    dht.extend_from_slice(&[0; 15]);
    dht.push(0);
    segment(&mut out, 0xC4, &dht);
    // AC table 0, the same
    let mut dht = vec![0x10, 1];
    dht.extend_from_slice(&[0; 15]);
    dht.push(0);
    segment(&mut out, 0xC4, &dht);
    segment(&mut out, 0xDA, &[3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0]);
    out.extend_from_slice(&[0; 16]);
    out
}

#[test]
fn progressive_jpeg_coefficients_count_against_memory() {
    // 8192 x 8192 progressive: zune-jpeg would hold 402 MB of coefficients beside 201 MB of
    // pixels; refused from the headers
    let err = qr::decode(&progressive_jpeg_header(8192, 8192)).unwrap_err();
    assert!(matches!(err, QrError::TooMuchMemory { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "image too large to decode: 8192x8192 JPEG pixels and the file take 604 MB, the limit is 360 MB"
    );
    // (that a sequential JPEG of that size, or an 8K progressive one, passes the check is a
    // unit test in qr.rs: decoding and searching them takes seconds in a debug build)
}

// ---------------------------------------------------------------- committed screenshots

fn fixture(name: &str) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/screenshots/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    decoded(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

#[test]
fn screenshot_light_1366x768() {
    assert_eq!(fixture("light-1366x768.png"), vec![URI.to_string()]);
}

#[test]
fn screenshot_dark_1366x768() {
    assert_eq!(fixture("dark-1366x768.png"), vec![URI.to_string()]);
}

#[test]
fn screenshot_light_2560x1440() {
    assert_eq!(fixture("light-2560x1440.png"), vec![URI.to_string()]);
}

#[test]
fn screenshot_dark_2560x1440() {
    assert_eq!(fixture("dark-2560x1440.png"), vec![URI.to_string()]);
}

#[test]
fn screenshot_dark_3840x2160_jpeg() {
    assert_eq!(fixture("dark-3840x2160.jpg"), vec![URI.to_string()]);
}

#[test]
fn screenshot_light_5120x2880_two_codes() {
    assert_eq!(
        fixture("light-5120x2880-two-codes.png"),
        vec![URI.to_string(), URI2.to_string()]
    );
}

#[test]
fn readme_example_screenshot() {
    let path = format!("{}/examples/setup-page.png", env!("CARGO_MANIFEST_DIR"));
    assert_uri(&std::fs::read(path).unwrap());
}
