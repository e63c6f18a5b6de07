//! macOS and Windows: every monitor through xcap (Core Graphics / GDI).
//!
//! xcap hands over a whole monitor as RGBA (on macOS after a copy of the system's buffer), so
//! the size is checked from the monitor's size and scale before the capture, counting those
//! two RGBA copies; the RGBA image is turned into grey and dropped before the search.
//!
//! macOS without the Screen Recording permission gives an error, no monitors, or pictures of
//! the bare desktop; the first two, and a capture with nothing but one colour on every monitor,
//! are reported as the missing permission.

use xcap::Monitor;

use super::{ScreenError, Shot};
use crate::qr::{self, Grey};

pub fn capture(mut f: impl FnMut(Shot)) -> Result<usize, ScreenError> {
    let monitors = Monitor::all().map_err(|e| refused(&e.to_string()))?;
    if monitors.is_empty() {
        return Err(refused("no monitor to capture"));
    }
    let mut blank = 0;
    for (n, monitor) in monitors.iter().enumerate() {
        let name = monitor
            .name()
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("monitor {n}"));
        let scale = monitor.scale_factor().unwrap_or(1.0);
        let (w, h) = (
            pixels(monitor.width().unwrap_or(0), scale),
            pixels(monitor.height().unwrap_or(0), scale),
        );
        let rgba = u64::from(w) * u64::from(h) * 4;
        qr::check_capture(w, h, 2 * rgba).map_err(ScreenError::Image)?;
        let image = monitor
            .capture_image()
            .map_err(|e| refused(&format!("{name}: {e}")))?;
        let (width, height) = image.dimensions();
        qr::check_capture(width, height, u64::from(width) * u64::from(height) * 4)
            .map_err(ScreenError::Image)?;
        let px: Vec<u8> = image
            .as_raw()
            .chunks_exact(4)
            .map(|p| qr::luma(p[0], p[1], p[2]))
            .collect();
        drop(image);
        if px.windows(2).all(|p| p[0] == p[1]) {
            blank += 1;
        }
        let grey = Grey::from_luma(width, height, px).map_err(ScreenError::Image)?;
        f(Shot { name, grey });
    }
    if cfg!(target_os = "macos") && blank == monitors.len() {
        return Err(ScreenError::Permission(String::new()));
    }
    Ok(monitors.len())
}

/// A monitor side in pixels: macOS reports points, to be multiplied by the scale factor (taken
/// between 1 and 4, the range displays use).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // ≤ 65535 × 4, positive
fn pixels(points: u32, scale: f32) -> u32 {
    (f64::from(points.min(65_535)) * f64::from(scale.clamp(1.0, 4.0))).ceil() as u32
}

/// A failed capture: on macOS most likely the missing permission.
fn refused(detail: &str) -> ScreenError {
    if cfg!(target_os = "macos") {
        ScreenError::Permission(format!(" ({})", crate::text::one_line(detail)))
    } else {
        ScreenError::Failed(detail.to_string())
    }
}
