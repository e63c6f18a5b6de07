//! Every QR code in an image (a screenshot of a "scan this QR code" page, usually) → its
//! decoded strings.
//!
//! The decoder is rxing's port of zxing-cpp's QR reader (finder-pattern detection with
//! perspective sampling). Around it a small cascade, measured on Chromium screenshots from
//! 1366×768 to 5120×2880 (see `scripts/qr-bench.sh`):
//!
//! 1. The image is decoded straight to 8-bit grey (alpha over white): PNG row by row at
//!    8 bits, the other formats in place (peak memory on a 5K screenshot near 25 MB). Its
//!    size is checked from the header first, in pixels and in the memory the file, the
//!    decoder and the search will take together (see "loading" below): whatever the image,
//!    peak memory stays under 400 MB.
//! 2. Images over 4 Mpx are halved (2×2 box average) until they are not: a 4K or 5K
//!    screenshot of a page shows its code at device scale 2 or more, so the half image holds
//!    it with ≥ 2 px per module, and is 4× cheaper to scan. Levels go coarse → fine.
//! 3. On each level: the hybrid (local block) binariser, first in the polarity the page
//!    suggests (mostly dark page → try the inverted image first: light modules on dark),
//!    then the other. The first level and polarity that decodes anything wins (every code
//!    found there is returned, so two codes side by side come back together).
//! 4. Only when all that found nothing: global thresholds at the valleys between the grey
//!    levels of the page (screenshots are made of few flat colours), which separates a
//!    low-contrast code on a grey card from the lighter page around the card, where the
//!    local binariser merges the card into the code's quiet zone.
//!
//! The full-resolution pass keeps tiny codes (60 px wide in a 4K screenshot, 1.5 px per
//! module) readable; rotation, blur, JPEG artefacts and noise are the reader's business.

use std::collections::HashSet;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, LuminanceSource};

/// The largest image accepted, in pixels (8192 × 8192: an 8K screenshot, 7680 × 4320, or two
/// 4K screens side by side fit). Larger images are refused from their header, before any
/// pixel is decoded.
pub const MAX_PIXELS: u64 = 1 << 26;

/// The smallest side that can hold a QR code (version 1 has 21 modules).
const MIN_SIDE: u32 = 21;

/// Most bytes a pixel decoder may allocate: `MAX_PIXELS` of 8-bit RGBA (16-bit PNGs are cut to
/// 8 bits while decoding; the other formats have 8-bit samples).
const MAX_ALLOC: u64 = MAX_PIXELS * 4;

/// Most bytes an image file (which the caller holds throughout) and the larger of its decoded
/// pixels and the search's working set may take together: with the program itself, peak memory
/// stays under 400 MB for any input.
const MAX_DECODE_BYTES: u64 = 360_000_000;

/// The largest image file worth reading: a larger one cannot pass the memory check above
/// whatever its pixels (callers that read files can refuse it before reading it).
pub const MAX_FILE_BYTES: u64 = MAX_DECODE_BYTES;

/// The search's working set per pixel of the full image, rounded up (grey image, pyramid,
/// rxing's copy and bit matrices: 179 MB measured at 8192 × 8192, program included).
const SEARCH_BYTES_PER_PIXEL: u64 = 3;

/// Levels are halved while they have more pixels than this.
const HALVE_ABOVE: usize = 4_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("not an image (PNG, JPEG, GIF, BMP or WebP expected)")]
    NotAnImage,
    #[error("truncated {format} image: {detail}")]
    Truncated { format: String, detail: String },
    #[error("corrupt {format} image: {detail}")]
    Corrupt { format: String, detail: String },
    #[error("image too large: {width}x{height} pixels, the limit is {limit} pixels")]
    TooLarge { width: u32, height: u32, limit: u64 },
    #[error(
        "image too large to decode: {width}x{height} {format} pixels and the file take {needed_mb} MB, the limit is {limit_mb} MB"
    )]
    TooMuchMemory {
        format: String,
        width: u32,
        height: u32,
        needed_mb: u64,
        limit_mb: u64,
    },
    #[error("image too small to hold a QR code: {width}x{height} pixels")]
    TooSmall { width: u32, height: u32 },
    #[error("no QR code found; try a larger or sharper screenshot")]
    NoCode,
}

/// Decodes an image file's bytes (PNG, JPEG, GIF, BMP or WebP, told apart by their content)
/// and returns the payload of every QR code found, top to bottom, left to right; payloads
/// that are not UTF-8 come back lossily converted. Never an empty `Vec`: no code is
/// [`QrError::NoCode`].
pub fn decode(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    let found = search(&load(bytes)?.0);
    if found.is_empty() {
        Err(QrError::NoCode)
    } else {
        Ok(found)
    }
}

/// An image file decoded to 8-bit grey (what [`decode_to_grey`] gives, ready for the QR search).
pub struct Grey(Gray);

impl Grey {
    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        let side = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        (side(self.0.w), side(self.0.h))
    }
}

/// Checks, before any pixel is fetched, that a captured image (a screen) of `width` × `height`
/// pixels can be searched within the memory budget, while the capture holds `held` bytes of its
/// own (the capture library's buffers) beside the grey image.
pub fn check_capture(width: u32, height: u32, held: u64) -> Result<(), QrError> {
    check_size(width, height)?;
    let grey = u64::from(width) * u64::from(height);
    check_memory(
        "screen",
        width,
        height,
        usize::try_from(held).unwrap_or(usize::MAX),
        grey,
    )
}

impl Grey {
    /// A captured image's grey pixels (see [`luma`]), `width * height` bytes row by row; the
    /// size is checked as [`check_capture`] does (call that before allocating `px`).
    pub fn from_luma(width: u32, height: u32, px: Vec<u8>) -> Result<Grey, QrError> {
        check_capture(width, height, 0)?;
        let (w, h) = (width as usize, height as usize);
        if px.len() != w * h {
            return Err(QrError::Corrupt {
                format: "screen".into(),
                detail: format!("{} bytes for {width}x{height} pixels", px.len()),
            });
        }
        Ok(Grey(Gray { w, h, px }))
    }
}

/// The QR payloads in a grey image (empty when there is none): the search of [`decode`].
pub fn decode_grey(grey: &Grey) -> Vec<String> {
    search(&grey.0)
}

/// Decodes an image file's bytes to 8-bit grey, checking its size from the header first; the
/// same path as [`decode`], for callers that want the size or the errors before the search.
pub fn decode_to_grey(bytes: &[u8]) -> Result<Grey, QrError> {
    load(bytes)
}

/// An image's pixels as a clipboard hands them over.
pub enum Pixels {
    /// Raw RGBA rows, `width * height * 4` bytes (arboard's decoded image).
    Rgba(Vec<u8>),
    /// An image file already decoded to grey by [`decode_to_grey`].
    Grey(Grey),
}

/// The QR payloads in an already decoded image (empty when there is none).
pub fn decode_image(img: &DynamicImage) -> Vec<String> {
    let gray = Gray::from_image(img);
    if gray.w < MIN_SIDE as usize || gray.h < MIN_SIDE as usize {
        return Vec::new();
    }
    search(&gray)
}

/// The QR payloads in a clipboard image of `width` × `height` pixels. Empty when there is
/// none, or when the pixels do not match the size (an RGBA buffer shorter than
/// `width * height * 4`).
pub fn decode_rgba(width: u32, height: u32, pixels: &Pixels) -> Vec<String> {
    let (w, h) = (width as usize, height as usize);
    if width < MIN_SIDE || height < MIN_SIDE {
        return Vec::new();
    }
    match pixels {
        Pixels::Grey(Grey(g)) if (g.w, g.h) == (w, h) => search(g),
        Pixels::Grey(_) => Vec::new(),
        Pixels::Rgba(rgba) => {
            let Some(len) = w.checked_mul(h).and_then(|n| n.checked_mul(4)) else {
                return Vec::new();
            };
            if rgba.len() < len {
                return Vec::new();
            }
            let px = rgba[..len]
                .chunks_exact(4)
                .map(|p| over_white(luma(p[0], p[1], p[2]), p[3]))
                .collect();
            search(&Gray { w, h, px })
        }
    }
}

// ------------------------------------------------------------------------------------ loading
//
// Memory: at the pixel limit (8192 × 8192) a 16-bit RGBA image is 512 MB and its 8-bit RGBA
// copy 256 MB, while the grey image the search needs is 64 MB. So pixels never go through a
// `DynamicImage`: PNG rows come out of the `png` decoder one at a time, cut to 8 bits
// (`STRIP_16`), and are turned into grey as they come (Adam7-interlaced PNGs: the whole frame at
// 8 bits, then as below); the other formats (all 8-bit) are decoded into one buffer that is
// turned into grey in place and shrunk. The size is checked from the header before any of it.

fn load(bytes: &[u8]) -> Result<Grey, QrError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| QrError::NotAnImage)?;
    let format = match reader.format() {
        Some(ImageFormat::Png) => "PNG",
        Some(ImageFormat::Jpeg) => "JPEG",
        Some(ImageFormat::Gif) => "GIF",
        Some(ImageFormat::Bmp) => "BMP",
        Some(ImageFormat::WebP) => "WebP",
        _ => return Err(QrError::NotAnImage),
    };
    let decoder = match open(bytes, pixel_limits()) {
        Ok(decoder) => decoder,
        // a header whose size alone breaks the limits: find out which size, to say it
        Err(e @ ImageError::Limits(_)) => {
            let (width, height) = open(bytes, Limits::no_limits())
                .map_err(|e2| classify(format, &e2))?
                .dimensions();
            check_size(width, height)?;
            return Err(classify(format, &e));
        }
        Err(e) => {
            // a PNG bomb cut short after its header still says its size in the IHDR chunk
            if let Some((width, height)) = png_size(bytes) {
                check_size(width, height)?;
            }
            return Err(classify(format, &e));
        }
    };
    let (width, height) = decoder.dimensions();
    check_size(width, height)?;
    let gray = if format == "PNG" {
        drop(decoder);
        png_gray(bytes)?
    } else {
        let output = decoder.total_bytes();
        let held = output.saturating_add(decoder_overhead(format, bytes, width, height, output));
        check_memory(format, width, height, bytes.len(), held)?;
        other_gray(decoder).map_err(|e| classify(format, &e))?
    };
    Ok(Grey(gray))
}

/// Refuses an image whose file (held by the caller) and decoded pixels (or the search on them)
/// would not fit in [`MAX_DECODE_BYTES`] together: uncompressed BMPs near the pixel limit (a
/// 256 MB file that decodes to 256 MB more), or a file padded with junk.
fn check_memory(
    format: &str,
    width: u32,
    height: u32,
    file: usize,
    pixels: u64,
) -> Result<(), QrError> {
    let search = u64::from(width) * u64::from(height) * SEARCH_BYTES_PER_PIXEL;
    let needed = u64::try_from(file)
        .unwrap_or(u64::MAX)
        .saturating_add(pixels.max(search));
    if needed > MAX_DECODE_BYTES {
        Err(QrError::TooMuchMemory {
            format: format.to_string(),
            width,
            height,
            needed_mb: needed.div_ceil(1_000_000),
            limit_mb: MAX_DECODE_BYTES / 1_000_000,
        })
    } else {
        Ok(())
    }
}

/// What a decoder holds beside its `output` bytes, from what the header says (read in the
/// decoders' sources; measured where an encoder was at hand), in bytes:
/// - GIF: a palette index a pixel and some (1.5 bytes a pixel: 344 MB peak at 8192 × 8192);
/// - JPEG: a copy of the file (`image` reads it all first), and for a progressive JPEG every
///   component's DCT coefficients, 2 bytes a sample, until the last scan (zune-jpeg);
/// - WebP: lossy (`VP8 `) its YUV planes, 1.5 bytes a pixel; lossless (`VP8L`) without alpha
///   a whole RGBA copy, 4; extended (`VP8X`) at worst lossy planes beside a lossless alpha
///   plane decoded through RGBA, 6.5, and an animation a canvas and a frame more, 12.
fn decoder_overhead(format: &str, bytes: &[u8], width: u32, height: u32, output: u64) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    match format {
        "GIF" => pixels * 3 / 2,
        "JPEG" => {
            let copy = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            copy.saturating_add(jpeg_progressive_components(bytes).map_or(0, |n| pixels * 2 * n))
        }
        "WebP" => match bytes.get(12..16) {
            Some(b"VP8 ") => pixels * 3 / 2,
            Some(b"VP8L") if output < 4 * pixels => 4 * pixels,
            Some(b"VP8L") => 0,
            _ if bytes.get(20).is_some_and(|flags| flags & 0x02 != 0) => 12 * pixels,
            _ => pixels * 13 / 2,
        },
        _ => 0,
    }
}

/// The number of components of a progressive JPEG (frame header `SOF2`, `SOF6`, `SOF10` or
/// `SOF14`); `None` for a sequential one, or when no frame header is found.
fn jpeg_progressive_components(bytes: &[u8]) -> Option<u64> {
    let mut i = 2; // past SOI
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(i + 1)?;
        match marker {
            0xFF => i += 1, // fill byte
            0xC2 | 0xC6 | 0xCA | 0xCE => return bytes.get(i + 9).map(|&n| u64::from(n)),
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => return None,
            0xD9 | 0xDA => return None,
            _ => {
                let len = u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]);
                i += 2 + usize::from(len);
            }
        }
    }
}

fn check_size(width: u32, height: u32) -> Result<(), QrError> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        Err(QrError::TooLarge {
            width,
            height,
            limit: MAX_PIXELS,
        })
    } else if width < MIN_SIDE || height < MIN_SIDE {
        Err(QrError::TooSmall { width, height })
    } else {
        Ok(())
    }
}

/// Width and height from a PNG's IHDR chunk (the first chunk, right after the signature).
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |i: usize| Some(u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    Some((be(16)?, be(20)?))
}

fn pixel_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// A decoder that has read the header only.
fn open(bytes: &[u8], limits: Limits) -> Result<impl ImageDecoder + '_, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    reader.limits(limits);
    reader.into_decoder()
}

/// A PNG (size already checked) as grey, at 8 bits per sample from the decoder on.
fn png_gray(bytes: &[u8]) -> Result<Gray, QrError> {
    let fail = |e: png::DecodingError| {
        let eof = matches!(&e, png::DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof);
        classify_detail("PNG", eof, &e.to_string())
    };
    let limits = png::Limits {
        bytes: usize::try_from(MAX_ALLOC).unwrap_or(usize::MAX),
    };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(fail)?;
    let (width, height, interlaced) = {
        let info = reader.info();
        (info.width, info.height, info.interlaced)
    };
    check_size(width, height)?;
    let (w, h) = (width as usize, height as usize);
    let samples = match reader.output_color_type() {
        (color, png::BitDepth::Eight) => color.samples(),
        (color, depth) => {
            return Err(QrError::Corrupt {
                format: "PNG".into(),
                detail: format!("unexpected {color:?} output at {depth:?} bits"),
            });
        }
    };
    let layout = Layout::with_samples(samples);
    if interlaced {
        let len = reader.output_buffer_size().ok_or(QrError::TooLarge {
            width,
            height,
            limit: MAX_PIXELS,
        })?;
        check_memory("PNG", width, height, bytes.len(), len as u64)?;
        let mut buf = vec![0u8; len];
        reader.next_frame(&mut buf).map_err(fail)?;
        return Ok(Gray {
            w,
            h,
            px: layout.to_gray_in_place(buf, w * h),
        });
    }
    check_memory("PNG", width, height, bytes.len(), (w * h) as u64)?;
    let mut px = Vec::with_capacity(w * h);
    while let Some(row) = reader.next_row().map_err(fail)? {
        layout.extend_gray(&mut px, row.data());
    }
    if px.len() != w * h {
        return Err(classify_detail("PNG", true, "missing rows"));
    }
    Ok(Gray { w, h, px })
}

/// Any other format (size already checked) as grey: decoded into one buffer, made grey in place.
fn other_gray(decoder: impl ImageDecoder) -> Result<Gray, ImageError> {
    let (w, h) = decoder.dimensions();
    let (w, h) = (w as usize, h as usize);
    let Some(layout) = Layout::of(decoder.color_type()) else {
        return Err(ImageError::Unsupported(
            image::error::UnsupportedError::from_format_and_kind(
                image::error::ImageFormatHint::Unknown,
                image::error::UnsupportedErrorKind::Color(decoder.color_type().into()),
            ),
        ));
    };
    let len = usize::try_from(decoder.total_bytes())
        .ok()
        .filter(|&n| u64::try_from(n).is_ok_and(|m| m <= MAX_ALLOC) && n == w * h * layout.bytes())
        .ok_or_else(|| {
            ImageError::Limits(image::error::LimitError::from_kind(
                image::error::LimitErrorKind::InsufficientMemory,
            ))
        })?;
    let mut buf = vec![0u8; len];
    decoder.read_image(&mut buf)?;
    Ok(Gray {
        w,
        h,
        px: layout.to_gray_in_place(buf, w * h),
    })
}

/// A decoder error as `Truncated` (the data stops early) or `Corrupt` (anything else).
fn classify(format: &str, e: &ImageError) -> QrError {
    let detail = match e {
        ImageError::Decoding(d) => {
            std::error::Error::source(d).map_or_else(|| d.to_string(), ToString::to_string)
        }
        other => other.to_string(),
    };
    let eof =
        matches!(e, ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof);
    classify_detail(format, eof, &detail)
}

fn classify_detail(format: &str, eof: bool, detail: &str) -> QrError {
    let lower = detail.to_lowercase();
    let truncated = eof
        || ["eof", "end of", "truncated", "too short", "no more data"]
            .iter()
            .any(|w| lower.contains(w));
    let format = format.to_string();
    if truncated {
        QrError::Truncated {
            format,
            detail: "the file ends before the pixels do".into(),
        }
    } else {
        QrError::Corrupt {
            format,
            detail: decoder_message(detail),
        }
    }
}

/// A decoder's message as one lowercase-initial line without a final full stop.
fn decoder_message(s: &str) -> String {
    let s = crate::text::one_line(s);
    let mut chars = s.trim_end_matches('.').chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "unreadable pixel data".into(),
    }
}

/// How a decoder lays out one pixel: 8-bit samples, grey or RGB, with or without alpha (what
/// the `png` decoder gives with `EXPAND | STRIP_16`, and what the JPEG, GIF, BMP and WebP
/// decoders give).
#[derive(Clone, Copy)]
enum Layout {
    L8,
    La8,
    Rgb8,
    Rgba8,
}

impl Layout {
    fn of(color: image::ColorType) -> Option<Layout> {
        use image::ColorType as C;
        match color {
            C::L8 => Some(Layout::L8),
            C::La8 => Some(Layout::La8),
            C::Rgb8 => Some(Layout::Rgb8),
            C::Rgba8 => Some(Layout::Rgba8),
            _ => None,
        }
    }

    fn with_samples(samples: usize) -> Layout {
        match samples {
            1 => Layout::L8,
            2 => Layout::La8,
            3 => Layout::Rgb8,
            _ => Layout::Rgba8,
        }
    }

    fn bytes(self) -> usize {
        match self {
            Layout::L8 => 1,
            Layout::La8 => 2,
            Layout::Rgb8 => 3,
            Layout::Rgba8 => 4,
        }
    }

    /// The grey of one pixel.
    fn gray(self, p: &[u8]) -> u8 {
        match self {
            Layout::L8 => p[0],
            Layout::La8 => over_white(p[0], p[1]),
            Layout::Rgb8 => luma(p[0], p[1], p[2]),
            Layout::Rgba8 => over_white(luma(p[0], p[1], p[2]), p[3]),
        }
    }

    /// Appends the grey of each pixel in `row`.
    fn extend_gray(self, px: &mut Vec<u8>, row: &[u8]) {
        match self {
            Layout::L8 => px.extend_from_slice(row),
            Layout::La8 => px.extend(row.chunks_exact(2).map(|p| Layout::La8.gray(p))),
            Layout::Rgb8 => px.extend(row.chunks_exact(3).map(|p| Layout::Rgb8.gray(p))),
            Layout::Rgba8 => px.extend(row.chunks_exact(4).map(|p| Layout::Rgba8.gray(p))),
        }
    }

    /// `buf` holds `n` pixels of this layout; returns their grey values in the same allocation,
    /// shrunk (pixel `i` is written at `i`, never past the bytes still to be read).
    fn to_gray_in_place(self, mut buf: Vec<u8>, n: usize) -> Vec<u8> {
        let bpp = self.bytes();
        // one slice of exactly `n` pixels, so that the compiler can drop the bounds checks
        let data = &mut buf[..n * bpp];
        match self {
            Layout::L8 => {}
            Layout::La8 => {
                for i in 0..n {
                    data[i] = over_white(data[2 * i], data[2 * i + 1]);
                }
            }
            Layout::Rgb8 => {
                for i in 0..n {
                    data[i] = luma(data[3 * i], data[3 * i + 1], data[3 * i + 2]);
                }
            }
            Layout::Rgba8 => {
                for i in 0..n {
                    let l = luma(data[4 * i], data[4 * i + 1], data[4 * i + 2]);
                    data[i] = over_white(l, data[4 * i + 3]);
                }
            }
        }
        buf.truncate(n);
        buf.shrink_to_fit();
        buf
    }
}

// ---------------------------------------------------------------------------------- grey image

/// An 8-bit grey image, row by row.
struct Gray {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Gray {
    fn from_image(img: &DynamicImage) -> Gray {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let px = match img {
            DynamicImage::ImageLuma8(b) => b.as_raw().clone(),
            DynamicImage::ImageRgb8(b) => b
                .as_raw()
                .chunks_exact(3)
                .map(|p| luma(p[0], p[1], p[2]))
                .collect(),
            DynamicImage::ImageRgba8(b) => b
                .as_raw()
                .chunks_exact(4)
                .map(|p| over_white(luma(p[0], p[1], p[2]), p[3]))
                .collect(),
            other => other
                .to_luma_alpha8()
                .as_raw()
                .chunks_exact(2)
                .map(|p| over_white(p[0], p[1]))
                .collect(),
        };
        Gray { w, h, px }
    }

    /// Half the size, each pixel the mean of a 2×2 block.
    fn half(&self) -> Gray {
        let (w, h) = (self.w / 2, self.h / 2);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let r0 = &self.px[2 * y * self.w..][..2 * w];
            let r1 = &self.px[(2 * y + 1) * self.w..][..2 * w];
            px.extend(r0.chunks_exact(2).zip(r1.chunks_exact(2)).map(|(a, b)| {
                let sum = u16::from(a[0]) + u16::from(a[1]) + u16::from(b[0]) + u16::from(b[1]);
                u8::try_from((sum + 2) / 4).unwrap_or(u8::MAX)
            }));
        }
        Gray { w, h, px }
    }

    /// Mostly dark (a dark theme): then light-on-dark codes are the likely ones.
    fn is_dark(&self) -> bool {
        let sample = self.px.iter().step_by(61);
        let (sum, n) = sample.fold((0u64, 0u64), |(s, n), &p| (s + u64::from(p), n + 1));
        sum < 128 * n
    }

    /// The thresholds halfway between the main grey levels (histogram peaks holding at least
    /// 1/500 of the pixels), at most 4 of them, from dark to light.
    fn valley_thresholds(&self) -> Vec<u8> {
        let mut hist = [0usize; 256];
        for &p in &self.px {
            hist[usize::from(p)] += 1;
        }
        // smooth over ±2 grey levels so JPEG and noise do not split a peak
        let smooth: Vec<usize> = (0..256usize)
            .map(|i| hist[i.saturating_sub(2)..=(i + 2).min(255)].iter().sum())
            .collect();
        let min_peak = self.px.len() / 500;
        let mut peaks: Vec<(usize, usize)> = (0..256usize)
            .filter(|&i| {
                smooth[i] >= min_peak
                    && (i == 0 || smooth[i] > smooth[i - 1])
                    && (i == 255 || smooth[i] >= smooth[i + 1])
            })
            .map(|i| (i, smooth[i]))
            .collect();
        // keep the 5 biggest peaks, merge those closer than 16 levels
        peaks.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        peaks.truncate(5);
        peaks.sort_unstable();
        peaks.dedup_by(|b, a| b.0 - a.0 < 16);
        peaks
            .windows(2)
            .map(|w| u8::try_from(usize::midpoint(w[0].0, w[1].0)).unwrap_or(u8::MAX))
            .collect()
    }

    /// Black and white at `threshold` (pixels at or below it become 0).
    fn binarised(&self, threshold: u8) -> Gray {
        let px = self
            .px
            .iter()
            .map(|&p| if p <= threshold { 0 } else { 255 })
            .collect();
        Gray {
            w: self.w,
            h: self.h,
            px,
        }
    }
}

/// Rec. 709 luma in 1/256 steps: the grey the search sees of an RGB pixel.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let y = (u32::from(r) * 54 + u32::from(g) * 183 + u32::from(b) * 19) >> 8;
    u8::try_from(y).unwrap_or(u8::MAX)
}

/// Grey `l` with opacity `a` over a white background.
fn over_white(l: u8, a: u8) -> u8 {
    let a = u32::from(a);
    u8::try_from((u32::from(l) * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
}

// -------------------------------------------------------------------------------------- search

/// One decoded code, with its centre in the coordinates of the level it was found on.
struct Found {
    text: String,
    x: f32,
    y: f32,
    size: f32,
}

fn search(full: &Gray) -> Vec<String> {
    // the pyramid, coarse to fine, ending with the full image
    let mut smaller = Vec::new();
    while smaller.last().unwrap_or(full).w * smaller.last().unwrap_or(full).h > HALVE_ABOVE {
        let next = smaller.last().unwrap_or(full).half();
        smaller.push(next);
    }
    let levels: Vec<&Gray> = smaller.iter().rev().chain(std::iter::once(full)).collect();
    let polarities = if full.is_dark() {
        [true, false]
    } else {
        [false, true]
    };

    for level in &levels {
        for invert in polarities {
            let found = scan(level, invert);
            if !found.is_empty() {
                return in_reading_order(found);
            }
        }
    }
    // last resort, on the coarsest level: global thresholds between the page's grey levels
    let level = levels[0];
    for threshold in level.valley_thresholds() {
        let bw = level.binarised(threshold);
        for invert in polarities {
            let found = scan(&bw, invert);
            if !found.is_empty() {
                return in_reading_order(found);
            }
        }
    }
    Vec::new()
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with panic messages of this thread silenced (the panic itself is caught by the
/// caller): a decoder bug must not print a backtrace hint to the user. Other threads keep the
/// normal hook.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let out = f();
    QUIET.with(|q| q.set(false));
    out
}

/// All QR codes rxing decodes in `g` (inverted first if asked to).
fn scan(g: &Gray, invert: bool) -> Vec<Found> {
    let (Ok(w), Ok(h)) = (u32::try_from(g.w), u32::try_from(g.h)) else {
        return Vec::new();
    };
    let hints = DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        ..DecodeHints::default()
    };
    // A decoder bug on a strange image must not take the whole program down: it counts as
    // "nothing found here".
    let results = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            let mut source = Luma8Source::new_with_slice(&g.px, w, h).ok()?;
            if invert {
                source.invert();
            }
            let mut bitmap = BinaryBitmap::new(rxing::common::HybridBinarizer::new(source));
            QrReader
                .decode_multiple_with_hints(&mut bitmap, &hints)
                .ok()
        }))
    });
    let mut found: Vec<Found> = Vec::new();
    for r in results.ok().flatten().unwrap_or_default() {
        let text = r.getText().to_string();
        if found.iter().any(|f| f.text == text) {
            continue;
        }
        let pts = r.getPoints();
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in pts {
            (x0, y0, x1, y1) = (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y));
        }
        if pts.is_empty() {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        found.push(Found {
            text,
            x: f32::midpoint(x0, x1),
            y: f32::midpoint(y0, y1),
            size: (x1 - x0).max(y1 - y0),
        });
    }
    found
}

/// Top to bottom; codes whose centres are less than half a code apart vertically count as
/// one row, read left to right.
fn in_reading_order(mut found: Vec<Found>) -> Vec<String> {
    found.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut rows: Vec<Vec<Found>> = Vec::new();
    for f in found {
        match rows.last_mut() {
            Some(row) if (f.y - row[0].y).abs() < row[0].size.max(f.size) / 2.0 => row.push(f),
            _ => rows.push(vec![f]),
        }
    }
    rows.into_iter()
        .flat_map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            row.into_iter().map(|f| f.text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, an APP0 segment, then a frame header for `w`×`h` in 3 components.
    fn jpeg_start(sof: u8, w: u16, h: u16) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F'];
        out.extend_from_slice(&[0xFF, 0xFF, sof, 0, 17, 8]);
        out.extend_from_slice(&h.to_be_bytes());
        out.extend_from_slice(&w.to_be_bytes());
        out.extend_from_slice(&[3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
        out
    }

    #[test]
    fn progressive_jpegs_are_told_from_their_frame_header() {
        assert_eq!(
            jpeg_progressive_components(&jpeg_start(0xC2, 64, 64)),
            Some(3)
        );
        assert_eq!(jpeg_progressive_components(&jpeg_start(0xC0, 64, 64)), None);
        assert_eq!(jpeg_progressive_components(&jpeg_start(0xC1, 64, 64)), None);
        // a Huffman table (C4) is not a frame header
        let mut dht_first = vec![0xFF, 0xD8, 0xFF, 0xC4, 0, 2];
        dht_first.extend_from_slice(&jpeg_start(0xC2, 64, 64)[2..]);
        assert_eq!(jpeg_progressive_components(&dht_first), Some(3));
        // cut short before the component count (byte 18 here): no answer, no panic
        let bytes = jpeg_start(0xC2, 64, 64);
        assert_eq!(bytes[18], 3);
        for len in 0..=18 {
            assert_eq!(jpeg_progressive_components(&bytes[..len]), None, "{len}");
        }
    }

    #[test]
    fn webp_overhead_follows_its_first_chunk() {
        let webp = |chunk: &[u8], flags: u8| {
            let mut b = b"RIFF\0\0\0\0WEBP".to_vec();
            b.extend_from_slice(chunk);
            b.extend_from_slice(&[10, 0, 0, 0, flags, 0, 0, 0]);
            b
        };
        let px = 1000 * 1000;
        let overhead = |b: &[u8], output| decoder_overhead("WebP", b, 1000, 1000, output);
        assert_eq!(overhead(&webp(b"VP8 ", 0), 3 * px), px * 3 / 2);
        assert_eq!(overhead(&webp(b"VP8L", 0), 3 * px), 4 * px);
        assert_eq!(overhead(&webp(b"VP8L", 0), 4 * px), 0);
        assert_eq!(overhead(&webp(b"VP8X", 0x10), 4 * px), px * 13 / 2);
        assert_eq!(overhead(&webp(b"VP8X", 0x12), 4 * px), 12 * px);
    }

    #[test]
    fn memory_check_at_the_limits() {
        let (side, k8) = (8192, (7680, 4320));
        let sequential = |w: u32, h: u32| u64::from(w) * u64::from(h) * 3;
        let progressive = |w: u32, h: u32| sequential(w, h) + u64::from(w) * u64::from(h) * 6;
        // sequential JPEG and 8-bit RGBA at the pixel limit pass; progressive does not
        assert!(check_memory("JPEG", side, side, 2_000_000, sequential(side, side)).is_ok());
        assert!(check_memory("WebP", side, side, 2_000_000, 4 * 8192 * 8192).is_ok());
        assert!(check_memory("JPEG", side, side, 2_000_000, progressive(side, side)).is_err());
        // an 8K progressive screenshot passes
        assert!(check_memory("JPEG", k8.0, k8.1, 5_000_000, progressive(k8.0, k8.1)).is_ok());
        // a file padded with junk does not
        assert!(check_memory("PNG", 1000, 1000, 400_000_000, 1_000_000).is_err());
    }
}
