//! Proton Authenticator JSON exports (unencrypted): `{"version":1,"entries":[{"content":
//! {"uri":"otpauth://…","entry_type":"Totp","name":…}}]}`; each `uri` is parsed by
//! [`crate::uri`].

use super::json::{self, Obj};
use super::{EntryProblem, Format, ImportError, Imported, Input, clean_name};
use crate::otp::ParamError;
use crate::uri::{self, UriError};

const FORMAT: Format = Format::Proton;

/// Imports a Proton Authenticator export.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
    let list = json::list(&root, Some("entries"), file, FORMAT)?;
    let mut out = Imported::default();
    for (i, v) in list.iter().enumerate() {
        let mut e = Obj::entry(v, file, i)?;
        let content = e.obj_req("content")?;
        e.label = clean_name(content.str_opt("name")?.unwrap_or("?"));
        let text = content.str_req("uri")?;
        match uri::parse_otpauth(text) {
            Ok(acc) => out.accounts.push(acc),
            Err(
                err @ (UriError::UnsupportedType(_)
                | UriError::Algorithm(_)
                | UriError::UnsupportedEncoder(_)
                | UriError::Param(ParamError::Digits(_))),
            ) => out
                .skipped
                .push(e.problem(EntryProblem::Skip(err.to_string()))?),
            Err(err) => return Err(e.err("content.uri", err.to_string())),
        }
    }
    Ok(out)
}
