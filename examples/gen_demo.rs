//! Writes the bundled demo data set: `cargo run --example gen_demo`.
//!
//! The output of `xray_tui::demo_gen::generate()` goes to `assets/demo.ndjson`; it is
//! deterministic, so running this again gives a byte-identical file.

use std::collections::BTreeSet;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let ndjson = xray_tui::demo_gen::generate();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join("demo.ndjson");
    std::fs::create_dir_all(path.parent().expect("assets dir"))?;
    std::fs::write(&path, &ndjson)?;
    let mut traces = BTreeSet::new();
    let mut documents = 0;
    for line in ndjson.lines() {
        documents += 1;
        let doc: serde_json::Value = serde_json::from_str(line).expect("generated line is JSON");
        if let Some(id) = doc["trace_id"].as_str() {
            traces.insert(id.to_string());
        }
    }
    println!(
        "wrote {} ({} bytes): {documents} documents, {} traces",
        path.display(),
        ndjson.len(),
        traces.len()
    );
    Ok(())
}
