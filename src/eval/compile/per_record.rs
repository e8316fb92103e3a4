//! Evaluating a compiled plan on one record.

use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

use super::plan::{Check, Pred, Src, StrFn};
use crate::ast::LambdaKind;
use crate::eval::interp::{self, elements, step_into, Dyn};
use crate::eval::read::{field_is_null, field_value};
use crate::eval::record::{Field, Record};
use crate::semantics::scalar as sem;
use crate::semantics::values::{self as ops, fits};
use crate::semantics::CompareOp;
use crate::validate::Base;
use crate::value::Value;

/// The evaluation of one record.
pub(super) struct Eval<'a, R: ?Sized> {
    pub(super) root: &'a R,
    pub(super) now: &'a DateTime<FixedOffset>,
}

impl<'a, R: Record + ?Sized> Eval<'a, R> {
    #[inline]
    fn read<'v>(&self, src: &Src, vars: &[Field<'v>]) -> Field<'v>
    where
        'a: 'v,
    {
        match src {
            Src::Top { index, name } => self.root.field(*index, name),
            Src::Path { base, steps } => {
                let mut steps = steps.iter();
                let mut at = match base {
                    Base::Root => {
                        let Some((index, name)) = steps.next() else {
                            return Field::Null;
                        };
                        self.root.field(*index, name)
                    }
                    Base::Variable(v) => vars.get(v.index()).copied().unwrap_or(Field::Null),
                };
                for (index, name) in steps {
                    at = step_into(at, *index, name);
                }
                at
            }
        }
    }

    pub(super) fn pred<'v>(&self, p: &Pred, vars: &mut Vec<Field<'v>>) -> Option<bool>
    where
        'a: 'v,
    {
        match p {
            Pred::Check(c) => self.check(c, vars),
            Pred::And(items) => {
                let mut acc = Some(true);
                for item in items {
                    match self.pred(item, vars) {
                        Some(false) => return Some(false),
                        None => acc = None,
                        Some(true) => {}
                    }
                }
                acc
            }
            Pred::Or(items) => {
                let mut acc = Some(false);
                for item in items {
                    match self.pred(item, vars) {
                        Some(true) => return Some(true),
                        None => acc = None,
                        Some(false) => {}
                    }
                }
                acc
            }
            Pred::Not(x) => self.pred(x, vars).map(|b| !b),
            Pred::Const(c) => *c,
            Pred::Lambda { kind, src, body } => {
                let items = elements(self.read(src, vars)).unwrap_or_default();
                let Some(body) = body else {
                    return Some(match kind {
                        LambdaKind::Any => !items.is_empty(),
                        LambdaKind::All => true,
                    });
                };
                let mut acc = Some(matches!(kind, LambdaKind::All));
                for item in items {
                    vars.push(item);
                    let t = self.pred(body, vars);
                    vars.pop();
                    match (kind, t) {
                        (LambdaKind::Any, Some(true)) => return Some(true),
                        (LambdaKind::All, Some(false)) => return Some(false),
                        (_, None) => acc = None,
                        _ => {}
                    }
                }
                acc
            }
            Pred::Interpret(node) => {
                let root = Dyn(self.root);
                ops::truth(&interp::value_with(node, &root, vars, self.now))
            }
        }
    }

    #[inline(always)]
    pub(super) fn check<'v>(&self, c: &Check, vars: &[Field<'v>]) -> Option<bool>
    where
        'a: 'v,
    {
        check_field(c, self.read(c.src(), vars))
    }
}

/// The outcome of check `c` on the value `f` of its operand (read from the record by the caller).
#[inline(always)]
pub(super) fn check_field(c: &Check, v: Field<'_>) -> Option<bool> {
    Some(match c {
        Check::Enum { set, .. } => set.test(v),
        Check::Str { op, lit, .. } => match str_of(v) {
            Some(s) => match op {
                CompareOp::Eq => s == &**lit,
                CompareOp::Ne => s != &**lit,
                _ => op.holds(Some(sem::cmp_str(s, lit))),
            },
            None => op.with_null(true, false),
        },
        Check::StrIn { set, has_null, .. } => match str_of(v) {
            Some(s) => set.contains(s),
            None => *has_null,
        },
        Check::StrFn { f, lit, .. } => str_fn(*f, str_of(v)?, lit),
        Check::Guid { op, lit, .. } => match guid_of(v) {
            Some(g) => op.holds(Some(g.cmp(lit))),
            None => op.with_null(true, false),
        },
        Check::GuidIn { set, has_null, .. } => match guid_of(v) {
            Some(g) => set.contains(g),
            None => *has_null,
        },
        Check::Instant { op, lit, .. } => match instant_of(v) {
            Some(t) => op.holds(Some(t.cmp(lit))),
            None => op.with_null(true, false),
        },
        Check::Int { ty, op, lit, .. } => {
            let n = match v {
                Field::Int(i) if fits(i, ty) => Value::Int(i),
                other => field_value(other, ty),
            };
            match n {
                Value::Int(i) => op.holds(Some(i.cmp(lit))),
                other => ops::compare(*op, &other, &Value::Int(*lit)),
            }
        }
        Check::Null { ty, is_null, .. } => field_is_null(v, ty) == *is_null,
        Check::Matches { re, .. } => re.is_match(str_of(v)?),
        Check::Bool { .. } => match v {
            Field::Bool(b) => b,
            Field::Json(serde_json::Value::Bool(b)) => *b,
            _ => return None,
        },
    })
}

/// `contains`/`startswith`/`endswith` (ordinal); short affixes are compared in line rather than
/// through a `memcmp` call.
#[inline(always)]
pub(super) fn str_fn(f: StrFn, s: &str, lit: &str) -> bool {
    let (b, l) = (s.as_bytes(), lit.as_bytes());
    let eq = |a: &[u8]| a.len() == l.len() && a.iter().zip(l).all(|(x, y)| x == y);
    match f {
        StrFn::StartsWith if l.len() <= 16 => b.get(..l.len()).is_some_and(eq),
        StrFn::EndsWith if l.len() <= 16 => b
            .len()
            .checked_sub(l.len())
            .and_then(|start| b.get(start..))
            .is_some_and(eq),
        StrFn::StartsWith => b.starts_with(l),
        StrFn::EndsWith => b.ends_with(l),
        StrFn::Contains => s.contains(lit),
    }
}

#[inline(always)]
pub(super) fn str_of(f: Field<'_>) -> Option<&str> {
    match f {
        Field::Str(s) => Some(s),
        Field::Json(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

#[inline(always)]
pub(super) fn guid_of(f: Field<'_>) -> Option<u128> {
    match f {
        Field::Guid(g) => Some(g.as_u128()),
        other => str_of(other).and_then(|s| Uuid::try_parse(s).ok().map(|g| g.as_u128())),
    }
}

#[inline(always)]
pub(super) fn instant_of(f: Field<'_>) -> Option<i128> {
    match f {
        Field::DateTimeOffset(t) => Some(sem::instant_nanos(&t)),
        other => str_of(other)
            .and_then(sem::parse_datetime)
            .map(|t| sem::instant_nanos(&t)),
    }
}
