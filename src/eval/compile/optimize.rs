//! The optimizer: orders the operands of an `and` by cost and selectivity, folds enum checks on one
//! property into one bit set, and folds constants. All are exact in three-valued logic.

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

/// Folds constant operands: in an `and`, `true` drops out and `false` decides (in an `or`, the
/// reverse); `null` stays (`null and x` is false or null depending on `x`), once; an `and`/`or` left
/// with one operand is that operand, with none its identity. `not` of a constant is a constant, and
/// `not not x` is `x`. Exact because no operand has side effects or can fail.
pub(super) fn fold_constants(p: Pred) -> Pred {
    match p {
        Pred::And(items) => fold_chain(items, true),
        Pred::Or(items) => fold_chain(items, false),
        Pred::Not(inner) => match *inner {
            Pred::Const(c) => Pred::Const(c.map(|b| !b)),
            Pred::Not(x) => *x,
            other => Pred::Not(Box::new(other)),
        },
        other => other,
    }
}

fn fold_chain(items: Vec<Pred>, and: bool) -> Pred {
    // `and`: true is the identity, false decides; `or`: the reverse.
    let (identity, decides) = (and, !and);
    let mut out: Vec<Pred> = Vec::with_capacity(items.len());
    let mut has_null = false;
    for item in items {
        match item {
            Pred::Const(Some(b)) if b == identity => {}
            Pred::Const(Some(b)) if b == decides => return Pred::Const(Some(decides)),
            Pred::Const(None) if has_null => {}
            Pred::Const(None) => {
                has_null = true;
                out.push(Pred::Const(None));
            }
            other => out.push(other),
        }
    }
    match out.len() {
        0 => Pred::Const(Some(identity)),
        1 => out.pop().expect("one operand"),
        _ if and => Pred::And(out),
        _ => Pred::Or(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(b: Option<bool>) -> Pred {
        Pred::Const(b)
    }

    fn outcome(p: &Pred) -> Option<Option<bool>> {
        match p {
            Pred::Const(b) => Some(*b),
            _ => None,
        }
    }

    #[test]
    fn constants_fold_by_three_valued_logic() {
        let all = [Some(true), Some(false), None];
        for a in all {
            for b in all {
                let and = match (a, b) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                let or = match (a, b) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                };
                assert_eq!(
                    outcome(&fold_constants(Pred::And(vec![c(a), c(b)]))),
                    Some(and)
                );
                assert_eq!(
                    outcome(&fold_constants(Pred::Or(vec![c(a), c(b)]))),
                    Some(or)
                );
            }
            let not = fold_constants(Pred::Not(Box::new(c(a))));
            assert_eq!(outcome(&not), Some(a.map(|x| !x)));
        }
        assert_eq!(
            outcome(&fold_constants(Pred::And(vec![]))),
            Some(Some(true))
        );
        assert_eq!(
            outcome(&fold_constants(Pred::Or(vec![]))),
            Some(Some(false))
        );
    }

    #[test]
    fn a_null_constant_stays_beside_other_operands_once() {
        // An unfolded `or` stands for any operand that is not a constant.
        let x = || Pred::Or(vec![c(None), c(Some(false))]);
        let folded = fold_constants(Pred::And(vec![x(), c(None), c(Some(true)), c(None)]));
        let Pred::And(items) = folded else {
            panic!("expected an `and`")
        };
        assert!(matches!(items.as_slice(), [Pred::Or(_), Pred::Const(None)]));
        assert!(matches!(
            fold_constants(Pred::Or(vec![x(), c(Some(true))])),
            Pred::Const(Some(true))
        ));
        assert!(matches!(
            fold_constants(Pred::Not(Box::new(Pred::Not(Box::new(x()))))),
            Pred::Or(_)
        ));
    }
}
