//! What goes to stdout: bare codes, tables for people, JSON for programs.
//!
//! A closed pipe (`authcli list | head -1`) is not an error: writes stop quietly.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use serde_json::{Value, json};

use crate::account::Account;
use crate::otp::Code;

/// One account in a listing, with its code when asked for.
pub struct Row<'a> {
    /// The account.
    pub account: &'a Account,
    /// Its current code (timed accounts with `--codes`).
    pub code: Option<Code>,
}

fn write_out(text: &str) -> Result<()> {
    write_bytes(text.as_bytes())
}

/// Writes bytes to stdout; a closed pipe is not an error.
pub fn write_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Prints one line on stdout.
pub fn print_line(text: &str) -> Result<()> {
    write_out(&format!("{text}\n"))
}

/// Prints a JSON document on stdout.
pub fn print_json(v: &Value) -> Result<()> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    write_out(&s)
}

/// The `list --json` array.
pub fn list_json(rows: &[Row<'_>], codes: bool) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                let a = r.account;
                let timed = a.otp.kind().is_timed();
                let mut v = json!({
                    "name": a.name,
                    "issuer": a.issuer,
                    "account": a.account,
                    "type": a.otp.kind().as_str(),
                    "algorithm": a.otp.algorithm().as_str(),
                    "digits": a.otp.digits(),
                    "period": timed.then(|| a.otp.period()),
                    "counter": (!timed).then(|| a.otp.counter()),
                });
                if codes {
                    v["code"] = json!(r.code.as_ref().map(Code::as_str));
                    v["remaining"] = json!(r.code.as_ref().map(|c| c.remaining));
                }
                v
            })
            .collect(),
    )
}

/// The `list` table: a header on a terminal, aligned columns always.
pub fn print_table(rows: &[Row<'_>], codes: bool) -> Result<()> {
    let tty = io::stdout().is_terminal();
    if rows.is_empty() {
        if tty || io::stderr().is_terminal() {
            eprintln!("no accounts (add one with `authcli add`)");
        }
        return Ok(());
    }
    let mut table: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
    if tty {
        let mut h = vec!["NAME", "ISSUER", "ACCOUNT", "TYPE"];
        if codes {
            h.extend(["CODE", "LEFT"]);
        }
        table.push(h.into_iter().map(String::from).collect());
    }
    for r in rows {
        let a = r.account;
        let mut line = vec![
            a.name.clone(),
            dash(&a.issuer),
            dash(&a.account),
            a.otp.kind().as_str().to_owned(),
        ];
        if codes {
            match &r.code {
                Some(c) => line.extend([c.as_str().to_owned(), format!("{}s", c.remaining)]),
                None => line.extend(["-".to_owned(), "-".to_owned()]),
            }
        }
        table.push(line);
    }
    let cols = table[0].len();
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for r in &table {
        for (c, cell) in r.iter().enumerate() {
            s.push_str(cell);
            if c + 1 < cols {
                let pad = widths[c] - cell.chars().count() + 2;
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        s.push('\n');
    }
    write_out(&s)
}

fn dash(s: &str) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s.to_owned()
    }
}
