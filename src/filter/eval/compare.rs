//! A field's values against an operator and the value written in the expression.

use crate::filter::ast::{Op, Value};
use crate::model::segment::AnnotationValue;

pub(super) fn compare_bool(value: bool, op: Op, wanted: bool) -> bool {
    match op {
        Op::Eq => value == wanted,
        Op::Ne => value != wanted,
        _ => false,
    }
}

pub(super) fn compare_number(value: Option<f64>, op: Op, wanted: f64) -> bool {
    let Some(v) = value else {
        return op == Op::Ne;
    };
    match op {
        Op::Eq => v == wanted,
        Op::Ne => v != wanted,
        Op::Lt => v < wanted,
        Op::Le => v <= wanted,
        Op::Gt => v > wanted,
        Op::Ge => v >= wanted,
        Op::Contains | Op::BeginsWith | Op::EndsWith => false,
    }
}

pub(super) fn compare_strings(values: &[&str], op: Op, wanted: &str) -> bool {
    match op {
        Op::Ne => !values.contains(&wanted),
        _ => values.iter().any(|v| compare_string(v, op, wanted)),
    }
}

fn compare_string(value: &str, op: Op, wanted: &str) -> bool {
    match op {
        Op::Eq => value == wanted,
        Op::Ne => value != wanted,
        Op::Contains => value.contains(wanted),
        Op::BeginsWith => value.starts_with(wanted),
        Op::EndsWith => value.ends_with(wanted),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => false,
    }
}

/// An annotation's values against a test; bare: set, and `true` when boolean.
pub(super) fn annotation_test<'v>(
    mut values: impl Iterator<Item = &'v AnnotationValue>,
    test: Option<&(Op, Value)>,
) -> bool {
    let Some((op, wanted)) = test else {
        return values.any(|v| !matches!(v, AnnotationValue::Bool(false)));
    };
    let equal = |v: &AnnotationValue| match (v, wanted) {
        (AnnotationValue::Bool(a), Value::Bool(b)) => a == b,
        (AnnotationValue::Number(a), Value::Number(b)) => a == b,
        (AnnotationValue::String(a), Value::String(b)) => a == b,
        _ => false,
    };
    match op {
        Op::Eq => values.any(equal),
        Op::Ne => !values.any(equal),
        op if op.is_ordering() => values.any(|v| match (v, wanted) {
            (AnnotationValue::Number(a), Value::Number(b)) => compare_number(Some(*a), *op, *b),
            _ => false,
        }),
        op => values.any(|v| match (v, wanted) {
            (AnnotationValue::String(a), Value::String(b)) => compare_string(a, *op, b),
            _ => false,
        }),
    }
}
