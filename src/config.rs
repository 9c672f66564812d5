//! The user's settings: `~/.config/xray-tui/config.toml` (`$XDG_CONFIG_HOME` honoured), or the
//! file given with `--config`. A file that cannot be read or understood is reported with its
//! path, line and key, and the defaults are used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::app::columns::Column;
use crate::app::keys::{self, Keymap, Override};
use crate::ui::theme::{ColorDepth, ThemeName};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Copy keys may write to the clipboard (OSC 52).
    pub clipboard: bool,
    /// The AWS region when the command line names none; also for links to the AWS console.
    pub region: Option<String>,
    /// The AWS profile when the command line names none.
    pub profile: Option<String>,
    /// The length of the time range looked at when the command line names none, in seconds.
    #[serde(deserialize_with = "length_of_time")]
    pub since: Option<f64>,
    pub theme: ThemeName,
    /// The terminal's colour depth, when detecting it gets it wrong.
    pub colors: Option<ColorDepth>,
    /// Take mouse wheel and clicks (off: the terminal's own selection works as usual).
    pub mouse: bool,
    /// The columns of the trace list, in order.
    pub columns: Option<Vec<Column>>,
    /// Key bindings: `action = "key"` or `action = ["key", ...]`, everywhere the action is
    /// bound, or in `[keys.list]`, `[keys.trace]`, `[keys.map]`, `[keys.global]`.
    pub keys: BTreeMap<String, KeysEntry>,
    /// How the listener translates OpenTelemetry spans: `[opentelemetry]`.
    pub opentelemetry: OpenTelemetry,
    /// Log groups by the service that writes to them, searched for a trace's log lines on live
    /// AWS: `[logs]`, `service = ["/ecs/service"]`.
    pub logs: BTreeMap<String, Vec<String>>,
}

/// Which span attributes become X-Ray annotations, as the X-Ray exporter's settings of the same
/// names say; `aws.xray.annotations` on a span always does.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenTelemetry {
    pub indexed_attributes: Vec<String>,
    pub index_all_attributes: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum KeysEntry {
    Keys(KeyList),
    Context(BTreeMap<String, KeyList>),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    fn keys(&self) -> Vec<String> {
        match self {
            KeyList::One(key) => vec![key.clone()],
            KeyList::Many(keys) => keys.clone(),
        }
    }
}

fn length_of_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let text = String::deserialize(deserializer)?;
    crate::source::time_range::parse_length(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clipboard: true,
            region: None,
            profile: None,
            since: None,
            theme: ThemeName::default(),
            colors: None,
            mouse: true,
            columns: None,
            keys: BTreeMap::new(),
            opentelemetry: OpenTelemetry::default(),
            logs: BTreeMap::new(),
        }
    }
}

impl Config {
    /// The key overrides in the order they are written, each with its `[keys]` path.
    pub fn key_overrides(&self) -> Result<Vec<(String, Override)>, (String, String)> {
        let mut overrides = Vec::new();
        for (name, entry) in &self.keys {
            match entry {
                KeysEntry::Keys(list) => overrides.push((
                    format!("keys.{name}"),
                    Override {
                        context: None,
                        action: name.clone(),
                        keys: list.keys(),
                    },
                )),
                KeysEntry::Context(table) => {
                    let context = keys::context_named(name).ok_or_else(|| {
                        (
                            format!("keys.{name}"),
                            format!(
                                "`{name}` is neither an action nor a place; the places are \
                                 global, list, trace, map and columns"
                            ),
                        )
                    })?;
                    for (action, list) in table {
                        overrides.push((
                            format!("keys.{name}.{action}"),
                            Override {
                                context: Some(context),
                                action: action.clone(),
                                keys: list.keys(),
                            },
                        ));
                    }
                }
            }
        }
        Ok(overrides)
    }

    /// The key map these settings ask for, with notes on keys taken from other actions; or
    /// the `[keys]` path at fault and what is wrong.
    pub fn keymap(&self) -> Result<(Keymap, Vec<String>), (String, String)> {
        let overrides = self.key_overrides()?;
        let plain: Vec<Override> = overrides.iter().map(|(_, o)| o.clone()).collect();
        Keymap::with_overrides(&plain).map_err(|error| {
            let path = overrides
                .get(error.index)
                .map(|(path, _)| path.clone())
                .unwrap_or_default();
            (path, error.message)
        })
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
            Ok((config, notes)) if notes.is_empty() => (config, None),
            Ok((config, notes)) => (
                config,
                Some(format!("{}: {}", path.display(), notes.join("; "))),
            ),
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

/// Parses and checks configuration text. The error reads `LINE:COLUMN: key `K`: message`;
/// notes say what was accepted but may surprise (an action left with no key).
pub fn parse(text: &str) -> Result<(Config, Vec<String>), String> {
    let config: Config = toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_and_column(text, span.start))
            .unwrap_or((1, 1));
        let message = error.message().trim().replace('\n', " ");
        match key_at(text, line) {
            Some(key) if !message.contains(&format!("`{key}`")) => {
                format!("{line}:{column}: key `{key}`: {message}")
            }
            _ => format!("{line}:{column}: {message}"),
        }
    })?;
    let (_, notes) = config.keymap().map_err(|(path, message)| {
        let line = line_of_key(text, &path).unwrap_or(1);
        format!("{line}:1: key `{path}`: {message}")
    })?;
    Ok((config, notes))
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The dotted key set on a line: the table it is in and the key before `=`.
fn key_at(text: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    for (n, content) in text.lines().enumerate() {
        let content = content.trim();
        if let Some(header) = table_header(content) {
            table = header;
        }
        if n + 1 == line {
            let (key, _) = content.split_once('=')?;
            let key = key.trim().trim_matches('"');
            return Some(if table.is_empty() {
                key.to_owned()
            } else {
                format!("{table}.{key}")
            });
        }
    }
    None
}

/// The line that sets a dotted key, as written in a table or inline.
fn line_of_key(text: &str, path: &str) -> Option<usize> {
    let mut table = String::new();
    for (n, content) in text.lines().enumerate() {
        let content = content.trim();
        if let Some(header) = table_header(content) {
            if header == path {
                return Some(n + 1);
            }
            table = header;
            continue;
        }
        let Some((key, _)) = content.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        let full = if table.is_empty() {
            key.to_owned()
        } else {
            format!("{table}.{key}")
        };
        if full == path {
            return Some(n + 1);
        }
    }
    None
}

fn table_header(line: &str) -> Option<String> {
    let inner = line.strip_prefix('[')?.split(']').next()?;
    Some(inner.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Intent;
    use crate::app::keymap::Context;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn ok(text: &str) -> Config {
        parse(text).unwrap().0
    }

    #[test]
    fn settings_and_defaults() {
        assert_eq!(ok(""), Config::default());
        let config = ok("clipboard = false\nregion = \"eu-west-1\"\n");
        assert!(!config.clipboard);
        assert_eq!(config.region.as_deref(), Some("eu-west-1"));
        assert!(config.mouse);
        assert_eq!(config.theme, ThemeName::Dark);
    }

    #[test]
    fn every_setting_merges_over_the_defaults() {
        let config = ok(r#"
profile = "prod"
region = "eu-west-1"
since = "3h"
theme = "light"
colors = "256"
mouse = false
columns = ["time", "status", "url", "annotation.customer_tier"]

[keys]
toggle_help = "h"

[keys.trace]
close = ["backspace", "esc"]
"#);
        assert_eq!(config.profile.as_deref(), Some("prod"));
        assert_eq!(config.since, Some(3.0 * 3600.0));
        assert_eq!(config.theme, ThemeName::Light);
        assert_eq!(config.colors, Some(ColorDepth::Indexed256));
        assert!(!config.mouse);
        assert!(config.clipboard, "unset settings keep their defaults");
        assert_eq!(
            config.columns.as_deref(),
            Some(
                &[
                    Column::Time,
                    Column::Status,
                    Column::Url,
                    Column::Annotation("customer_tier".into())
                ][..]
            )
        );
        let (keymap, notes) = config.keymap().unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        let h = KeyEvent::new(KeyCode::Char('h'), KeyModifiers::NONE);
        assert_eq!(
            keymap.intent_for(Context::List, &h),
            Some(Intent::ToggleHelp)
        );
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(keymap.intent_for(Context::Trace, &esc), Some(Intent::Close));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(keymap.intent_for(Context::Trace, &q), None);
        assert_eq!(ok("theme = \"16\"").theme, ThemeName::Ansi);
    }

    #[test]
    fn the_example_in_the_readme_is_a_valid_configuration() {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("## Configuration").unwrap()..];
        let start = section.find("```toml\n").unwrap() + "```toml\n".len();
        let example = &section[start..start + section[start..].find("```").unwrap()];
        let (config, notes) = parse(example).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(config.profile.as_deref(), Some("prod"));
        assert!(config.columns.is_some());
        assert!(!config.keys.is_empty());
        assert_eq!(config.opentelemetry.indexed_attributes, ["customer_tier"]);
        assert_eq!(
            config.logs.get("checkout").map(Vec::len),
            Some(2),
            "{:?}",
            config.logs
        );
        // The commented-out depth is one that parses.
        let colors = example
            .lines()
            .find_map(|l| l.strip_prefix("# colors = "))
            .and_then(|l| l.split_whitespace().next())
            .unwrap();
        assert_eq!(
            ok(&format!("colors = {colors}")).colors,
            Some(ColorDepth::Indexed256)
        );
        assert_eq!(
            ok("colors = \"true-color\"").colors,
            Some(ColorDepth::TrueColor)
        );
        assert_eq!(
            ok("colors = \"truecolor\"").colors,
            Some(ColorDepth::TrueColor)
        );
        assert_eq!(ok("colors = \"16\"").colors, Some(ColorDepth::Ansi16));
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
            error.starts_with(
                "1:13: key `clipboard`: invalid type: string \"no\", expected a boolean"
            ),
            "{error}"
        );
        let error = parse("\n\nsince = \"3 fortnights\"\n").unwrap_err();
        assert!(
            error.starts_with("3:9: key `since`: `3 fortnights` is not a length"),
            "{error}"
        );
        let error = parse("theme = \"solarized\"\n").unwrap_err();
        assert!(
            error.starts_with("1:9: key `theme`: unknown variant `solarized`"),
            "{error}"
        );
        let error = parse("columns = [\"time\", \"colour\"]\n").unwrap_err();
        assert!(
            error.contains("key `columns`: unknown column `colour`"),
            "{error}"
        );
    }

    #[test]
    fn key_mistakes_name_the_line_and_key() {
        let error =
            parse("mouse = true\n[keys]\nquit = \"ctrl-q\"\nexplode = \"x\"\n").unwrap_err();
        assert!(
            error.starts_with("4:1: key `keys.explode`: unknown action `explode`"),
            "{error}"
        );
        let error = parse("[keys.trace]\n\nclose = \"hyper-x\"\n").unwrap_err();
        assert!(
            error.starts_with("3:1: key `keys.trace.close`: `hyper-x` is not a key"),
            "{error}"
        );
        let error = parse("[keys.kitchen]\nclose = \"x\"\n").unwrap_err();
        assert!(
            error.starts_with("1:1: key `keys.kitchen`: `kitchen` is neither"),
            "{error}"
        );
        let error = parse("[keys]\nsort_next = \"o\"\nrefresh = \"o\"\n").unwrap_err();
        assert!(
            error.contains("key `keys.sort_next`: `o` is also given to refresh")
                || error.contains("key `keys.refresh`: `o` is also given to sort_next"),
            "{error}"
        );
    }

    #[test]
    fn a_key_taken_from_another_action_is_a_note_not_an_error() {
        let (config, notes) = parse("[keys]\nquit = \"x\"\n").unwrap();
        assert_eq!(config.keys.len(), 1);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains("clear_filter has no key left"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_bad_file_falls_back_to_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "theme = \"light\"\nclipboard = maybe\n").unwrap();
        let (config, problem) = load(Some(&path));
        assert_eq!(config, Config::default());
        let problem = problem.unwrap();
        assert!(problem.contains("config.toml:2:13:"), "{problem}");
        assert!(problem.ends_with("using the defaults"), "{problem}");
        std::fs::write(&path, "theme = \"light\"\n[keys]\nfly = \"f\"\n").unwrap();
        let (config, problem) = load(Some(&path));
        assert_eq!(config, Config::default());
        let problem = problem.unwrap();
        assert!(
            problem.contains("config.toml:3:1: key `keys.fly`: unknown action"),
            "{problem}"
        );
        let (_, missing) = load(Some(&dir.path().join("nope.toml")));
        assert!(missing.unwrap().contains("cannot read it"));
    }
}
