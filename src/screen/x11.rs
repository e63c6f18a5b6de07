//! X11: `GetImage` of every X screen's root window (x11rb), in bands of rows, each band turned
//! into grey at once, so that memory holds the grey screen and one band, never the whole
//! screen's 32-bit pixels.

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder, Screen, VisualClass};

use super::{ScreenError, Shot};
use crate::qr::{self, Grey};

/// The most bytes of pixels asked for in one `GetImage`.
const BAND_BYTES: usize = 4 << 20;

/// Captures each screen of the display in `DISPLAY` (`:N` names a display; all its screens are
/// captured, whatever `.S` says).
pub fn capture(mut f: impl FnMut(Shot)) -> Result<usize, ScreenError> {
    let (conn, _) = x11rb::connect(None).map_err(|e| {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        ScreenError::Failed(format!("could not connect to the X display {display}: {e}"))
    })?;
    let setup = conn.setup();
    for (n, screen) in setup.roots.iter().enumerate() {
        let layout = Layout::of(setup, screen)?;
        let grey = grab(&conn, screen, &layout)?;
        f(Shot {
            name: format!("X screen {n}"),
            grey,
        });
    }
    Ok(setup.roots.len())
}

fn failed(what: &str) -> impl Fn(x11rb::errors::ReplyError) -> ScreenError + '_ {
    move |e| ScreenError::Failed(format!("{what}: {e}"))
}

/// One screen's root window as grey.
fn grab(
    conn: &impl x11rb::connection::Connection,
    screen: &Screen,
    layout: &Layout,
) -> Result<Grey, ScreenError> {
    let (width, height) = (screen.width_in_pixels, screen.height_in_pixels);
    let stride = layout.stride(width);
    let band = u16::try_from((BAND_BYTES / stride.max(1)).max(1)).unwrap_or(u16::MAX);
    qr::check_capture(
        u32::from(width),
        u32::from(height),
        u64::try_from(stride * usize::from(band)).unwrap_or(u64::MAX),
    )
    .map_err(ScreenError::Image)?;
    let mut px = Vec::with_capacity(usize::from(width) * usize::from(height));
    let mut y = 0u16;
    while y < height {
        let rows = band.min(height - y);
        let top = i16::try_from(y)
            .map_err(|_| ScreenError::Failed(format!("X screen of {height} rows")))?;
        let reply = conn
            .get_image(ImageFormat::Z_PIXMAP, screen.root, 0, top, width, rows, !0)
            .map_err(|e| ScreenError::Failed(format!("X GetImage: {e}")))?
            .reply()
            .map_err(failed("X GetImage"))?;
        if reply.data.len() < stride * usize::from(rows) {
            return Err(ScreenError::Failed(format!(
                "X GetImage gave {} bytes for {rows} rows of {width} pixels",
                reply.data.len()
            )));
        }
        for row in reply.data.chunks_exact(stride).take(usize::from(rows)) {
            layout.extend_grey(&mut px, row, usize::from(width));
        }
        y += rows;
    }
    Grey::from_luma(u32::from(width), u32::from(height), px).map_err(ScreenError::Image)
}

/// How the root window's pixels are laid out in a `ZPixmap` image (from the connection setup:
/// the depth's pixmap format and the root visual's colour masks).
#[derive(Clone, Copy)]
struct Layout {
    /// 16, 24 or 32.
    bits_per_pixel: u8,
    scanline_pad: u8,
    msb_first: bool,
    masks: [u32; 3],
}

impl Layout {
    fn of(setup: &x11rb::protocol::xproto::Setup, screen: &Screen) -> Result<Layout, ScreenError> {
        let unsupported =
            |what: String| ScreenError::Unsupported(format!("on this X screen ({what})"));
        let format = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == screen.root_depth)
            .ok_or_else(|| {
                unsupported(format!("no pixmap format for depth {}", screen.root_depth))
            })?;
        let visual = screen
            .allowed_depths
            .iter()
            .flat_map(|d| &d.visuals)
            .find(|v| v.visual_id == screen.root_visual)
            .ok_or_else(|| unsupported("its root visual is not listed".into()))?;
        if !matches!(
            visual.class,
            VisualClass::TRUE_COLOR | VisualClass::DIRECT_COLOR
        ) || !matches!(format.bits_per_pixel, 16 | 24 | 32)
            || format.scanline_pad % 8 != 0
        {
            return Err(unsupported(format!(
                "depth {}, {} bits per pixel, visual class {:?}",
                screen.root_depth, format.bits_per_pixel, visual.class
            )));
        }
        Ok(Layout {
            bits_per_pixel: format.bits_per_pixel,
            scanline_pad: format.scanline_pad,
            msb_first: setup.image_byte_order == ImageOrder::MSB_FIRST,
            masks: [visual.red_mask, visual.green_mask, visual.blue_mask],
        })
    }

    /// Bytes per row of `width` pixels, padding included.
    fn stride(&self, width: u16) -> usize {
        let bits = usize::from(width) * usize::from(self.bits_per_pixel);
        let pad = usize::from(self.scanline_pad);
        bits.div_ceil(pad) * pad / 8
    }

    /// Appends the grey of the first `width` pixels of `row`.
    fn extend_grey(&self, px: &mut Vec<u8>, row: &[u8], width: usize) {
        let bytes = usize::from(self.bits_per_pixel / 8);
        let [r, g, b] = self.masks;
        px.extend(row.chunks_exact(bytes).take(width).map(|p| {
            let v = if self.msb_first {
                p.iter().fold(0u32, |v, &b| v << 8 | u32::from(b))
            } else {
                p.iter().rev().fold(0u32, |v, &b| v << 8 | u32::from(b))
            };
            qr::luma(channel(v, r), channel(v, g), channel(v, b))
        }));
    }
}

/// The 8-bit value of the colour channel under `mask` in pixel `v`.
fn channel(v: u32, mask: u32) -> u8 {
    if mask == 0 {
        return 0;
    }
    let value = u64::from((v & mask) >> mask.trailing_zeros());
    let max = u64::from(mask >> mask.trailing_zeros());
    u8::try_from(value * 255 / max).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_scale_to_eight_bits() {
        // 32-bit BGRX (the usual X layout), 16-bit RGB 565
        assert_eq!(channel(0x00ab_cdef, 0x00ff_0000), 0xab);
        assert_eq!(channel(0x00ab_cdef, 0x0000_00ff), 0xef);
        assert_eq!(channel(0xf800, 0xf800), 255);
        assert_eq!(channel(0x07e0, 0x07e0), 255);
        assert_eq!(channel(0x0000, 0x001f), 0);
        assert_eq!(channel(0x1234, 0), 0);
    }

    #[test]
    fn rows_of_both_byte_orders_give_the_same_grey() {
        let masks = [0x00ff_0000, 0x0000_ff00, 0x0000_00ff];
        let lsb = Layout {
            bits_per_pixel: 32,
            scanline_pad: 32,
            msb_first: false,
            masks,
        };
        let msb = Layout {
            msb_first: true,
            ..lsb
        };
        let mut a = Vec::new();
        lsb.extend_grey(&mut a, &[0xff, 0, 0, 0, 0, 0, 0xff, 0], 2); // blue, red
        let mut b = Vec::new();
        msb.extend_grey(&mut b, &[0, 0, 0, 0xff, 0, 0xff, 0, 0], 2);
        assert_eq!(a, b);
        assert_eq!(a, vec![qr::luma(0, 0, 255), qr::luma(255, 0, 0)]);
        assert_eq!(lsb.stride(3), 12);
        let packed = Layout {
            bits_per_pixel: 24,
            ..lsb
        };
        assert_eq!(packed.stride(3), 12); // 9 bytes padded to 32 bits
    }
}
