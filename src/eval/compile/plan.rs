//! The plan of a compiled filter: the typed tree turned into specialised checks (see the
//! [module docs](super)).

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDateTime, NaiveTime};

use super::guid_set::GuidSet;
use crate::ast::{Function, LambdaKind};
use crate::eval::interp::steps;
use crate::eval::record::Field;
use crate::schema::{EdmType, EnumType};
use crate::semantics::scalar as sem;
use crate::semantics::{CompareOp, LogicalOp};
use crate::validate::{Base, InSet, PropertyRef, TypedExpr};
use crate::value::Value;

/// A multiply-rotate hasher for short keys (strings, Guids): much cheaper than SipHash; the keys are
/// the filter's own literals, so hash flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub(super) struct KeyHasher(u64);

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl KeyHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(K);
    }
}

impl Hasher for KeyHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Final avalanche so that the low bits (the bucket index) depend on every input bit.
        let mut z = self.0;
        z = (z ^ (z >> 32)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        z ^ (z >> 32)
    }
}

pub(super) type FastSet<T> = HashSet<T, BuildHasherDefault<KeyHasher>>;

/// Where a check reads its operand.
#[derive(Clone, Debug)]
pub(super) enum Src {
    /// A property of the record itself (the common case: one indexed access).
    Top { index: usize, name: Arc<str> },
    /// Any other path (nested, or from a lambda variable): where it starts, then each step's
    /// property index and name.
    Path {
        base: Base,
        steps: Box<[(usize, Arc<str>)]>,
    },
}

/// An enum comparison as a set of member positions.
#[derive(Clone, Debug)]
pub(super) struct EnumSet {
    pub(super) ty: Arc<EnumType>,
    /// Bit `p` set: the member at declared position `p` satisfies the check.
    pub(super) mask: u64,
    /// Members' values are exactly their positions (so a value is its bit number).
    pub(super) dense: bool,
    /// The outcome for null (or a value that is not a member).
    pub(super) on_null: bool,
    /// Names of the members that satisfy the check (JSON records carry enum members as names).
    pub(super) true_names: Box<[Box<str>]>,
}

impl EnumSet {
    #[inline(always)]
    pub(super) fn test(&self, f: Field<'_>) -> bool {
        let pos = match f {
            Field::Enum { value, name } => {
                if self.dense && (0..64).contains(&value) {
                    return self.mask >> value & 1 == 1;
                }
                if self.dense {
                    Some(value as usize)
                } else {
                    self.position_by_name(name)
                        .or_else(|| self.ty.position_of(value))
                }
            }
            Field::Str(s) => return self.test_name(s),
            Field::Json(serde_json::Value::String(s)) => return self.test_name(s),
            Field::Json(serde_json::Value::Number(n)) => {
                n.as_i64().and_then(|v| self.ty.position_of(v))
            }
            _ => None,
        };
        match pos {
            Some(p) if p < 64 => self.mask >> p & 1 == 1,
            _ => self.on_null,
        }
    }

    /// The outcome for a member given by name: one string comparison per satisfying member in the
    /// common case, a scan of the members only when a non-member must be told apart.
    #[inline]
    fn test_name(&self, name: &str) -> bool {
        if self.true_names.iter().any(|n| **n == *name) {
            return true;
        }
        if !self.on_null {
            // Not satisfying: a member that fails the check, or not a member (null): false either way.
            return false;
        }
        self.position_by_name(name).is_none()
    }

    #[inline]
    fn position_by_name(&self, name: &str) -> Option<usize> {
        self.ty.members().iter().position(|m| m.name() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StrFn {
    Contains,
    StartsWith,
    EndsWith,
}

/// A leaf check, specialised by operand type.
#[derive(Clone, Debug)]
pub(super) enum Check {
    /// `x eq null` (`is_null`) / `x ne null`.
    Null {
        src: Src,
        ty: EdmType,
        is_null: bool,
    },
    /// Enum comparison or `in`.
    Enum { src: Src, set: EnumSet },
    /// `s op 'lit'`.
    Str {
        src: Src,
        op: CompareOp,
        lit: Box<str>,
    },
    /// `s in (…)`.
    StrIn {
        src: Src,
        set: FastSet<Box<str>>,
        has_null: bool,
    },
    /// `contains(s,'lit')` etc.: three-valued (null for a null `s`).
    StrFn { src: Src, f: StrFn, lit: Box<str> },
    /// `g op guid`.
    Guid { src: Src, op: CompareOp, lit: u128 },
    /// `g in (…)`.
    GuidIn {
        src: Src,
        set: GuidSet,
        has_null: bool,
    },
    /// `t op instant` (nanoseconds since the epoch; also as a UTC date-time when that is exact).
    Instant {
        src: Src,
        op: CompareOp,
        lit: i128,
        lit_utc: Option<NaiveDateTime>,
    },
    /// `i op n` for integer properties.
    Int {
        src: Src,
        ty: EdmType,
        op: CompareOp,
        lit: i64,
    },
    /// A Boolean property used as a predicate.
    Bool { src: Src },
    /// `matchesPattern(s, 'pattern')` with the pattern compiled once (three-valued like `StrFn`).
    Matches { src: Src, re: regex::Regex },
}

impl Check {
    /// Where the check reads its operand.
    pub(super) fn src(&self) -> &Src {
        match self {
            Check::Null { src, .. }
            | Check::Enum { src, .. }
            | Check::Str { src, .. }
            | Check::StrIn { src, .. }
            | Check::StrFn { src, .. }
            | Check::Guid { src, .. }
            | Check::GuidIn { src, .. }
            | Check::Instant { src, .. }
            | Check::Int { src, .. }
            | Check::Bool { src }
            | Check::Matches { src, .. } => src,
        }
    }
}

/// A compiled predicate node.
#[derive(Clone, Debug)]
pub(super) enum Pred {
    Const(Option<bool>),
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    Check(Check),
    Lambda {
        kind: LambdaKind,
        src: Src,
        body: Option<Box<Pred>>,
    },
    /// Evaluated by the reference interpreter.
    Interpret(TypedExpr),
}

fn src_of(p: &PropertyRef) -> Src {
    let mut steps = steps(p);
    match (p.base(), steps.len()) {
        (Base::Root, 1) => {
            let (index, name) = steps.remove(0);
            Src::Top { index, name }
        }
        (base, _) => Src::Path {
            base,
            steps: steps.into(),
        },
    }
}

/// The checks of a plan that is a conjunction of checks (or one check) on top-level properties.
pub(super) fn top_level_conjunction(p: &Pred) -> Option<Box<[Check]>> {
    let top = |c: &Check| matches!(c.src(), Src::Top { .. });
    match p {
        Pred::Check(c) if top(c) => Some(Box::new([c.clone()])),
        Pred::And(items) => items
            .iter()
            .map(|i| match i {
                Pred::Check(c) if top(c) => Some(c.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The plan of a Boolean expression.
pub(super) fn plan(e: &TypedExpr) -> Pred {
    match e {
        TypedExpr::Literal(l) => match l.value() {
            Value::Boolean(b) => Pred::Const(Some(*b)),
            Value::Null => Pred::Const(None),
            _ => Pred::Interpret(e.clone()),
        },
        TypedExpr::Logical(l) if l.op() == LogicalOp::And => {
            let mut items = Vec::new();
            for p in l.operands().iter().map(plan) {
                match p {
                    Pred::And(inner) => items.extend(inner),
                    other => items.push(other),
                }
            }
            // Cheap, selective checks first: `and` is commutative in three-valued logic and checks
            // have no side effects, so the order changes the work done, never the outcome.
            let mut items = super::optimize::merge_enum_checks(items, true);
            items.sort_by(|a, b| super::optimize::rank(a).total_cmp(&super::optimize::rank(b)));
            super::optimize::fold_constants(Pred::And(items))
        }
        TypedExpr::Logical(l) => {
            let mut items = Vec::new();
            for p in l.operands().iter().map(plan) {
                match p {
                    Pred::Or(inner) => items.extend(inner),
                    other => items.push(other),
                }
            }
            super::optimize::fold_constants(Pred::Or(super::optimize::merge_enum_checks(
                items, false,
            )))
        }
        TypedExpr::Not(u) => {
            super::optimize::fold_constants(Pred::Not(Box::new(plan(u.operand()))))
        }
        TypedExpr::Property(p) if *p.ty() == EdmType::Boolean => {
            Pred::Check(Check::Bool { src: src_of(p) })
        }
        TypedExpr::Compare(c) => match (c.left(), c.right()) {
            (TypedExpr::Property(p), TypedExpr::Literal(v)) => compare_check(c.op(), p, v.value()),
            (TypedExpr::Literal(v), TypedExpr::Property(p)) => {
                compare_check(c.op().flip(), p, v.value())
            }
            _ => None,
        }
        .map_or_else(|| Pred::Interpret(e.clone()), Pred::Check),
        TypedExpr::In(i) => match (i.operand(), i.set()) {
            (TypedExpr::Property(p), InSet::Values(list)) => in_check(p, list),
            _ => None,
        }
        .map_or_else(|| Pred::Interpret(e.clone()), Pred::Check),
        TypedExpr::Call(c)
            if matches!(
                c.function(),
                Function::Contains | Function::StartsWith | Function::EndsWith
            ) =>
        {
            let f = c.function();
            match literal_string_arg(c.args()) {
                Some((p, lit)) => Pred::Check(Check::StrFn {
                    src: src_of(p),
                    f: match f {
                        Function::Contains => StrFn::Contains,
                        Function::StartsWith => StrFn::StartsWith,
                        _ => StrFn::EndsWith,
                    },
                    lit: lit.into(),
                }),
                None => Pred::Interpret(e.clone()),
            }
        }
        TypedExpr::Call(c) if c.function() == Function::MatchesPattern => {
            match literal_string_arg(c.args()) {
                Some((p, pattern)) => match crate::pattern::compile(pattern) {
                    Ok(re) => Pred::Check(Check::Matches { src: src_of(p), re }),
                    // An invalid pattern makes the call null for every record (as interpreted).
                    Err(_) => Pred::Const(None),
                },
                None => Pred::Interpret(e.clone()),
            }
        }
        TypedExpr::Lambda(l) => Pred::Lambda {
            kind: l.kind(),
            src: src_of(l.collection()),
            body: l.predicate().map(|b| Box::new(plan(b))),
        },
        other => Pred::Interpret(other.clone()),
    }
}

/// `(property, 'literal')` arguments of a string function, the property of type Edm.String.
fn literal_string_arg(args: &[TypedExpr]) -> Option<(&PropertyRef, &str)> {
    match args {
        [TypedExpr::Property(p), TypedExpr::Literal(l)] if *p.ty() == EdmType::String => {
            match l.value() {
                Value::String(s) => Some((p, s.as_str())),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(super) fn enum_set(
    ty: &Arc<EnumType>,
    on_null: bool,
    holds: impl Fn(usize) -> bool,
) -> Option<EnumSet> {
    let members = ty.members();
    if members.len() > 64 || ty.is_flags() {
        return None;
    }
    let mut mask = 0u64;
    for p in 0..members.len() {
        if holds(p) {
            mask |= 1 << p;
        }
    }
    let dense = members
        .iter()
        .enumerate()
        .all(|(i, m)| m.value() == i as i64);
    let true_names = members
        .iter()
        .enumerate()
        .filter(|(p, _)| mask >> p & 1 == 1)
        .map(|(_, m)| Box::<str>::from(m.name()))
        .collect();
    Some(EnumSet {
        ty: Arc::clone(ty),
        mask,
        dense,
        on_null,
        true_names,
    })
}

fn compare_check(op: CompareOp, p: &PropertyRef, v: &Value) -> Option<Check> {
    let src = src_of(p);
    if v.is_null() {
        return match op {
            CompareOp::Eq | CompareOp::Ne => Some(Check::Null {
                src,
                ty: p.ty().clone(),
                is_null: op == CompareOp::Eq,
            }),
            // Order comparisons with null are false whatever the record holds, but the
            // interpreter is the authority on odd shapes; keep it simple and let it decide.
            _ => None,
        };
    }
    let on_null = op.with_null(true, false);
    match (p.ty(), v) {
        (EdmType::Enum(ty), Value::Enum(e)) if Arc::ptr_eq(ty, &e.ty) || **ty == *e.ty => {
            let lit = e.position()?;
            Some(Check::Enum {
                src,
                set: enum_set(ty, on_null, |q| op.holds(Some(q.cmp(&lit))))?,
            })
        }
        (EdmType::String, Value::String(s)) => Some(Check::Str {
            src,
            op,
            lit: s.as_str().into(),
        }),
        (EdmType::Guid, Value::Guid(g)) => Some(Check::Guid {
            src,
            op,
            lit: g.as_u128(),
        }),
        (EdmType::DateTimeOffset, Value::DateTimeOffset(t)) => Some(instant_check(src, op, t)),
        (EdmType::DateTimeOffset, Value::Date(d)) => Some(instant_check(
            src,
            op,
            &d.and_time(NaiveTime::MIN).and_utc().fixed_offset(),
        )),
        (t, Value::Int(i)) if t.is_integer() => Some(Check::Int {
            src,
            ty: t.clone(),
            op,
            lit: *i,
        }),
        _ => None,
    }
}

fn instant_check(src: Src, op: CompareOp, t: &DateTime<FixedOffset>) -> Check {
    Check::Instant {
        src,
        op,
        lit: sem::instant_nanos(t),
        lit_utc: (t.timestamp_subsec_nanos() < 1_000_000_000).then(|| t.naive_utc()),
    }
}

fn in_check(p: &PropertyRef, list: &[Value]) -> Option<Check> {
    let src = src_of(p);
    let has_null = list.iter().any(Value::is_null);
    let items = || list.iter().filter(|v| !v.is_null());
    match p.ty() {
        EdmType::Enum(ty) => {
            let mut positions = Vec::new();
            for v in items() {
                match v {
                    Value::Enum(e) if Arc::ptr_eq(ty, &e.ty) || **ty == *e.ty => {
                        positions.push(e.position()?)
                    }
                    _ => return None,
                }
            }
            Some(Check::Enum {
                src,
                set: enum_set(ty, has_null, |q| positions.contains(&q))?,
            })
        }
        EdmType::String => {
            let mut set = FastSet::default();
            for v in items() {
                match v {
                    Value::String(s) => set.insert(Box::<str>::from(s.as_str())),
                    _ => return None,
                };
            }
            Some(Check::StrIn { src, set, has_null })
        }
        EdmType::Guid => {
            let mut guids = Vec::new();
            for v in items() {
                match v {
                    Value::Guid(g) => guids.push(g.as_u128()),
                    _ => return None,
                };
            }
            let set = GuidSet::new(guids);
            Some(Check::GuidIn { src, set, has_null })
        }
        _ => None,
    }
}
