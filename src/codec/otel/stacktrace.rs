//! Stack frames out of `exception.stacktrace`, in the shapes Java, Python, Node.js, Go and
//! .NET print them (chosen by the resource's `telemetry.sdk.language`, or by the text's own
//! shape when that is unknown). Frames come innermost first, as X-Ray lists them; causes
//! printed in the same text (Java's `Caused by:`, Python's chained tracebacks) come too.
//! Text that fits no shape gives no frames, never an error.

use std::borrow::Cow;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame<'a> {
    pub path: Option<&'a str>,
    pub line: Option<i64>,
    pub label: Option<&'a str>,
}

/// An exception that caused the one before it in [`Parsed::causes`] (the first caused the
/// exception the text is about).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cause<'a> {
    pub kind: Option<&'a str>,
    pub message: Option<Cow<'a, str>>,
    pub frames: Vec<Frame<'a>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed<'a> {
    pub frames: Vec<Frame<'a>>,
    pub causes: Vec<Cause<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Java,
    Python,
    Node,
    Go,
    DotNet,
}

pub fn parse<'a>(language: Option<&str>, text: &'a str) -> Parsed<'a> {
    let shape = match language {
        Some("java" | "php") => Some(Shape::Java),
        Some("python") => Some(Shape::Python),
        Some("nodejs" | "javascript" | "webjs") => Some(Shape::Node),
        Some("go") => Some(Shape::Go),
        Some("dotnet") => Some(Shape::DotNet),
        _ => sniff(text),
    };
    match shape {
        Some(Shape::Java) => java(text),
        Some(Shape::Python) => python(text),
        Some(Shape::Node) => Parsed {
            frames: text.lines().filter_map(node_frame).collect(),
            causes: Vec::new(),
        },
        Some(Shape::Go) => go(text),
        Some(Shape::DotNet) => Parsed {
            frames: text.lines().filter_map(dotnet_frame).collect(),
            causes: Vec::new(),
        },
        None => Parsed::default(),
    }
}

/// The shape of a stack trace from an SDK that did not say its language.
fn sniff(text: &str) -> Option<Shape> {
    text.lines().find_map(|line| {
        if line.starts_with("Traceback (most recent call last)") {
            Some(Shape::Python)
        } else if line.starts_with("goroutine ") {
            Some(Shape::Go)
        } else if line.starts_with("\tat ") {
            Some(Shape::Java)
        } else if line.starts_with("   at ") && !line.starts_with("    ") {
            Some(Shape::DotNet)
        } else if line.starts_with("    at ") {
            Some(Shape::Node)
        } else {
            None
        }
    })
}

/// `path:line`, when what follows the last colon is a number.
fn path_and_line(location: &str) -> (&str, Option<i64>) {
    match location.rsplit_once(':') {
        Some((path, line)) if !path.is_empty() => match line.trim().parse() {
            Ok(line) => (path, Some(line)),
            Err(_) => (location, None),
        },
        _ => (location, None),
    }
}

fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// `Type: message` (the message may be absent).
fn type_and_message(line: &str) -> (Option<&str>, Option<&str>) {
    match line.split_once(": ") {
        Some((kind, message)) => (non_empty(kind), non_empty(message)),
        None => (non_empty(line.trim_end_matches(':')), None),
    }
}

// Java: `\tat com.example.Service.load(Service.java:87)`, then `Caused by: Type: message`.

fn java(text: &str) -> Parsed<'_> {
    let mut parsed = Parsed::default();
    let mut reading_cause_message = false;
    for line in text.lines() {
        if let Some(frame) = java_frame(line) {
            reading_cause_message = false;
            match parsed.causes.last_mut() {
                Some(cause) => cause.frames.push(frame),
                None => parsed.frames.push(frame),
            }
        } else if let Some(rest) = line.strip_prefix("Caused by: ") {
            let (kind, message) = type_and_message(rest);
            parsed.causes.push(Cause {
                kind,
                message: message.map(Cow::Borrowed),
                frames: Vec::new(),
            });
            reading_cause_message = true;
        } else if reading_cause_message && let Some(cause) = parsed.causes.last_mut() {
            // A message that runs over several lines, up to the first frame.
            let message = cause.message.get_or_insert(Cow::Borrowed(""));
            let message = message.to_mut();
            if !message.is_empty() {
                message.push('\n');
            }
            message.push_str(line);
        }
    }
    parsed
}

fn java_frame(line: &str) -> Option<Frame<'_>> {
    let rest = line
        .strip_prefix("\tat ")
        .or_else(|| line.strip_prefix("    at "))?;
    let inner = rest.strip_suffix(')')?;
    let (label, location) = inner.split_once('(')?;
    // `java.base/java.lang.Thread.run`, `app//com.example.Main.run`: loader and module go.
    let label = label.rsplit('/').next().unwrap_or(label);
    let (path, line) = path_and_line(location);
    Some(Frame {
        path: non_empty(path),
        line,
        label: non_empty(label),
    })
}

// Python: tracebacks, most recent call last, chained by a sentence between them.

const PYTHON_CHAINS: &[&str] = &[
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
];

fn python(text: &str) -> Parsed<'_> {
    let mut sections: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if PYTHON_CHAINS.contains(&line.trim()) {
            sections.push(Vec::new());
        } else if let Some(section) = sections.last_mut() {
            section.push(line);
        }
    }
    // The last traceback is the exception the event is about; each one before it caused
    // the one after it.
    let mut sections = sections
        .into_iter()
        .rev()
        .map(|lines| python_section(&lines));
    let frames = sections
        .next()
        .map(|(frames, _)| frames)
        .unwrap_or_default();
    let causes = sections
        .map(|(frames, exception)| {
            let (kind, message) = exception.map(python_exception).unwrap_or_default();
            Cause {
                kind,
                message,
                frames,
            }
        })
        .collect();
    Parsed { frames, causes }
}

/// One traceback's frames (innermost first) and the lines after them that name the
/// exception; source lines and carets are indented under their frame, the exception is not.
fn python_section<'a>(lines: &[&'a str]) -> (Vec<Frame<'a>>, Option<Vec<&'a str>>) {
    let mut frames = Vec::new();
    let mut after_frames = 0;
    for (index, line) in lines.iter().enumerate() {
        if let Some(frame) = python_frame(line) {
            frames.push(frame);
            after_frames = index + 1;
        }
    }
    frames.reverse();
    let exception: Vec<&str> = lines[after_frames..]
        .iter()
        .copied()
        .filter(|line| !line.starts_with("    ") && !line.trim().is_empty())
        .filter(|line| !line.starts_with("Traceback ("))
        .collect();
    (frames, (!exception.is_empty()).then_some(exception))
}

/// `Type: message`, the message running on over any further lines.
fn python_exception<'a>(lines: Vec<&'a str>) -> (Option<&'a str>, Option<Cow<'a, str>>) {
    let Some((first, more)) = lines.split_first() else {
        return (None, None);
    };
    let (kind, message) = type_and_message(first);
    if more.is_empty() {
        return (kind, message.map(Cow::Borrowed));
    }
    let mut joined = message.unwrap_or("").to_owned();
    for line in more {
        if !joined.is_empty() {
            joined.push('\n');
        }
        joined.push_str(line);
    }
    (kind, Some(Cow::Owned(joined)))
}

fn python_frame(line: &str) -> Option<Frame<'_>> {
    let rest = line.strip_prefix("  File \"")?;
    let (path, rest) = rest.split_once("\", line ")?;
    let (number, function) = match rest.split_once(", in ") {
        Some((number, function)) => (number, Some(function)),
        None => (rest, None),
    };
    Some(Frame {
        path: non_empty(path),
        line: number.trim().parse().ok(),
        label: function.and_then(non_empty),
    })
}

// Node.js: `    at label (path:line:column)` or `    at path:line:column`.

fn node_frame(line: &str) -> Option<Frame<'_>> {
    if !line.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = line.trim().strip_prefix("at ")?;
    let (label, location) = match rest.strip_suffix(')').and_then(|r| r.split_once(" (")) {
        Some((label, location)) => (Some(label), location),
        // `at async /app/x.js:1:2`: an anonymous async function.
        None => (None, rest.strip_prefix("async ").unwrap_or(rest)),
    };
    let (path, line) = match location.rsplitn(3, ':').collect::<Vec<_>>()[..] {
        [column, line, path] if column.parse::<u32>().is_ok() => (path, line.parse::<i64>().ok()),
        _ => (location, None),
    };
    let path = if line.is_none() && path.contains("native") {
        "native"
    } else {
        path
    };
    Some(Frame {
        path: non_empty(path),
        line,
        label: label.and_then(non_empty),
    })
}

// Go: a function line, then a tab-indented `path:line +0xoffset`.

fn go(text: &str) -> Parsed<'_> {
    let mut frames = Vec::new();
    let mut function: Option<&str> = None;
    for line in text.lines() {
        if let Some(location) = line.strip_prefix('\t') {
            let location = location.trim();
            let location = match location.rsplit_once(" +0x") {
                Some((location, _)) => location,
                None => location,
            };
            let (path, line) = path_and_line(location);
            if let Some(label) = function.take() {
                frames.push(Frame {
                    path: non_empty(path),
                    line,
                    label: Some(label),
                });
            }
        } else if line.starts_with("goroutine ") || line.trim().is_empty() {
            function = None;
        } else {
            function = non_empty(go_function(line));
        }
    }
    Parsed {
        frames,
        causes: Vec::new(),
    }
}

/// `main.handle({0x1, 0x2})` is the function `main.handle`.
fn go_function(line: &str) -> &str {
    match line.strip_suffix(')').and_then(|l| l.rfind('(')) {
        Some(open) if open > 0 => &line[..open],
        _ => line,
    }
}

// .NET: `   at Namespace.Type.Method(Args) in path:line 87`.

fn dotnet_frame(line: &str) -> Option<Frame<'_>> {
    let rest = line.trim().strip_prefix("at ")?;
    let Some((label, location)) = rest.split_once(" in ") else {
        let label = rest.rfind(')').map(|close| &rest[..=close])?;
        return Some(Frame {
            path: None,
            line: None,
            label: non_empty(label),
        });
    };
    let (path, line) = match location.rsplit_once(":line ") {
        Some((path, line)) => (path, line.trim().parse().ok()),
        None => path_and_line(location),
    };
    Some(Frame {
        path: non_empty(path),
        line,
        label: non_empty(label),
    })
}

#[cfg(test)]
mod tests;
