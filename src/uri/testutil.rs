//! Test helpers shared by the parsers' tests: accounts built by hand, a public migration
//! vector, and proptest strategies.

use proptest::prelude::*;

use crate::account::Account;
use crate::otp::{Algorithm, Kind, Otp, Secret};

/// `scito/extract_otp_secrets` `tests/data/test_plus_problem_export.txt`: raw `+` and `/`.
pub(crate) const PLUS_PROBLEM: &str = "otpauth-migration://offline?data=ClEKFAciUeGF4aS6IDCvMv99ySZ1ekKsEiVTZXJlbml0eUxhYnM6dGVzdDFAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIKUQoUkIY8/fbrHZWTb4CBln18lvqt0HcSJVNlcmVuaXR5TGFiczp0ZXN0MkBzZXJlbml0eWxhYnMuY28udWsaDFNlcmVuaXR5TGFicyABKAEwAgpRChScf+1/Ua4d4gCY0W/7fj9VBkM9PBIlU2VyZW5pdHlMYWJzOnRlc3QzQHNlcmVuaXR5bGFicy5jby51axoMU2VyZW5pdHlMYWJzIAEoATACClEKFG6Qu0ryTSFA/l5rmvTIXtNeb5LtEiVTZXJlbml0eUxhYnM6dGVzdDRAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIQARgBIAAogtTa1vz/////AQ==";

pub(crate) const S16: &str = "JBSWY3DPEHPK3PXP";

pub(crate) fn totp(
    issuer: &str,
    account: &str,
    secret: &str,
    alg: Algorithm,
    digits: u8,
    period: u32,
) -> Account {
    let otp = Otp::new(
        Kind::Totp,
        Secret::parse_base32(secret).unwrap(),
        alg,
        digits,
        period,
        0,
    )
    .unwrap();
    Account::new(issuer, account, otp)
}

pub(crate) fn with_kind(
    kind: Kind,
    issuer: &str,
    account: &str,
    digits: u8,
    counter: u64,
) -> Account {
    let otp = Otp::new(
        kind,
        Secret::parse_base32(S16).unwrap(),
        Algorithm::Sha1,
        digits,
        30,
        counter,
    )
    .unwrap();
    Account::new(issuer, account, otp)
}

/// Names as the parser leaves them: trimmed, no control characters, any of `:%+/?&#=`,
/// spaces and non-ASCII inside.
pub(crate) fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        4 => "[a-zA-Z0-9 :%+/?&#=@.~_,;'()\\[\\]éÄ日本🔑\u{a0}-]{0,16}".prop_map(|s| s.trim().to_owned()),
    ]
}

pub(crate) fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

pub(crate) fn secret() -> impl Strategy<Value = Secret> {
    proptest::collection::vec(any::<u8>(), 1..=64).prop_map(Secret::from_bytes)
}

pub(crate) fn any_account() -> impl Strategy<Value = Account> {
    let otp = prop_oneof![
        (secret(), algorithm(), 6u8..=10, 1u32..=u32::MAX).prop_map(|(s, a, d, p)| Otp::new(
            Kind::Totp,
            s,
            a,
            d,
            p,
            0
        )
        .unwrap()),
        (secret(), algorithm(), 6u8..=10, any::<u64>()).prop_map(|(s, a, d, c)| Otp::new(
            Kind::Hotp,
            s,
            a,
            d,
            30,
            c
        )
        .unwrap()),
        (secret(), 1u32..=u32::MAX).prop_map(|(s, p)| Otp::new(
            Kind::Steam,
            s,
            Algorithm::Sha1,
            5,
            p,
            0
        )
        .unwrap()),
    ];
    (name(), name(), otp).prop_map(|(i, a, otp)| Account::new(i, a, otp))
}

pub(crate) fn representable_account() -> impl Strategy<Value = Account> {
    let digits = prop_oneof![Just(6u8), Just(8u8)];
    let otp = (
        secret(),
        algorithm(),
        digits,
        proptest::option::of(0..=u64::try_from(i64::MAX).unwrap()),
    )
        .prop_map(|(s, a, d, c)| match c {
            Some(c) => Otp::new(Kind::Hotp, s, a, d, 30, c).unwrap(),
            None => Otp::new(Kind::Totp, s, a, d, 30, 0).unwrap(),
        });
    (name(), name(), otp).prop_map(|(i, a, otp)| Account::new(i, a, otp))
}
