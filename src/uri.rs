//! TEMPORARY STUB (replaced by the real module)
#![allow(missing_docs, clippy::all, clippy::pedantic)]
use crate::account::Account;
pub const MAX_INPUT: usize = 64 * 1024;
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub struct UriError;
pub struct Skipped {
    pub label: String,
    pub reason: String,
}
pub struct Migration {
    pub accounts: Vec<Account>,
    pub skipped: Vec<Skipped>,
    pub version: i32,
    pub batch_size: i32,
    pub batch_index: i32,
    pub batch_id: i32,
}
pub enum Payload {
    Otpauth(Account),
    Migration(Migration),
    MicrosoftPush,
    Other(String),
}
pub fn parse_otpauth(_: &str) -> Result<Account, UriError> {
    Err(UriError)
}
pub fn parse_migration(_: &str) -> Result<Migration, UriError> {
    Err(UriError)
}
pub fn classify(_: &str) -> Result<Payload, UriError> {
    Err(UriError)
}
