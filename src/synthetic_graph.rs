//! Deterministic synthetic service graphs of any size, shaped as `aws xray get-service-graph`
//! prints them: clients calling entry services, services calling services in layers with a
//! few calls back, leaf resources (tables, queues, topics, remote APIs), realistic type names,
//! summary statistics with some errors, throttles and faults, and response-time histograms of
//! a few dozen buckets per node and edge. For benchmarks and tests of big maps.

use std::fmt::Write;

/// Service types of the services that call others, and of the leaves.
const CALLER_TYPES: [&str; 5] = [
    "AWS::EC2::Instance",
    "AWS::ECS::Container",
    "AWS::EKS::Container",
    "AWS::Lambda::Function",
    "AWS::ElasticBeanstalk::Environment",
];
const LEAF_TYPES: [&str; 6] = [
    "AWS::DynamoDB::Table",
    "AWS::SQS::Queue",
    "AWS::SNS",
    "AWS::S3::Bucket",
    "remote",
    "Database::SQL",
];
const WORDS: [&str; 16] = [
    "orders",
    "payments",
    "catalog",
    "search",
    "users",
    "auth",
    "inventory",
    "shipping",
    "billing",
    "reviews",
    "cart",
    "pricing",
    "ledger",
    "notify",
    "media",
    "profile",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One generated node: its type, name and whom it calls.
struct Node {
    kind: &'static str,
    name: String,
    root: bool,
    calls: Vec<usize>,
}

/// The nodes of a graph of `services` nodes (clients included): one client per 40 nodes, each
/// calling one or two entry services; every other node called by one to three nodes of the
/// layers before it, one in 30 calling back up.
fn nodes(services: usize, seed: u64) -> Vec<Node> {
    let mut rng = Rng(seed);
    let services = services.max(2);
    let clients = (services / 40).max(1);
    let layers = ((services as f64).sqrt() / 2.0).ceil().max(2.0) as usize;
    let per = (services - clients).div_ceil(layers);
    let mut nodes: Vec<Node> = Vec::with_capacity(services);
    for i in 0..services {
        let (kind, root) = if i < clients {
            ("client", false)
        } else {
            let layer = (i - clients) / per;
            let leaf = layer + 1 >= layers || (layer > 0 && rng.below(10) < 3);
            let kind = if leaf {
                LEAF_TYPES[rng.below(LEAF_TYPES.len())]
            } else {
                CALLER_TYPES[rng.below(CALLER_TYPES.len())]
            };
            (kind, layer == 0)
        };
        let word = WORDS[rng.below(WORDS.len())];
        let name = match kind {
            "client" => format!("client-{i}.example.com"),
            "remote" => format!("api.{word}-partner-{i}.example.net"),
            "AWS::SNS" | "AWS::SQS::Queue" => format!("{word}-events-{i}"),
            "AWS::DynamoDB::Table" => format!("{word}-table-{i}-prod"),
            _ => format!("{word}-service-{i}"),
        };
        nodes.push(Node {
            kind,
            name,
            root,
            calls: Vec::new(),
        });
    }
    for i in clients..services {
        let layer = (i - clients) / per;
        if layer == 0 {
            nodes[i % clients].calls.push(i);
            continue;
        }
        for _ in 0..1 + rng.below(3) {
            let back = if rng.below(4) == 0 {
                1 + rng.below(layer.min(3))
            } else {
                1
            };
            let from_layer = layer - back;
            // Leaves call nobody: look a few times for a caller that is not one.
            let caller = (0..4)
                .map(|_| clients + from_layer * per + rng.below(per))
                .find(|&from| from < services && !LEAF_TYPES.contains(&nodes[from].kind));
            if let Some(from) = caller
                && !nodes[from].calls.contains(&i)
            {
                nodes[from].calls.push(i);
            }
        }
        if rng.below(30) == 0 && !LEAF_TYPES.contains(&nodes[i].kind) {
            let up = clients + (layer - 1) * per + rng.below(per);
            if up < services
                && !LEAF_TYPES.contains(&nodes[up].kind)
                && !nodes[i].calls.contains(&up)
            {
                nodes[i].calls.push(up);
            }
        }
    }
    nodes
}

/// The text of a GetServiceGraph output with `services` nodes, pretty-printed as the AWS CLI
/// prints it (four spaces). The same `seed` gives the same text.
pub fn service_graph_json(services: usize, seed: u64) -> String {
    let nodes = nodes(services, seed);
    let mut rng = Rng(seed ^ 0x5EED);
    let start = 1_700_000_000.0;
    let end = start + 3600.0;
    let mut out = String::with_capacity(services * 6000);
    out.push_str("{\n    \"Services\": [");
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "\n        {{\n            \"ReferenceId\": {i},\n            \"Name\": \"{name}\",\n            \"Names\": [\n                \"{name}\"\n            ],\n",
            name = node.name
        );
        if node.kind != "client" {
            out.push_str("            \"AccountId\": \"123456789012\",\n");
        }
        let state = if node.kind == "client" {
            "unknown"
        } else {
            "active"
        };
        let _ = write!(
            out,
            "            \"Type\": \"{}\",\n            \"State\": \"{state}\",\n            \"StartTime\": {start:.1},\n            \"EndTime\": {end:.1},\n",
            node.kind
        );
        if node.root {
            out.push_str("            \"Root\": true,\n");
        }
        out.push_str("            \"Edges\": [");
        for (e, &to) in node.calls.iter().enumerate() {
            if e > 0 {
                out.push(',');
            }
            out.push_str("\n                {\n");
            let _ = write!(
                out,
                "                    \"ReferenceId\": {to},\n                    \"StartTime\": {start:.1},\n                    \"EndTime\": {end:.1},\n"
            );
            let total = statistics(&mut out, &mut rng, "                    ");
            out.push_str(",\n");
            histogram(
                &mut out,
                &mut rng,
                "ResponseTimeHistogram",
                total,
                "                    ",
            );
            out.push_str(",\n                    \"Aliases\": []\n                }");
        }
        if node.calls.is_empty() {
            out.push_str("],\n");
        } else {
            out.push_str("\n            ],\n");
        }
        if node.kind == "client" {
            // Clients have no statistics of their own, as in X-Ray's answers.
            out.truncate(out.len() - 2);
            out.push_str("\n        }");
            continue;
        }
        let total = statistics(&mut out, &mut rng, "            ");
        out.push_str(",\n");
        histogram(
            &mut out,
            &mut rng,
            "DurationHistogram",
            total,
            "            ",
        );
        out.push_str(",\n");
        histogram(
            &mut out,
            &mut rng,
            "ResponseTimeHistogram",
            total,
            "            ",
        );
        out.push_str("\n        }");
    }
    let _ = write!(
        out,
        "\n    ],\n    \"StartTime\": {start:.1},\n    \"EndTime\": {end:.1},\n    \"ContainsOldGroupVersions\": false\n}}\n"
    );
    out
}

/// Writes `"SummaryStatistics": {…}` (no trailing comma); returns the request count.
fn statistics(out: &mut String, rng: &mut Rng, indent: &str) -> u64 {
    let total = 20 + rng.below(50_000) as u64;
    let faults = if rng.below(8) == 0 {
        rng.below(total as usize / 20 + 1) as u64
    } else {
        0
    };
    let throttles = if rng.below(12) == 0 {
        rng.below(total as usize / 50 + 1) as u64
    } else {
        0
    };
    let others = if rng.below(5) == 0 {
        rng.below(total as usize / 30 + 1) as u64
    } else {
        0
    };
    let ok = total - faults - throttles - others;
    let mean = 0.005 + rng.unit() * rng.unit() * 0.8;
    let _ = write!(
        out,
        "{indent}\"SummaryStatistics\": {{\n\
         {indent}    \"OkCount\": {ok},\n\
         {indent}    \"ErrorStatistics\": {{\n\
         {indent}        \"ThrottleCount\": {throttles},\n\
         {indent}        \"OtherCount\": {others},\n\
         {indent}        \"TotalCount\": {errors}\n\
         {indent}    }},\n\
         {indent}    \"FaultStatistics\": {{\n\
         {indent}        \"OtherCount\": {faults},\n\
         {indent}        \"TotalCount\": {faults}\n\
         {indent}    }},\n\
         {indent}    \"TotalCount\": {total},\n\
         {indent}    \"TotalResponseTime\": {response:.3}\n\
         {indent}}}",
        errors = throttles + others,
        response = mean * total as f64,
    );
    total
}

/// Writes `"name": [{"Value": …, "Count": …}, …]` with 8 to 40 buckets (no trailing comma).
fn histogram(out: &mut String, rng: &mut Rng, name: &str, total: u64, indent: &str) {
    let buckets = 8 + rng.below(33);
    let _ = write!(out, "{indent}\"{name}\": [");
    let base = 0.001 + rng.unit() * 0.05;
    let share = (total / buckets as u64).max(1);
    for b in 0..buckets {
        if b > 0 {
            out.push(',');
        }
        let value = base * (1.0 + b as f64 * (0.3 + rng.unit()));
        let count = 1 + rng.below(share as usize * 2);
        let _ = write!(
            out,
            "\n{indent}    {{\n{indent}        \"Value\": {value:.3},\n{indent}        \"Count\": {count}\n{indent}    }}"
        );
    }
    let _ = write!(out, "\n{indent}]");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_json_with_the_services_asked_for() {
        let text = service_graph_json(300, 7);
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let services = value["Services"].as_array().expect("services");
        assert_eq!(services.len(), 300);
        let edges: usize = services
            .iter()
            .map(|s| s["Edges"].as_array().map_or(0, Vec::len))
            .sum();
        assert!((300..1200).contains(&edges), "{edges} edges");
        assert_eq!(text, service_graph_json(300, 7));
    }
}
