//! Filter expressions remembered across runs, in the user's state directory
//! (`$XDG_STATE_HOME/xray-tui/filters`, or `~/.local/state/xray-tui/filters`).

use std::path::PathBuf;

use tokio::io::AsyncWriteExt;

/// How many expressions are offered with up/down.
pub const KEPT: usize = 200;

pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state"))
        })?;
    Some(base.join("xray-tui").join("filters"))
}

/// The remembered expressions, oldest first, without repeats (the latest use counts).
pub fn load() -> Vec<String> {
    let Some(text) = path().and_then(|p| std::fs::read_to_string(p).ok()) else {
        return Vec::new();
    };
    let mut kept: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        kept.retain(|k| k != line);
        kept.push(line.to_owned());
    }
    let skip = kept.len().saturating_sub(KEPT);
    kept.split_off(skip)
}

/// Appends one expression (one line) to the history file.
pub async fn remember(expression: &str) -> std::io::Result<()> {
    let Some(path) = path() else { return Ok(()) };
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .await?;
    let line = expression.replace(['\n', '\r'], " ");
    file.write_all(format!("{line}\n").as_bytes()).await
}
