//! The `authcli` binary: parse, run, report. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = authcli::cli::Cli::parse();
    match authcli::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("authcli: {}", authcli::text::one_line(&format!("{err:#}")));
            ExitCode::from(authcli::exit_code(&err))
        }
    }
}
