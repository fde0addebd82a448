//! Photos of a project's work (晒单), made safe to keep and to show.
//!
//! An upload is taken for what its bytes are, never for its name: only JPEG and PNG are
//! decoded, within limits on size and pixels, so a crafted file cannot take the server's
//! memory. The photo is then drawn anew as a JPEG from its pixels alone: the camera's EXIF
//! (place, time, device) is not carried over, and its orientation is applied first, so a phone
//! photo stands the right way up without it.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The largest file taken (a phone's photo is 2–8 MB).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The longest side a kept photo has: enough to read a banner in it on a desk screen.
pub const FULL_SIDE: u32 = 1600;
/// The longest side of a thumbnail (two columns on a phone, at twice the pixels).
pub const THUMB_SIDE: u32 = 360;
/// The most pixels decoded (a 50-megapixel camera); a larger image is refused before it is
/// decoded.
const MAX_PIXELS: u64 = 50_000_000;

/// A photo ready to keep: the re-encoded image, its thumbnail, and what identifies the upload.
#[derive(Debug)]
pub struct Photo {
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The sha256 of the uploaded bytes, so the same file sent twice is noticed.
    pub sha256: String,
}

fn refused(message: &str) -> Error {
    Error::field("photo", message)
}

/// Checks an upload and makes the photo to keep; CPU-bound, so call it off the async threads
/// ([`prepare_off_thread`]).
pub fn prepare(bytes: &[u8]) -> Result<Photo> {
    if bytes.is_empty() {
        return Err(refused("请选择照片"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(refused("每张照片不能超过 10 MB"));
    }
    let format = image::guess_format(bytes).ok();
    if !matches!(format, Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(refused("只能上传 JPEG 或 PNG 格式的照片"));
    }
    let unreadable = || refused("照片无法读取，文件可能已损坏，请换一张");
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format.expect("checked above"));
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(refused("照片像素太多（超过 5000 万），请缩小后再上传"));
    }
    // A missing or unreadable orientation leaves the photo as it was stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => refused("照片太大，无法处理，请缩小后再上传"),
        _ => unreadable(),
    })?;
    img.apply_orientation(orientation);
    let full = shrink(&img, FULL_SIDE);
    let thumb = shrink(&full, THUMB_SIDE);
    let full = opaque(full);
    let (width, height) = full.dimensions();
    Ok(Photo {
        jpeg: encode(&full, 85)?,
        thumb: encode(&opaque(thumb), 80)?,
        width,
        height,
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// Photos decoded at once: a large one holds a few hundred megabytes while it is decoded, so
/// a burst of uploads waits its turn instead of taking the server's memory.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// [`prepare`] on a blocking thread, two photos at a time at most.
pub async fn prepare_off_thread(bytes: axum::body::Bytes) -> Result<Photo> {
    let _turn = DECODING
        .acquire()
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("photo semaphore closed: {e}")))?;
    tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("photo task failed: {e}")))?
}

/// The image scaled down so its longer side is at most `side` (never scaled up).
fn shrink(img: &DynamicImage, side: u32) -> DynamicImage {
    if img.width().max(img.height()) <= side {
        img.clone()
    } else {
        img.resize(side, side, image::imageops::FilterType::Triangle)
    }
}

/// The pixels as RGB, a transparent PNG's background made white (as it shows on the page).
fn opaque(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| -> u8 {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over(r), over(g), over(b)])
    })
}

fn encode(img: &RgbImage, quality: u8) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .map_err(|e| Error::Internal(anyhow::anyhow!("encoding a photo: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, alpha: u8) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, alpha]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_big_png_becomes_a_bounded_jpeg_and_a_thumbnail() {
        let p = prepare(&png(3200, 1600, 255)).unwrap();
        assert_eq!((p.width, p.height), (1600, 800));
        assert_eq!(image::guess_format(&p.jpeg).unwrap(), ImageFormat::Jpeg);
        let t = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((t.width(), t.height()), (360, 180));
        assert_eq!(p.sha256.len(), 64);
    }

    #[test]
    fn transparency_turns_white_not_black() {
        let p = prepare(&png(10, 10, 0)).unwrap();
        let img = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
        let [r, g, b] = img.get_pixel(5, 5).0;
        assert!(r > 240 && g > 240 && b > 240, "{r} {g} {b}");
    }

    #[test]
    fn what_is_not_a_photo_is_refused_by_its_bytes() {
        let msg = |r: Result<Photo>| match r {
            Err(Error::Validation(p)) => p[0].message.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(msg(prepare(b"")), "请选择照片");
        assert_eq!(
            msg(prepare(b"GIF89a......")),
            "只能上传 JPEG 或 PNG 格式的照片"
        );
        // A PNG signature and nothing decodable after it.
        let mut broken = png(4, 4, 255);
        broken.truncate(20);
        assert_eq!(
            msg(prepare(&broken)),
            "照片无法读取，文件可能已损坏，请换一张"
        );
        assert_eq!(
            msg(prepare(&vec![0xFF; MAX_BYTES + 1])),
            "每张照片不能超过 10 MB"
        );
    }
}
