//! The optimizer: orders the operands of an `and` by cost and selectivity and folds enum checks on one
//! property into one bit set. Both are exact in three-valued logic.

use std::sync::Arc;

use super::plan::{enum_set, Check, Pred, Src};
use crate::semantics::CompareOp;

/// Folds enum checks on the same top-level property into one bit set: `status eq 'A' or status eq
/// 'B'` is `status in ('A','B')`. Exact because an enum check is two-valued (never null): `or` is the
/// union of the sets (and of the outcomes for null), `and` the intersection.
pub(super) fn merge_enum_checks(items: Vec<Pred>, and: bool) -> Vec<Pred> {
    let mut out: Vec<Pred> = Vec::with_capacity(items.len());
    for item in items {
        if let Pred::Check(Check::Enum {
            src: Src::Top { index, .. },
            set,
        }) = &item
        {
            let found = out.iter_mut().find_map(|p| match p {
                Pred::Check(Check::Enum {
                    src: Src::Top { index: i, .. },
                    set: s,
                }) if i == index && (Arc::ptr_eq(&s.ty, &set.ty) || s.ty == set.ty) => Some(s),
                _ => None,
            });
            if let Some(existing) = found {
                let (mask, on_null) = if and {
                    (existing.mask & set.mask, existing.on_null && set.on_null)
                } else {
                    (existing.mask | set.mask, existing.on_null || set.on_null)
                };
                if let Some(merged) = enum_set(&existing.ty, on_null, |p| mask >> p & 1 == 1) {
                    *existing = merged;
                    continue;
                }
            }
        }
        out.push(item);
    }
    out
}

/// Evaluation order of the operands of an `and`: a cost class, then an estimate of the fraction of
/// records for which the operand is true (lower first).
pub(super) fn rank(p: &Pred) -> f64 {
    let (cost, pass) = match p {
        Pred::Const(Some(true)) => (0.0, 1.0),
        Pred::Const(_) => (-1.0, 0.0),
        Pred::Check(c) => match c {
            Check::Enum { set, .. } => (
                0.0,
                f64::from(set.mask.count_ones()) / set.ty.members().len().max(1) as f64,
            ),
            Check::Guid { op, .. } | Check::Str { op, .. } | Check::Instant { op, .. } => {
                (0.0, if *op == CompareOp::Eq { 0.05 } else { 0.5 })
            }
            Check::Int { op, .. } => (0.0, if *op == CompareOp::Eq { 0.1 } else { 0.5 }),
            Check::GuidIn { .. } | Check::StrIn { .. } => (0.0, 0.2),
            Check::Null { is_null, .. } => (0.0, if *is_null { 0.3 } else { 0.7 }),
            Check::Bool { .. } => (0.0, 0.5),
            Check::StrFn { .. } => (1.0, 0.3),
            Check::Matches { .. } => (2.0, 0.3),
        },
        Pred::Not(_) | Pred::And(_) | Pred::Or(_) => (2.0, 0.5),
        Pred::Lambda { .. } => (3.0, 0.5),
        Pred::Interpret(_) => (4.0, 0.5),
    };
    cost * 10.0 + pass
}
