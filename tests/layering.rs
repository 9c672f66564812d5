//! The floors of DESIGN.md's "Shape of the code": every top-level module of `src/` stands on a
//! floor and uses only the floors below it. The source files are read as text, and every
//! `crate::module` they name counts as a use.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Lowest first. A module on one floor may use the modules of the floors below, never one on
/// its own floor or above.
const FLOORS: &[&[&str]] = &[
    // Leaves: they use nothing of the crate.
    &["text", "clock", "history", "tui"],
    &["model"],
    // Formats into the model: OTLP through the one OTel → X-Ray translator.
    &["codec"],
    &[
        "filter",
        "layout",
        "synthetic",
        "synthetic_graph",
        "demo_gen",
    ],
    &["analytics"],
    // Reaching X-Ray: the client, and what a failed call means.
    &["aws"],
    // The write side.
    &["send"],
    // Where data comes from; the listener forwards through `send`.
    &["source"],
    &["app"],
    &["ui"],
    &["worker"],
    // The commands.
    &["print", "event_loop", "upload"],
    // What the user said.
    &["cli", "config"],
    // The command line and the configuration made into one typed description of the run.
    &["start"],
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&module))
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `source` for `src/source/aws/calls.rs`, `print` for
/// `src/print.rs`; `None` for the crate root and the binary.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// The modules named as `crate::name` in code (comments left out).
fn uses(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let whole_word = code[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            if !whole_word {
                continue;
            }
            let rest = &code[at + "crate::".len()..];
            // `crate::{model::Trace, text}` names each of its paths.
            let paths: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                None => vec![rest],
            };
            for path in paths {
                let name: String = path
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                    used.insert(name);
                }
            }
        }
    }
    used
}

/// "src/source/listen/mod.rs: source (floor 6) uses upload (floor 10)", one line per breach.
fn breaches(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let Some(module) = module_of(src, &file) else {
            continue;
        };
        let shown = file.strip_prefix(src.parent().unwrap()).unwrap().display();
        let Some(floor) = floor_of(&module) else {
            found.push(format!(
                "{shown}: module `{module}` has no floor: give it one in tests/layering.rs"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for used in uses(&text) {
            if used == module {
                continue;
            }
            match floor_of(&used) {
                Some(under) if under < floor => {}
                Some(under) => found.push(format!(
                    "{shown}: {module} (floor {floor}) uses {used} (floor {under})"
                )),
                None => found.push(format!("{shown}: uses `{used}`, which has no floor")),
            }
        }
    }
    found
}

#[test]
fn every_module_uses_only_the_floors_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = breaches(&src);
    assert!(found.is_empty(), "\n{}\n", found.join("\n"));
}

#[test]
fn the_floors_of_design_md_hold_in_the_table() {
    let below = |lower: &str, upper: &str| floor_of(lower).unwrap() < floor_of(upper).unwrap();
    for pure in ["model", "layout", "filter", "text"] {
        for above in ["app", "ui", "source", "send", "cli", "config"] {
            assert!(below(pure, above), "{pure} must sit below {above}");
        }
    }
    for above in ["source", "cli", "config", "app", "ui"] {
        assert!(below("send", above), "send must sit below {above}");
    }
    for above in ["cli", "config", "app", "ui", "upload", "print"] {
        assert!(below("source", above), "source must sit below {above}");
    }
}

#[test]
fn uses_are_read_from_code_not_comments_or_longer_names() {
    let text = "use crate::model::Trace;\n\
                // crate::ui is only mentioned here\n\
                let now = crate::clock::now(); // crate::app too\n\
                let x = mycrate::app::y;\n\
                use crate::{Thing, text::clean, filter};\n";
    assert_eq!(
        uses(text),
        BTreeSet::from(["clock", "filter", "model", "text"].map(str::to_owned))
    );
}
