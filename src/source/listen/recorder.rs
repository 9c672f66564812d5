//! `--record FILE`: every received document appended as one NDJSON line, flushed as soon as
//! the burst it came in has been read, so what was received is on disk even if the UI dies.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub struct Recorder {
    path: PathBuf,
    out: BufWriter<File>,
    unflushed: bool,
    /// The first write error, kept to tell the user once.
    pub failure: Option<String>,
}

impl Recorder {
    /// Opens `path` for appending, creating it if needed.
    pub fn open(path: &Path) -> Result<Recorder, String> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot record to {}: {e}", path.display()))?;
        Ok(Recorder {
            path: path.to_owned(),
            out: BufWriter::with_capacity(256 * 1024, file),
            unflushed: false,
            failure: None,
        })
    }

    pub fn record(&mut self, document: &str) {
        if self.failure.is_some() {
            return;
        }
        let result = if document.contains(['\n', '\r']) {
            // One line per document: pretty-printed JSON is written compactly.
            match serde_json::from_str::<serde_json::Value>(document) {
                Ok(value) => writeln!(self.out, "{value}"),
                Err(_) => Ok(()),
            }
        } else {
            writeln!(self.out, "{document}")
        };
        self.unflushed = true;
        self.check(result);
    }

    pub fn flush(&mut self) {
        if self.unflushed && self.failure.is_none() {
            self.unflushed = false;
            let result = self.out.flush();
            self.check(result);
        }
    }

    fn check(&mut self, result: io::Result<()>) {
        if let Err(error) = result {
            self.failure = Some(format!(
                "recording to {} stopped: {error}",
                self.path.display()
            ));
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.flush();
    }
}
