//! The syntax tree of a filter expression. Every [`Expr`] carries its byte range in the text it
//! was parsed from; [`Expr::without_spans`] drops them to compare trees.

use std::ops::Range;

pub use crate::model::root_cause::RootCauseKind;

/// A byte range in the expression text.
pub type SourceSpan = Range<usize>;

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: SourceSpan,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `a AND b`, `a && b` or `a b`: two operands or more (the parser never makes fewer).
    And(Vec<Expr>),
    /// `a OR b`, `a || b`: two operands or more.
    Or(Vec<Expr>),
    /// `!a`.
    Not(Box<Expr>),
    /// A keyword on its own: a boolean keyword is true when its value is; a string keyword is
    /// true when the field is set (`http.url AND responsetime > 2`).
    Bare(Keyword),
    /// `keyword operator value`.
    Compare {
        keyword: Keyword,
        op: Op,
        value: Value,
    },
    /// `annotation.KEY` (also written `annotation[KEY]`), bare or compared.
    Annotation {
        key: String,
        test: Option<(Op, Value)>,
    },
    /// `group.name = "g"`, `group.arn = "arn:..."`.
    Group {
        field: GroupField,
        op: Op,
        value: String,
    },
    /// `service()`, `service("name")`, `service(id(...))`, with an optional `{ filter }`.
    Service {
        selector: Option<Selector>,
        filter: Option<Box<Expr>>,
    },
    /// `edge(source, destination)` with an optional `{ filter }`.
    Edge {
        from: Selector,
        to: Selector,
        filter: Option<Box<Expr>>,
    },
    /// `rootcause.fault.service { ... }` and the like; the block is optional.
    RootCause {
        kind: RootCauseKind,
        target: RootCauseTarget,
        filter: Option<Box<Expr>>,
    },
    /// `rootcause.json = #[ ... ]`: a JSON array of root-cause objects.
    RootCauseJson(serde_json::Value),
}

/// Names a service: `"name"`, or `id(name: "n", type: "t", account.id: "a")`.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    Name(String),
    Id {
        name: Option<String>,
        kind: Option<String>,
        account_id: Option<String>,
    },
}

impl Selector {
    pub fn name(&self) -> Option<&str> {
        match self {
            Selector::Name(name) => Some(name),
            Selector::Id { name, .. } => name.as_deref(),
        }
    }

    pub fn kind(&self) -> Option<&str> {
        match self {
            Selector::Name(_) => None,
            Selector::Id { kind, .. } => kind.as_deref(),
        }
    }

    pub fn account_id(&self) -> Option<&str> {
        match self {
            Selector::Name(_) => None,
            Selector::Id { account_id, .. } => account_id.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupField {
    Name,
    Arn,
}

/// What a `rootcause.KIND.TARGET` form looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RootCauseTarget {
    /// The services of the root cause's path.
    Service,
    /// The entities (spans) of the path.
    Entity,
    /// The exceptions recorded on the entities.
    Exception,
}

impl RootCauseTarget {
    pub fn label(self) -> &'static str {
        match self {
            RootCauseTarget::Service => "service",
            RootCauseTarget::Entity => "entity",
            RootCauseTarget::Exception => "exception",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    BeginsWith,
    EndsWith,
}

impl Op {
    pub fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "CONTAINS",
            Op::BeginsWith => "BEGINSWITH",
            Op::EndsWith => "ENDSWITH",
        }
    }

    pub fn is_ordering(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }

    pub fn is_text(self) -> bool {
        matches!(self, Op::Contains | Op::BeginsWith | Op::EndsWith)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Number(f64),
    String(String),
}

/// The type of a simple keyword's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeywordType {
    Bool,
    Number,
    String,
}

macro_rules! keywords {
    ($($variant:ident => $text:literal, $ty:ident;)*) => {
        /// The simple keywords.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Keyword {
            $($variant,)*
        }

        impl Keyword {
            pub const ALL: &'static [Keyword] = &[$(Keyword::$variant,)*];

            /// The keyword as written (lower case; X-Ray reads keywords in any case).
            pub fn text(self) -> &'static str {
                match self {
                    $(Keyword::$variant => $text,)*
                }
            }

            pub fn value_type(self) -> KeywordType {
                match self {
                    $(Keyword::$variant => KeywordType::$ty,)*
                }
            }
        }
    };
}

keywords! {
    Ok => "ok", Bool;
    Error => "error", Bool;
    Throttle => "throttle", Bool;
    Fault => "fault", Bool;
    Partial => "partial", Bool;
    Inferred => "inferred", Bool;
    First => "first", Bool;
    Last => "last", Bool;
    Remote => "remote", Bool;
    Root => "root", Bool;
    ResponseTime => "responsetime", Number;
    Duration => "duration", Number;
    HttpStatus => "http.status", Number;
    Index => "index", Number;
    Coverage => "coverage", Number;
    HttpUrl => "http.url", String;
    HttpMethod => "http.method", String;
    HttpUserAgent => "http.useragent", String;
    HttpClientIp => "http.clientip", String;
    User => "user", String;
    Name => "name", String;
    Type => "type", String;
    Message => "message", String;
    AvailabilityZone => "availabilityzone", String;
    InstanceId => "instance.id", String;
    ResourceArn => "resource.arn", String;
}

impl Keyword {
    /// Reads a keyword in any case.
    pub fn from_text(text: &str) -> Option<Keyword> {
        Keyword::ALL
            .iter()
            .copied()
            .find(|k| k.text().eq_ignore_ascii_case(text))
    }
}

/// Where a simple keyword is read: each place gives keywords their meaning and allows a
/// different set of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The top level: the trace.
    Trace,
    /// Inside `service(...) { }`: one segment of the service.
    Service,
    /// Inside `edge(...) { }`: one call from the source to the destination.
    Edge,
    /// Inside `rootcause.KIND.TARGET { }`.
    RootCause(RootCauseKind, RootCauseTarget),
}

impl Scope {
    /// Whether `keyword` means something here. The AWS guide says `first`, `last`, `remote`,
    /// `root` are meaningful inside root-cause and service filters and `coverage` only for
    /// response-time root causes; the rest follows what each place has.
    pub fn allows(self, keyword: Keyword) -> bool {
        use Keyword as K;
        match self {
            Scope::Trace => !matches!(
                keyword,
                K::First | K::Last | K::Remote | K::Root | K::Index | K::Coverage
            ),
            Scope::Service => !matches!(
                keyword,
                K::First | K::Last | K::Remote | K::Index | K::Coverage
            ),
            Scope::Edge => !matches!(
                keyword,
                K::First
                    | K::Last
                    | K::Remote
                    | K::Root
                    | K::Index
                    | K::Coverage
                    | K::Name
                    | K::Type
            ),
            Scope::RootCause(kind, target) => {
                let coverage = kind == RootCauseKind::ResponseTime;
                match target {
                    RootCauseTarget::Service => {
                        matches!(
                            keyword,
                            K::Name
                                | K::Type
                                | K::Inferred
                                | K::Root
                                | K::First
                                | K::Last
                                | K::Index
                        ) || (coverage && keyword == K::Coverage)
                    }
                    RootCauseTarget::Entity => {
                        matches!(keyword, K::Name | K::Remote | K::First | K::Last | K::Index)
                            || (coverage && keyword == K::Coverage)
                    }
                    RootCauseTarget::Exception => matches!(
                        keyword,
                        K::Name | K::Type | K::Message | K::First | K::Last | K::Index
                    ),
                }
            }
        }
    }

    /// How to name this place in messages.
    pub fn describe(self) -> String {
        match self {
            Scope::Trace => "at the top level".into(),
            Scope::Service => "inside service() { }".into(),
            Scope::Edge => "inside edge() { }".into(),
            Scope::RootCause(kind, target) => {
                format!("inside rootcause.{}.{} {{ }}", kind.label(), target.label())
            }
        }
    }
}

impl Expr {
    pub fn new(kind: ExprKind, span: SourceSpan) -> Expr {
        Expr { kind, span }
    }

    /// `keyword op value`, made in code rather than parsed: its span is `0..0`.
    pub fn compare(keyword: Keyword, op: Op, value: Value) -> Expr {
        Expr::new(ExprKind::Compare { keyword, op, value }, 0..0)
    }

    /// The same tree with every span set to `0..0`, to compare trees by their meaning.
    pub fn without_spans(&self) -> Expr {
        let kind = match &self.kind {
            ExprKind::And(items) => ExprKind::And(items.iter().map(Expr::without_spans).collect()),
            ExprKind::Or(items) => ExprKind::Or(items.iter().map(Expr::without_spans).collect()),
            ExprKind::Not(inner) => ExprKind::Not(Box::new(inner.without_spans())),
            ExprKind::Service { selector, filter } => ExprKind::Service {
                selector: selector.clone(),
                filter: filter.as_ref().map(|f| Box::new(f.without_spans())),
            },
            ExprKind::Edge { from, to, filter } => ExprKind::Edge {
                from: from.clone(),
                to: to.clone(),
                filter: filter.as_ref().map(|f| Box::new(f.without_spans())),
            },
            ExprKind::RootCause {
                kind,
                target,
                filter,
            } => ExprKind::RootCause {
                kind: *kind,
                target: *target,
                filter: filter.as_ref().map(|f| Box::new(f.without_spans())),
            },
            other => other.clone(),
        };
        Expr { kind, span: 0..0 }
    }

    /// How deeply the tree nests (`ok` is 1). The parser refuses more than
    /// [`super::MAX_DEPTH`] levels, so walking a parsed tree recursively is safe.
    pub fn depth(&self) -> usize {
        let children: Vec<&Expr> = match &self.kind {
            ExprKind::And(items) | ExprKind::Or(items) => items.iter().collect(),
            ExprKind::Not(inner) => vec![inner],
            ExprKind::Service { filter, .. }
            | ExprKind::Edge { filter, .. }
            | ExprKind::RootCause { filter, .. } => filter.iter().map(Box::as_ref).collect(),
            _ => Vec::new(),
        };
        1 + children.into_iter().map(Expr::depth).max().unwrap_or(0)
    }
}
