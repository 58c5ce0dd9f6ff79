//! `healthpress lsp`: the language server (`crate::lsp`) on stdin and stdout.

use lsp_server::{Connection, Message};

use crate::error::{ExitStatus, RunError};

/// Serve until the client says `exit`: 0 when it shut the server down first, 1 when not.
pub(super) fn run() -> Result<ExitStatus, RunError> {
    match stdio() {
        Ok(true) => Ok(ExitStatus::Success),
        Ok(false) => Ok(ExitStatus::Failure),
        Err(e) => Err(RunError::Lsp(e)),
    }
}

/// Serve on stdin and stdout until the client says `exit`.
///
/// The transport is lsp-server's framing with threads of our own: its stdio reader
/// stops at the first malformed message, and a client's one bad frame must not end
/// the session. A frame that is not JSON-RPC is reported on stderr and skipped (it has
/// been read whole); the end of input or a read error ends the session.
fn stdio() -> anyhow::Result<bool> {
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let reader = std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            match Message::read(&mut input) {
                Ok(Some(m)) => {
                    let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                    if to_server.send(m).is_err() || exit {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    eprintln!("healthpress lsp: skipped a malformed message: {e}");
                }
                Err(e) => {
                    eprintln!("healthpress lsp: cannot read stdin: {e}");
                    break;
                }
            }
        }
    });
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let stdout = std::io::stdout();
        let mut output = stdout.lock();
        for m in from_server {
            m.write(&mut output)?;
        }
        Ok(())
    });
    let clean = crate::lsp::serve(Connection {
        sender: to_client,
        receiver: from_client,
    })?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))??;
    // The reader may be blocked on stdin after `exit`; the process ends without it.
    drop(reader);
    Ok(clean)
}
