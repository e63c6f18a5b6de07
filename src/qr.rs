//! TEMPORARY STUB (replaced by the real module)
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub struct QrError;
pub fn decode(_: &[u8]) -> Result<Vec<String>, QrError> {
    Err(QrError)
}
