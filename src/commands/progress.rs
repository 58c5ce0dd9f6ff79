//! The progress bar of `check` and `build`, on stderr.

use std::io;
use std::sync::Arc;

use crate::check::Progress;
use crate::cli::CommonArgs;
use crate::report::Format;

/// A progress bar on stderr, only for people: on a terminal, in human output, not in CI.
pub(super) fn progress_bar(common: &CommonArgs) -> Option<Arc<Bar>> {
    use std::io::IsTerminal;
    let wanted = common.format == Format::Human
        && io::stderr().is_terminal()
        && std::env::var_os("CI").is_none();
    wanted.then(|| Arc::new(Bar::new()))
}

/// indicatif's bar behind the library's `Progress` trait. It shows itself only for
/// runs long enough to need it.
pub(super) struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new() -> Bar {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len} files")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(bar)
    }

    pub(super) fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, total: usize, what: &str) {
        self.0.set_length(total as u64);
        self.0.set_message(what.to_string());
        if total >= 200 {
            self.0
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn tick(&self) {
        self.0.inc(1);
    }
}
