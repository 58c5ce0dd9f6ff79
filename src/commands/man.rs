//! `healthpress man`: the man page.

use std::io::{self, Write};

use crate::cli::Cli;
use crate::error::{ExitStatus, RunError};

pub(super) fn run(out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    out.write_all(&page()?)?;
    Ok(ExitStatus::Success)
}

/// The man page: clap's page of the command, then a section for each subcommand with
/// its arguments and options, the exit status and the configuration file.
fn page() -> io::Result<Vec<u8>> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        writeln!(
            page,
            ".SH \"HEALTHPRESS {}\"",
            roff(&sub.get_name().to_uppercase())
        )?;
        let mut usage = format!("healthpress {}", sub.get_name());
        for a in sub.get_positionals() {
            let name = a
                .get_value_names()
                .and_then(|v| v.first())
                .map(|v| v.to_string())
                .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
            usage.push_str(&format!(" {name}"));
            if matches!(a.get_num_args(), Some(n) if n.max_values() > 1) {
                usage.push_str("...");
            }
        }
        if sub.get_opts().next().is_some() || sub.get_arguments().any(|a| !a.is_positional()) {
            usage.push_str(" [OPTIONS]");
        }
        writeln!(page, ".PP\n\\fB{}\\fR", roff(&usage))?;
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            writeln!(page, ".PP\n{}", roff(&about.to_string()))?;
        }
        for a in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let mut head = match (a.get_long(), a.get_short()) {
                (Some(l), _) => format!("--{l}"),
                (None, Some(c)) => format!("-{c}"),
                (None, None) => a
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| a.get_id().to_string().to_uppercase()),
            };
            if !a.is_positional() && a.get_action().takes_values() {
                let value = a
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
                head.push_str(&format!(" {value}"));
            }
            writeln!(page, ".TP\n\\fB{}\\fR", roff(&head))?;
            let mut help = a
                .get_long_help()
                .or(a.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                help.push_str(&format!(" One of: {}.", values.join(", ")));
            }
            writeln!(page, "{}", roff(help.trim()))?;
        }
    }
    page.extend_from_slice(MAN_TAIL.as_bytes());
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// Text for roff: a backslash doubled, a leading `.` or `'` made literal, `-` a minus.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    escaped
        .lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const MAN_TAIL: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
No errors (warnings do not fail a run unless \fB\-\-deny\-warnings\fR is given).
.TP
\fB1\fR
The content has errors (or warnings, with \fB\-\-deny\-warnings\fR); \fBbuild\fR writes no bundle.
.TP
\fB2\fR
The command could not run: bad arguments, a missing or broken configuration file, or an
error reading or writing files.
.SH FILES
.TP
\fBhealthpress.toml\fR
The configuration, found by walking up from the current folder as cargo finds
\fBCargo.toml\fR, or named with \fB\-\-config\fR \fIFILE\fR. Its keys:
\fBcontent\fR (the folder of articles, default \fBcontent\fR),
\fBlocale\fR (default \fBen\-GB\fR),
\fBmax_file_bytes\fR (larger files are refused; default 4 MiB),
\fB[topics]\fR (the taxonomy, \fIid\fR = "\fILabel\fR"; required),
\fBpolicy.clinicians\fR, \fBpolicy.review_window_days\fR,
\fBpolicy.max_review_interval_months\fR, \fBpolicy.readability_max_grade\fR,
\fBpolicy.require_sign_off\fR, \fBpolicy.absolute_claims\fR,
\fBpolicy.emergency_numbers\fR, \fB[[policy.require]]\fR (\fBaudiences\fR,
\fBtopics\fR, \fBdisclaimers\fR, \fBcallouts\fR),
\fB[rules]\fR (\fIrule\-name\fR = "error", "warning" or "off"),
\fBbundle.out\fR (where \fBbuild\fR writes, default \fBdist\fR) and
\fBbundle.templates\fR (a folder of template overrides, which must exist).
A mistake in it is reported at its line, with exit status 2.
.TP
\fIcontent\fR\fB/**/*.md\fR
The articles: Markdown with YAML front matter. Files with another Markdown extension
(\fB.markdown\fR, \fB.mdown\fR, \fB.mkd\fR, \fB.MD\fR and the like) are reported, not read.
"#;
