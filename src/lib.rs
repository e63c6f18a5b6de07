//! authcli
pub mod account;
pub mod otp;
