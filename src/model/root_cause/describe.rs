//! A root-cause span described as the console shows it: the services from the entry point
//! down to it, each with the entities walked through and their exceptions.

use super::{
    ExceptionIndex, RootCause, RootCauseEntity, RootCauseException, RootCauseKind,
    RootCauseService, account_id, inferred_key, is_call, node_key, root_index,
};
use crate::model::trace::{SpanKind, Trace};

pub(super) fn describe_with(
    trace: &Trace,
    kind: RootCauseKind,
    span: usize,
    exceptions: &ExceptionIndex<'_>,
) -> RootCause {
    let spans = &trace.spans;
    let mut services: Vec<RootCauseService> = Vec::new();
    if span >= spans.len() {
        return RootCause {
            kind,
            span,
            services,
        };
    }
    // The chain from the top of the tree down to the span (parents always precede children).
    let mut chain = vec![span];
    let mut at = span;
    while let Some(parent) = spans[at].parent {
        at = parent as usize;
        chain.push(at);
    }
    chain.reverse();

    let root_duration = if kind == RootCauseKind::ResponseTime {
        root_index(trace)
            .and_then(|r| spans[r].segment.duration())
            .filter(|d| *d > 0.0)
    } else {
        None
    };
    let coverage = |i: usize| -> Option<f64> {
        let total = root_duration?;
        Some(spans[i].segment.duration()? / total)
    };
    let entity = |i: usize, name: String, remote: bool| RootCauseEntity {
        span: i,
        name,
        remote,
        // X-Ray's response-time root-cause entities carry no exceptions.
        exceptions: if kind == RootCauseKind::ResponseTime {
            Vec::new()
        } else {
            exceptions.of(i)
        }
        .into_iter()
        .map(|e| RootCauseException {
            name: e.kind.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default(),
            remote: e.remote,
        })
        .collect(),
        coverage: coverage(i),
    };

    // The call on the path that became an inferred node, once passed.
    let mut inferred_call: Option<usize> = None;
    let mut inside_call = false;
    for &i in &chain {
        let s = &spans[i];
        if s.is_segment() || services.is_empty() {
            let key = node_key(trace, i);
            services.push(RootCauseService {
                name: key.name,
                kind: key.kind,
                account_id: account_id(&s.segment),
                inferred: s.kind == SpanKind::Inferred,
                root: s.is_segment() && s.parent.is_none() && s.detached.is_none(),
                entity_path: Vec::new(),
            });
            inside_call = false;
            inferred_call = None;
        }
        let remote = !s.is_segment() && is_call(&s.segment);
        if remote && !inside_call {
            inside_call = true;
            if !trace.children(i).any(|c| spans[c].is_segment()) {
                inferred_call = Some(i);
            }
        }
        let name = s.name().to_owned();
        if let Some(service) = services.last_mut() {
            service.entity_path.push(entity(i, name, remote));
        }
    }
    if let Some(call) = inferred_call {
        let key = inferred_key(&spans[call].segment);
        services.push(RootCauseService {
            name: key.name.clone(),
            kind: key.kind,
            account_id: None,
            inferred: true,
            root: false,
            entity_path: vec![entity(call, key.name, true)],
        });
    }
    RootCause {
        kind,
        span,
        services,
    }
}
