//! The user's settings: `~/.config/xray-tui/config.toml` (`$XDG_CONFIG_HOME` honoured), or the
//! file given with `--config`. A file that cannot be read or understood is reported with its
//! path, line and key, and the defaults are used.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Copy keys may write to the clipboard (OSC 52).
    pub clipboard: bool,
    /// The region for links to the AWS console when the data names none.
    pub region: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clipboard: true,
            region: None,
        }
    }
}

/// Where the configuration is looked for when `--config` is not given.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("xray-tui").join("config.toml"))
}

/// Reads the configuration. `explicit` is a file the user named, which must exist; the default
/// file may be absent. Returns the settings and, when something was wrong, what and where.
pub fn load(explicit: Option<&Path>) -> (Config, Option<String>) {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => match default_path() {
            Some(path) if path.exists() => path,
            _ => return (Config::default(), None),
        },
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => match parse(&text) {
            Ok(config) => (config, None),
            Err(message) => (
                Config::default(),
                Some(format!("{}:{message}; using the defaults", path.display())),
            ),
        },
        Err(error) => (
            Config::default(),
            Some(format!(
                "{}: cannot read it ({error}); using the defaults",
                path.display()
            )),
        ),
    }
}

/// Parses configuration text; the error reads `LINE:COLUMN: message`.
pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, column)
            })
            .unwrap_or((1, 1));
        let message = error.message().trim().replace('\n', " ");
        format!("{line}:{column}: {message}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_and_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        let config = parse("clipboard = false\nregion = \"eu-west-1\"\n").unwrap();
        assert!(!config.clipboard);
        assert_eq!(config.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn mistakes_name_the_line_and_key() {
        let error = parse("region = \"x\"\nclipbord = false\n").unwrap_err();
        assert!(
            error.starts_with("2:1: unknown field `clipbord`"),
            "{error}"
        );
        let error = parse("clipboard = \"no\"\n").unwrap_err();
        assert!(
            error.starts_with("1:13: invalid type: string \"no\", expected a boolean"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_file_falls_back_to_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "clipboard = maybe\n").unwrap();
        let (config, problem) = load(Some(&path));
        assert_eq!(config, Config::default());
        let problem = problem.unwrap();
        assert!(problem.contains("config.toml:1:13:"), "{problem}");
        assert!(problem.ends_with("using the defaults"), "{problem}");
        let (_, missing) = load(Some(&dir.path().join("nope.toml")));
        assert!(missing.unwrap().contains("cannot read it"));
    }
}
