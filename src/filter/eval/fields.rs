//! What a simple keyword reads from its subject: the trace, a service's segment, a call, or
//! an element of a root cause.

use super::{Context, Subject};
use crate::filter::ast::Keyword;
use crate::model::root_cause::ServiceVisit;
use crate::model::segment::Segment;

impl<'t> Context<'t> {
    pub(super) fn flag(&self, keyword: Keyword, subject: Subject<'_>) -> bool {
        let status = |s: &Segment| match keyword {
            Keyword::Fault => s.fault,
            Keyword::Error => s.error,
            Keyword::Throttle => s.throttle,
            Keyword::Ok => !s.fault && !s.error && !s.throttle,
            Keyword::Partial => s.in_progress,
            _ => false,
        };
        match subject {
            Subject::Trace => match keyword {
                Keyword::Throttle => self.trace.spans.iter().any(|s| s.segment.throttle),
                Keyword::Partial => self.summary.is_partial || self.trace.in_progress(),
                Keyword::Inferred => self.services().visits.iter().any(|v| v.inferred),
                _ => self.root_segment().is_some_and(status),
            },
            Subject::Service(visit) => match keyword {
                Keyword::Inferred => visit.inferred,
                Keyword::Root => visit.root,
                _ => status(self.segment(visit.span)),
            },
            Subject::Edge(call, callee) => match keyword {
                Keyword::Inferred => callee.inferred,
                _ => status(self.segment(call.measured)),
            },
            Subject::RootCauseService {
                service,
                index,
                count,
            } => match keyword {
                Keyword::Inferred => service.inferred,
                Keyword::Root => service.root,
                _ => position(keyword, index, count),
            },
            Subject::RootCauseEntity {
                entity,
                index,
                count,
            } => match keyword {
                Keyword::Remote => entity.remote,
                _ => position(keyword, index, count),
            },
            Subject::RootCauseException { index, count, .. } => position(keyword, index, count),
        }
    }

    pub(super) fn number(&self, keyword: Keyword, subject: Subject<'_>) -> Option<f64> {
        let of_segment = |s: &Segment| match keyword {
            Keyword::ResponseTime | Keyword::Duration => s.duration(),
            Keyword::HttpStatus => s.http_status().map(|n| n as f64),
            _ => None,
        };
        match subject {
            Subject::Trace => match keyword {
                Keyword::Duration => {
                    if self.trace.in_progress() {
                        None
                    } else {
                        self.trace.duration()
                    }
                }
                _ => self.root_segment().and_then(of_segment),
            },
            Subject::Service(visit) => of_segment(self.segment(visit.span)),
            Subject::Edge(call, _) => of_segment(self.segment(call.measured)),
            Subject::RootCauseService { service, index, .. } => match keyword {
                Keyword::Index => Some(index as f64),
                Keyword::Coverage => service.entity_path.first().and_then(|e| e.coverage),
                _ => None,
            },
            Subject::RootCauseEntity { entity, index, .. } => match keyword {
                Keyword::Index => Some(index as f64),
                Keyword::Coverage => entity.coverage,
                _ => None,
            },
            Subject::RootCauseException { index, .. } => {
                (keyword == Keyword::Index).then_some(index as f64)
            }
        }
    }

    pub(super) fn strings<'a>(&'a self, keyword: Keyword, subject: Subject<'a>) -> Vec<&'a str> {
        match subject {
            Subject::Trace => match keyword {
                Keyword::User => self
                    .trace
                    .spans
                    .iter()
                    .filter_map(|s| s.segment.user.as_deref())
                    .collect(),
                Keyword::AvailabilityZone | Keyword::InstanceId | Keyword::ResourceArn => self
                    .trace
                    .spans
                    .iter()
                    .filter_map(|s| segment_string(&s.segment, keyword))
                    .collect(),
                Keyword::Name | Keyword::Type => {
                    let Some(root) = self.root else {
                        return Vec::new();
                    };
                    match self.services().visits.iter().find(|v| v.span == root) {
                        Some(visit) => node_string(visit, keyword).into_iter().collect(),
                        None if keyword == Keyword::Name => vec![self.segment(root).name()],
                        None => Vec::new(),
                    }
                }
                Keyword::Message => self.root.map_or(Vec::new(), |r| self.messages_within(r)),
                _ => self
                    .root_segment()
                    .and_then(|s| segment_string(s, keyword))
                    .into_iter()
                    .collect(),
            },
            Subject::Service(visit) => match keyword {
                Keyword::Name | Keyword::Type => node_string(visit, keyword).into_iter().collect(),
                Keyword::Message => self.messages_within(visit.span),
                _ => segment_string(self.segment(visit.span), keyword)
                    .into_iter()
                    .collect(),
            },
            Subject::Edge(call, _) => match keyword {
                Keyword::Message => self.messages(call.measured),
                _ => segment_string(self.segment(call.measured), keyword)
                    .into_iter()
                    .collect(),
            },
            Subject::RootCauseService { service, .. } => match keyword {
                Keyword::Name => vec![service.name.as_str()],
                Keyword::Type if !service.kind.is_empty() => vec![service.kind.as_str()],
                _ => Vec::new(),
            },
            Subject::RootCauseEntity { entity, .. } => match keyword {
                Keyword::Name => vec![entity.name.as_str()],
                _ => Vec::new(),
            },
            Subject::RootCauseException { exception, .. } => match keyword {
                Keyword::Name | Keyword::Type if !exception.name.is_empty() => {
                    vec![exception.name.as_str()]
                }
                Keyword::Message => vec![exception.message.as_str()],
                _ => Vec::new(),
            },
        }
    }

    /// Exception messages recorded on one span.
    fn messages(&self, index: usize) -> Vec<&'t str> {
        self.exceptions
            .of(index)
            .into_iter()
            .filter_map(|e| e.message.as_deref())
            .collect()
    }

    /// Exception messages of a span and of the subsegments of the same service below it
    /// (segments below belong to other services: their subtrees are skipped, so evaluating
    /// every service of a trace reads each span once).
    fn messages_within(&self, index: usize) -> Vec<&'t str> {
        let spans = &self.trace.spans;
        let end = (index + spans[index].subtree_len as usize).min(spans.len());
        let mut out = Vec::new();
        let mut i = index;
        while i < end {
            if i != index && spans[i].is_segment() {
                i += spans[i].subtree_len.max(1) as usize;
                continue;
            }
            for message in self.messages(i) {
                if !out.contains(&message) {
                    out.push(message);
                }
            }
            i += 1;
        }
        out
    }
}

/// `first`, `last` in an enumerated list.
fn position(keyword: Keyword, index: usize, count: usize) -> bool {
    match keyword {
        Keyword::First => index == 0,
        Keyword::Last => index + 1 == count,
        _ => false,
    }
}

fn node_string(visit: &ServiceVisit, keyword: Keyword) -> Option<&str> {
    match keyword {
        Keyword::Name => Some(visit.node.name.as_str()),
        Keyword::Type => Some(visit.node.kind.as_str()).filter(|k| !k.is_empty()),
        _ => None,
    }
}

/// A string field of one segment.
fn segment_string(segment: &Segment, keyword: Keyword) -> Option<&str> {
    let request = segment.http.as_ref().and_then(|h| h.request.as_ref());
    let ec2 = |field: &str| segment.aws.as_ref()?.ec2.as_ref()?.get(field)?.as_str();
    match keyword {
        Keyword::HttpUrl => request?.url.as_deref(),
        Keyword::HttpMethod => request?.method.as_deref(),
        Keyword::HttpUserAgent => request?.user_agent.as_deref(),
        Keyword::HttpClientIp => request?.client_ip.as_deref(),
        Keyword::User => segment.user.as_deref(),
        Keyword::Name => segment.name.as_deref(),
        Keyword::AvailabilityZone => ec2("availability_zone"),
        Keyword::InstanceId => ec2("instance_id"),
        Keyword::ResourceArn => segment.resource_arn.as_deref(),
        _ => None,
    }
}
