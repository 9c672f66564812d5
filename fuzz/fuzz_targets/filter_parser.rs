//! The filter expression parser: never panics, and what it accepts prints back to text that
//! parses to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_tui::filter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match filter::parse(text) {
        Ok(expr) => {
            let printed = expr.to_string();
            let again = match filter::parse(&printed) {
                Ok(again) => again,
                Err(error) => panic!(
                    "the printed form does not parse\ninput:   {text:?}\nprinted: {printed:?}\nerror:   {error}"
                ),
            };
            assert_eq!(
                again.without_spans(),
                expr.without_spans(),
                "the printed form parses to another tree\ninput:   {text:?}\nprinted: {printed:?}"
            );
        }
        Err(error) => {
            // The error's caret rendering indexes into the text by the error's span.
            let _ = error.column(text);
            let _ = error.render(text);
        }
    }
});
