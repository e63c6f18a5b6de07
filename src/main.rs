//! The `authcli` binary: parse, run, report. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `authcli code QUERY` skips building clap's command tree; everything else goes to clap.
    let args: Vec<_> = std::env::args_os().collect();
    let cli = authcli::cli::fast::parse(&args, |k| std::env::var_os(k))
        .unwrap_or_else(|| authcli::cli::Cli::parse_from(args));
    match authcli::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("authcli: {}", one_line(&format!("{err:#}")));
            ExitCode::from(authcli::exit_code(&err))
        }
    }
}

/// Errors are one line on stderr, whatever the causes carry.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
