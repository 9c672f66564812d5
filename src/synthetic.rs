//! Deterministic synthetic traces of any size, for tests and benchmarks: many segment
//! documents (each under X-Ray's 64 KB limit) linked across documents by `parent_id`, with
//! nested subsegments, remote calls, HTTP, annotations and a sprinkle of faults and errors.

use serde_json::{Value, json};

use crate::model::{Document, Segment, Trace};

pub mod summaries;

/// Spans per document, so each document stays well under 64 KB.
const SPANS_PER_DOCUMENT: usize = 150;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Clone)]
struct Node {
    doc: usize,
    start: f64,
    end: f64,
    /// Path of indices from the document root to this node's JSON object.
    path: Vec<usize>,
    depth: usize,
}

/// The documents (JSON text) of one trace with `spans` spans in all.
pub fn trace_documents(trace_id: &str, spans: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    let start = 1_768_469_400.0;
    let mut docs: Vec<Value> = Vec::new();
    let mut calls: Vec<Node> = Vec::new();
    let mut made = 0;
    let mut counter = 0u64;
    let mut next_id = || {
        counter += 1;
        format!(
            "{:016x}",
            counter.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed
        )
    };
    while made < spans {
        let budget = (spans - made).min(SPANS_PER_DOCUMENT);
        let doc_index = docs.len();
        let service = format!("service-{}", doc_index % 40);
        // The first document is the root; later ones answer a remote call of an earlier one.
        let (begin, finish, parent) = if docs.is_empty() {
            (start, start + 2.0, None)
        } else {
            let call = &calls[rng.below(calls.len())];
            let id = id_at(&docs[call.doc], &call.path);
            let room = call.end - call.start;
            (call.start + room * 0.05, call.end - room * 0.05, Some(id))
        };
        let mut root = json!({
            "trace_id": trace_id, "id": next_id(), "name": service, "origin": "AWS::EC2::Instance",
            "start_time": begin, "end_time": finish,
            "http": {"request": {"method": "GET", "url": format!("https://{service}.internal/items/{doc_index}")},
                     "response": {"status": 200}},
            "annotations": {"shard": (doc_index % 7) as f64, "tier": "gold"},
            "subsegments": []
        });
        if let Some(parent) = parent {
            root["parent_id"] = json!(parent);
        }
        docs.push(root);
        made += 1;
        let mut nodes = vec![Node {
            doc: doc_index,
            start: begin,
            end: finish,
            path: Vec::new(),
            depth: 0,
        }];
        for _ in 1..budget {
            // Prefer recent nodes as parents, so the trees get depth as well as width.
            let back = rng.below(nodes.len().min(8));
            let parent_at = nodes.len() - 1 - back;
            let (p_start, p_end, p_depth) = (
                nodes[parent_at].start,
                nodes[parent_at].end,
                nodes[parent_at].depth,
            );
            let room = p_end - p_start;
            let child_start = p_start + room * rng.unit() * 0.6;
            let child_end =
                (child_start + (p_end - child_start) * (0.2 + 0.8 * rng.unit())).min(p_end);
            let remote = rng.below(10) == 0;
            let fault = rng.below(200) == 0;
            let mut child = json!({
                "id": next_id(), "name": if remote { "downstream.internal".to_owned() } else { format!("step-{}", made % 97) },
                "start_time": child_start, "end_time": child_end,
            });
            if remote {
                child["namespace"] = json!("remote");
                child["http"] = json!({"request": {"method": "POST", "url": "https://downstream.internal/call"},
                                       "response": {"status": if fault { 500 } else { 200 }}});
            }
            if fault {
                child["fault"] = json!(true);
                child["cause"] = json!({"exceptions": [{"id": next_id(), "type": "TimeoutError",
                                                        "message": "the call took too long"}]});
            }
            let parent_path = nodes[parent_at].path.clone();
            let children = children_at(&mut docs[doc_index], &parent_path);
            let mut path = parent_path;
            path.push(children.len());
            children.push(child);
            let node = Node {
                doc: doc_index,
                start: child_start,
                end: child_end,
                path,
                depth: p_depth + 1,
            };
            if remote {
                calls.push(node.clone());
            }
            nodes.push(node);
            made += 1;
        }
        if calls.is_empty() {
            // Keep a way to link the next document even when no call was drawn.
            calls.push(Node {
                doc: doc_index,
                start: begin,
                end: finish,
                path: Vec::new(),
                depth: 0,
            });
        }
    }
    docs.iter().map(Value::to_string).collect()
}

fn children_at<'a>(root: &'a mut Value, path: &[usize]) -> &'a mut Vec<Value> {
    let mut value = root;
    for &i in path {
        value = &mut value["subsegments"][i];
    }
    if value.get("subsegments").is_none() {
        value["subsegments"] = json!([]);
    }
    value["subsegments"]
        .as_array_mut()
        .expect("subsegments is an array")
}

fn id_at(root: &Value, path: &[usize]) -> String {
    let mut value = root;
    for &i in path {
        value = &value["subsegments"][i];
    }
    value["id"].as_str().unwrap_or_default().to_owned()
}

/// The assembled trace of [`trace_documents`].
pub fn trace(spans: usize, seed: u64) -> Trace {
    let id = "1-6968b4f1-00000000000000000000abcd";
    let documents = trace_documents(id, spans, seed)
        .into_iter()
        .filter_map(|text| {
            Some(Document {
                segment: Segment::parse(&text).ok()?,
                text,
            })
        })
        .collect();
    Trace::assemble(id, documents)
}
