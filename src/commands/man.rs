//! `snapdeck man`: the man page, from the same clap definitions as `--help` (clap_mangen),
//! with what a page needs and `--help` does not say: exit status, environment, files. With
//! `--out-dir`, one page per command too (`man snapdeck-report`), as the package installs.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::Cli;
use clap::CommandFactory;
use clap_mangen::Man;

use super::{Failure, print_out, user};

pub fn run(out_dir: Option<&Path>) -> Result<ExitCode, Failure> {
    let page = page().map_err(|e| user(format!("could not render the man page: {e}")))?;
    let Some(dir) = out_dir else {
        print_out(&page)?;
        return Ok(ExitCode::SUCCESS);
    };
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(documented(), dir))
        // generate_to wrote the plain page of `snapdeck` too: ours has the extra sections.
        .and_then(|()| std::fs::write(dir.join("snapdeck.1"), &page));
    written.map_err(|e| {
        user(format!(
            "could not write the man pages to {}: {e}",
            dir.display()
        ))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The commands as the pages document them: without clap's `help` subcommand, which has no
/// page of its own (`snapdeck help X` is `snapdeck X --help`).
fn documented() -> clap::Command {
    Cli::command().disable_help_subcommand(true)
}

/// snapdeck(1) in roff.
pub fn page() -> std::io::Result<String> {
    let man = Man::new(documented());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    out.write_all(DESCRIPTION.as_bytes())?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    out.write_all(EXTRA.as_bytes())?;
    man.render_version_section(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// More of DESCRIPTION, after clap's one line.
const DESCRIPTION: &str = r#".PP
Without a command, snapdeck opens the dashboard: every tenant's backup health, worst first,
the tenant screen, restores, DNS swaps and restore requests, on the embedded demo fleet, the
control plane (\fB\-\-source http\fR) or the clusters (\fB\-\-source kube\fR). Press \fB?\fR
on any screen for its keys.
"#;

/// The sections `--help` has no room for.
const EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fBsnapdeck status\fR
Like a monitoring check: 0 every tenant ok or info, 1 amber, 2 red, 3 unknown or stale, or
snapdeck could not judge (bad arguments or config, source unreachable, output not writable).
.TP
\fBsnapdeck verify\fR
0 passed, 1 warning, 2 failed, 3 could not check.
.TP
\fBsnapdeck drill\fR
0 all passed, 1 warnings, 2 a drill failed, 3 could not run.
.TP
\fBsnapdeck report\fR
0, or 3 when the report cannot be made.
.PP
Other commands exit 2 on bad arguments or config.
.SH ENVIRONMENT
.TP
\fBSNAPDECK_CONFIG\fR
The config file, when \fB\-\-config\fR is not given (empty counts as unset).
.TP
\fBSNAPDECK_TOKEN\fR
The control plane's bearer token (or the variable named by \fBtoken_env\fR in \fB[http]\fR).
Never on the command line.
.TP
\fBSNAPDECK_JOURNAL\fR
The journal of operator actions, instead of the data dir's.
.TP
\fBPGPASSWORD\fR, \fBPGPASSFILE\fR
Passwords for snapdeck's own checks of a restore (\fBsnapdeck verify\fR).
.TP
\fBNO_COLOR\fR
No colour at all; levels still read by glyph and word.
.TP
\fBSNAPDECK_LOG\fR
The log's level (\fBdebug\fR for more).
.SH FILES
.TP
\fI~/.config/snapdeck/config.toml\fR
The config file; \fBsnapdeck config init\fR writes one with every setting and its default
(the package ships it as \fI/usr/share/doc/snapdeck/config.toml.example\fR).
.TP
\fI~/.config/snapdeck/themes/NAME.toml\fR
Themes of your own, for \fB\-\-theme NAME\fR.
.TP
\fI~/.local/share/snapdeck/journal.jsonl\fR
The journal: every write snapdeck sent, with its answer.
.TP
\fI~/.local/share/snapdeck/reports/\fR
Ticket reports copied from the dashboard (\fBy\fR on a restore's monitor).
.TP
\fI~/.local/state/snapdeck/snapdeck.log\fR
The log.
.TP
\fI/lib/systemd/system/snapdeck\-drills.service\fR, \fIsnapdeck\-drills.timer\fR
Nightly restore drills (installed, not enabled).
.SH "SEE ALSO"
\fBsnapdeck\-status\fR(1), \fBsnapdeck\-report\fR(1), \fBsnapdeck\-drill\fR(1),
\fBsnapdeck\-verify\fR(1), \fBsnapdeck\-journal\fR(1), and the README.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_the_commands_and_the_sections_help_has_not() {
        let page = page().unwrap();
        for part in [
            ".TH snapdeck 1",
            ".SH SYNOPSIS",
            "report",
            "EXIT STATUS",
            "SNAPDECK_JOURNAL",
        ] {
            assert!(page.contains(part), "{part} in the page");
        }
    }
}
