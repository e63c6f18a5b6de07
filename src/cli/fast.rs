//! The everyday command line, read without building clap's whole command tree.
//!
//! Building the tree for every subcommand costs more than computing a code (about 450 k
//! instructions, a sixth of `authcli code`). Scripts call `authcli code QUERY` over and over, so
//! this reader takes that one shape:
//!
//! ```text
//! authcli [--vault P] [--identity F] [--passphrase-file F] code [--next] [--json] [--at T] QUERY
//! ```
//!
//! with the global options before or after `code`, as `--opt VALUE` or `--opt=VALUE`, and the
//! same environment variables as clap. Anything else (help, a typo, a repeated flag, `--copy`, a
//! value that starts with `-`, text that is not UTF-8) returns `None` and goes to clap, which
//! also gives every error message. A property test checks that whenever this reader answers,
//! clap gives the same [`Cli`].

use std::ffi::OsString;
use std::path::PathBuf;

use super::{Cli, CodeArgs, Command};

/// Parses `args` (with the program name first) when they are a plain `code` call; `env` looks up
/// environment variables.
pub fn parse(args: &[OsString], env: impl Fn(&str) -> Option<OsString>) -> Option<Cli> {
    let mut vault = None;
    let mut identity = None;
    let mut passphrase_file = None;
    let mut seen_code = false;
    let mut code = CodeArgs {
        query: String::new(),
        at: None,
        next: false,
        copy: false,
        wait_fresh: None,
        json: false,
    };
    let mut query = None;
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let arg = arg.to_str()?;
        if !arg.starts_with('-') {
            if !seen_code {
                if arg != "code" {
                    return None;
                }
                seen_code = true;
            } else if query.replace(arg.to_owned()).is_some() {
                return None; // a second positional: clap's error
            }
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (arg, None),
        };
        let mut value = || -> Option<String> {
            let v = match inline {
                Some(v) => v.to_owned(),
                None => rest.next()?.to_str()?.to_owned(),
            };
            (!v.is_empty() && !v.starts_with('-')).then_some(v)
        };
        match name {
            "--vault" => set_once(&mut vault, value().map(PathBuf::from))?,
            "--identity" => set_once(&mut identity, value().map(PathBuf::from))?,
            "--passphrase-file" => set_once(&mut passphrase_file, value().map(PathBuf::from))?,
            "--at" if seen_code => set_once(&mut code.at, value())?,
            "--next" if seen_code && inline.is_none() && !code.next => code.next = true,
            "--json" if seen_code && inline.is_none() && !code.json => code.json = true,
            _ => return None,
        }
    }
    code.query = query?;
    let from_env = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    Some(Cli {
        vault: vault.or_else(|| from_env("AUTHCLI_VAULT")),
        identity: identity.or_else(|| from_env("AUTHCLI_IDENTITY")),
        passphrase_file: passphrase_file.or_else(|| from_env("AUTHCLI_PASSPHRASE_FILE")),
        command: Command::Code(code),
    })
}

/// Stores an option's value; `None` when it is missing or given twice (clap reports both).
fn set_once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use proptest::prelude::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        std::iter::once("authcli")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    fn no_env(_: &str) -> Option<OsString> {
        None
    }

    #[test]
    fn reads_the_everyday_forms() {
        let cli = parse(&os(&["code", "unipi"]), no_env).unwrap();
        let Command::Code(c) = &cli.command else {
            panic!("not code")
        };
        assert_eq!(c.query, "unipi");
        let cli = parse(
            &os(&["--vault=v.age", "code", "--json", "gh", "--identity", "k"]),
            no_env,
        )
        .unwrap();
        assert_eq!(cli.vault, Some(PathBuf::from("v.age")));
        assert_eq!(cli.identity, Some(PathBuf::from("k")));
    }

    #[test]
    fn leaves_the_rest_to_clap() {
        for args in [
            &["code"][..],
            &["code", "--help"],
            &["code", "-h"],
            &["code", "a", "b"],
            &["code", "--json", "--json", "a"],
            &["code", "--copy", "a"],
            &["code", "--wait-fresh", "5", "a"],
            &["code", "--at", "-5", "a"],
            &["code", "--vault", "", "a"],
            &["code", "--next=true", "a"],
            &["code", "--", "a"],
            &["--json", "code", "a"],
            &["list"],
            &["cod", "a"],
            &["--version"],
        ] {
            assert!(parse(&os(args), no_env).is_none(), "{args:?}");
        }
    }

    #[test]
    fn environment_fills_what_the_arguments_leave_out() {
        let env = |k: &str| match k {
            "AUTHCLI_VAULT" => Some(OsString::from("env.age")),
            "AUTHCLI_IDENTITY" => Some(OsString::new()), // empty: as if unset, like clap
            _ => None,
        };
        let cli = parse(&os(&["code", "x"]), env).unwrap();
        assert_eq!(cli.vault, Some(PathBuf::from("env.age")));
        assert_eq!(cli.identity, None);
        let cli = parse(&os(&["code", "x", "--vault", "arg.age"]), env).unwrap();
        assert_eq!(cli.vault, Some(PathBuf::from("arg.age")));
    }

    /// Pieces of a command line: mostly well-formed options, some of every kind of stray token.
    fn pieces() -> impl Strategy<Value = Vec<&'static str>> {
        let good = proptest::sample::select(vec![
            &["--vault", "v.age"][..],
            &["--vault=v.age"],
            &["--identity", "k.txt"],
            &["--identity=k.txt"],
            &["--passphrase-file", "p"],
            &["--at", "1700000000"],
            &["--at=2026-11-24T10:15:00Z"],
            &["--next"],
            &["--json"],
        ]);
        let stray = proptest::sample::select(vec![
            &["code"][..],
            &["list"],
            &["unipi"],
            &["--copy"],
            &["-h"],
            &["--"],
            &["-5"],
            &["--identity="],
            &["--next=1"],
            &["--wait-fresh", "5"],
            &["--vault"],
            &["-"],
        ]);
        let piece = prop_oneof![4 => good, 1 => stray];
        proptest::collection::vec(piece, 0..4).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// Whenever the fast reader answers, clap agrees; both read this process's environment.
        #[test]
        fn agrees_with_clap(
            before in pieces(),
            after in pieces(),
            query in proptest::sample::select(vec!["unipi", "gh", "-", "--x"]),
        ) {
            let mut tokens = before;
            tokens.push("code");
            tokens.extend(after);
            tokens.push(query);
            let args = os(&tokens);
            if let Some(fast) = parse(&args, |k| std::env::var_os(k)) {
                let slow = Cli::try_parse_from(&args);
                prop_assert!(slow.is_ok(), "clap rejects {tokens:?}");
                prop_assert_eq!(format!("{fast:?}"), format!("{:?}", slow.unwrap()));
            }
        }
    }
}
