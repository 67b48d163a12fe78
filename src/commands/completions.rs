//! `snapdeck completions bash|zsh|fish`: clap_complete's script for the shell, generated from
//! the same definitions as `--help`, so completion never offers what parsing refuses (and
//! offers the values it takes: `--source`, `--format`, `--point`, the built-in themes).

use std::process::ExitCode;

use crate::cli::{Cli, ShellArg};
use clap::CommandFactory;
use clap_complete::Shell;

use super::{Failure, print_out};

pub fn run(shell: ShellArg) -> Result<ExitCode, Failure> {
    print_out(&script(shell))?;
    Ok(ExitCode::SUCCESS)
}

/// The completion script of `shell`.
pub fn script(shell: ShellArg) -> String {
    let shell = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "snapdeck", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_names_the_commands_and_the_values_that_are_known() {
        for shell in [ShellArg::Bash, ShellArg::Zsh, ShellArg::Fish] {
            let text = script(shell);
            for word in [
                "report",
                "completions",
                "drill",
                "high-contrast",
                "markdown",
            ] {
                assert!(text.contains(word), "{shell:?} offers {word}");
            }
        }
    }
}
