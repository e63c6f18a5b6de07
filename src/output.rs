//! What goes to stdout: bare codes, tables for people, JSON for programs.
//!
//! A closed pipe (`authcli list | head -1`) is not an error: writes stop quietly.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use serde_json::{Value, json};

use crate::account::Summary;

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
pub fn list_json(rows: &[Summary], codes: bool) -> Value {
    Value::Array(
        rows.iter()
            .map(|a| {
                let mut v = json!({
                    "name": a.name,
                    "issuer": a.issuer,
                    "account": a.account,
                    "type": a.kind,
                    "algorithm": a.algorithm,
                    "digits": a.digits,
                    "period": a.period,
                    "counter": a.counter,
                });
                if codes {
                    v["code"] = json!(a.code);
                    v["remaining"] = json!(a.remaining);
                }
                v
            })
            .collect(),
    )
}

/// The `list` table: a header on a terminal, aligned columns always.
pub fn print_table(rows: &[Summary], codes: bool) -> Result<()> {
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
    for a in rows {
        let mut line = vec![
            a.name.clone(),
            dash(&a.issuer),
            dash(&a.account),
            a.kind.clone(),
        ];
        if codes {
            match (&a.code, a.remaining) {
                (Some(c), Some(left)) => line.extend([c.clone(), format!("{left}s")]),
                _ => line.extend(["-".to_owned(), "-".to_owned()]),
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
