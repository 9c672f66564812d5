//! Tab in the filter bar: completes keywords, services and annotation keys.

use super::super::state::{Hint, Prompt, State};
use crate::filter::quote;

/// Words Tab can complete to: keywords, and the services and annotation keys in the list.
fn completions(state: &State) -> Vec<String> {
    let mut words: Vec<String> = crate::filter::Keyword::ALL
        .iter()
        .map(|k| k.text().to_owned())
        .collect();
    words.extend(
        [
            "service(",
            "edge(",
            "annotation.",
            "AND",
            "OR",
            "rootcause.",
        ]
        .map(str::to_owned),
    );
    for summary in &state.list.summaries {
        for service in summary.services.iter() {
            words.push(format!("service({})", quote(&service.name)));
            // Inside `service(` or `edge(`, the quoted name alone.
            words.push(quote(&service.name));
        }
        for key in summary.annotations.keys() {
            words.push(format!("annotation.{key}"));
        }
    }
    words.sort();
    words.dedup();
    words
}

/// Completes the word before the cursor; with several candidates, to what they share.
pub(super) fn complete(state: &State, prompt: &mut Prompt) {
    let chars: Vec<char> = prompt.text.chars().collect();
    let start = chars[..prompt.cursor]
        .iter()
        .rposition(|c| c.is_whitespace() || matches!(c, '(' | ')' | '{' | '}' | '!'))
        .map_or(0, |i| i + 1);
    let word: String = chars[start..prompt.cursor].iter().collect();
    let lower = word.to_lowercase();
    let candidates: Vec<String> = completions(state)
        .into_iter()
        .filter(|c| c.to_lowercase().starts_with(&lower))
        .collect();
    let Some(first) = candidates.first() else {
        prompt.hint = Some(Hint {
            text: format!("nothing completes \"{word}\""),
            column: None,
            error: false,
        });
        return;
    };
    let shared: String = first
        .chars()
        .enumerate()
        .take_while(|(i, c)| {
            candidates
                .iter()
                .all(|other| other.chars().nth(*i) == Some(*c))
        })
        .map(|(_, c)| c)
        .collect();
    let replacement = if shared.chars().count() > word.chars().count() {
        shared
    } else {
        word.clone()
    };
    let rest: String = chars[prompt.cursor..].iter().collect();
    let before: String = chars[..start].iter().collect();
    prompt.text = format!("{before}{replacement}{rest}");
    prompt.cursor = before.chars().count() + replacement.chars().count();
    prompt.hint = (candidates.len() > 1).then(|| {
        let shown: Vec<&str> = candidates.iter().take(8).map(String::as_str).collect();
        let more = if candidates.len() > 8 {
            format!(" … {} more", candidates.len() - 8)
        } else {
            String::new()
        };
        Hint {
            text: format!("{}{more}", shown.join("  ")),
            column: None,
            error: false,
        }
    });
}
