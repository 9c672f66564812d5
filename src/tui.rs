//! The terminal: raw mode and the alternate screen on the way in, everything restored on
//! the way out — on exit, on panic and on SIGTERM/SIGHUP.

use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// The mouse is captured while the app has the terminal.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Takes the terminal; with `mouse`, the terminal reports the wheel and clicks to the app.
pub fn enter(mouse: bool) -> io::Result<Tui> {
    install_panic_hook();
    MOUSE.store(mouse, Ordering::Relaxed);
    terminal::enable_raw_mode()?;
    let mut stdout = io::stdout();
    if let Err(error) = take_screen(&mut stdout) {
        restore();
        return Err(error);
    }
    Terminal::new(CrosstermBackend::new(stdout))
}

fn take_screen(stdout: &mut Stdout) -> io::Result<()> {
    execute!(stdout, EnterAlternateScreen, cursor::Hide)?;
    if MOUSE.load(Ordering::Relaxed) {
        execute!(stdout, EnableMouseCapture)?;
    }
    Ok(())
}

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() {
    let mut stdout = io::stdout();
    let _ = execute!(
        stdout,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = stdout.flush();
}

/// Ctrl-Z: restores the terminal, stops the process as the shell expects, and on `fg`
/// takes the terminal back and redraws everything.
pub fn suspend(terminal: &mut Tui) -> io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    // Here again after SIGCONT.
    terminal::enable_raw_mode()?;
    take_screen(&mut io::stdout())?;
    terminal.clear()
}

/// Puts text on the clipboard with the OSC 52 escape sequence, which terminals honour over
/// ssh too. Inside tmux the sequence is also passed through to the outer terminal.
pub fn copy_to_clipboard(text: &str) {
    let sequence = osc52(text);
    let mut stdout = io::stdout();
    let _ = stdout.write_all(sequence.as_bytes());
    if std::env::var_os("TMUX").is_some() {
        let wrapped = format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"));
        let _ = stdout.write_all(wrapped.as_bytes());
    }
    let _ = stdout.flush();
}

/// `ESC ] 52 ; c ; <base64> BEL`
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Restores the terminal before the default hook prints the panic message.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_base64() {
        assert_eq!(osc52("hello"), "\x1b]52;c;aGVsbG8=\x07");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
    }
}
