//! The tests a leaf applies to its property's value, one type per common kind of check.

use chrono::NaiveDateTime;

use super::nodes::{Leaf, Node};
use crate::eval::compile::per_record::{check_field, guid_of, instant_of, str_fn, str_of};
use crate::eval::compile::plan::{Check, EnumSet, FastSet, StrFn};
use crate::eval::record::Field;
use crate::semantics::CompareOp;

fn boxed<R, A, T>(get: A, test: T, next: Option<Node<R>>) -> Node<R>
where
    R: 'static,
    A: for<'r> Fn(&'r R) -> Field<'r> + Send + Sync + 'static,
    T: FieldTest + 'static,
{
    Box::new(Leaf { get, test, next })
}

/// The test of a leaf on its operand's value, inlined into the leaf (a method marked
/// `#[inline(always)]`, where a closure would be left to the inliner's judgement); rare cases go
/// to functions of their own, so that the common path stays short.
pub(super) trait FieldTest: Send + Sync {
    fn test(&self, f: Field<'_>) -> Option<bool>;
}

/// An enum check whose members' values are their positions.
struct EnumDense {
    mask: u64,
    set: EnumSet,
}

impl FieldTest for EnumDense {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match f {
            Field::Enum { value, .. } if (0..64).contains(&value) => self.mask >> value & 1 == 1,
            f => enum_test(&self.set, f),
        })
    }
}

#[inline(never)]
fn enum_test(set: &EnumSet, f: Field<'_>) -> bool {
    set.test(f)
}

struct StrEq(Box<str>);

impl FieldTest for StrEq {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(str_of(f) == Some(&*self.0))
    }
}

struct StrIn {
    set: FastSet<Box<str>>,
    has_null: bool,
}

impl FieldTest for StrIn {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match str_of(f) {
            Some(s) => self.set.contains(s),
            None => self.has_null,
        })
    }
}

struct StrFnTest {
    which: StrFn,
    lit: Box<str>,
}

impl FieldTest for StrFnTest {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(str_fn(self.which, str_of(f)?, &self.lit))
    }
}

struct GuidCmp {
    op: CompareOp,
    lit: u128,
}

impl FieldTest for GuidCmp {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match f {
            Field::Guid(g) => self.op.holds(Some(g.as_u128().cmp(&self.lit))),
            f => guid_cmp(self.op, self.lit, f),
        })
    }
}

#[inline(never)]
fn guid_cmp(op: CompareOp, lit: u128, f: Field<'_>) -> bool {
    match guid_of(f) {
        Some(g) => op.holds(Some(g.cmp(&lit))),
        None => op.with_null(true, false),
    }
}

struct GuidIn {
    set: FastSet<u128>,
    has_null: bool,
}

impl FieldTest for GuidIn {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match f {
            Field::Guid(g) => self.set.contains(&g.as_u128()),
            f => guid_in(self, f),
        })
    }
}

#[inline(never)]
fn guid_in(t: &GuidIn, f: Field<'_>) -> bool {
    match guid_of(f) {
        Some(g) => t.set.contains(&g),
        None => t.has_null,
    }
}

/// A date-time comparison with a literal that is an exact UTC date-time.
struct InstantCmp {
    op: CompareOp,
    lit: i128,
    utc: NaiveDateTime,
}

impl FieldTest for InstantCmp {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match f {
            // Same order as the instants, without computing them (leap seconds excepted).
            Field::DateTimeOffset(t) if t.timestamp_subsec_nanos() < 1_000_000_000 => {
                self.op.holds(Some(t.naive_utc().cmp(&self.utc)))
            }
            f => instant_cmp(self.op, self.lit, f),
        })
    }
}

#[inline(never)]
fn instant_cmp(op: CompareOp, lit: i128, f: Field<'_>) -> bool {
    match instant_of(f) {
        Some(t) => op.holds(Some(t.cmp(&lit))),
        None => op.with_null(true, false),
    }
}

/// Any other check: the general test (one dispatch on the kind of check).
struct General(Check);

impl FieldTest for General {
    #[inline]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        check_field(&self.0, f)
    }
}

/// The leaf of check `c` reading its operand with `get`: the common checks get a test of their
/// own (no dispatch on the kind of check per record), the others share the general one.
pub(super) fn leaf_with<R, A>(c: &Check, get: A, next: Option<Node<R>>) -> Node<R>
where
    R: 'static,
    A: for<'r> Fn(&'r R) -> Field<'r> + Send + Sync + 'static,
{
    match c {
        Check::Enum { set, .. } if set.dense => boxed(
            get,
            EnumDense {
                mask: set.mask,
                set: set.clone(),
            },
            next,
        ),
        Check::Str {
            op: CompareOp::Eq,
            lit,
            ..
        } => boxed(get, StrEq(lit.clone()), next),
        Check::StrIn { set, has_null, .. } => boxed(
            get,
            StrIn {
                set: set.clone(),
                has_null: *has_null,
            },
            next,
        ),
        Check::StrFn { f, lit, .. } => boxed(
            get,
            StrFnTest {
                which: *f,
                lit: lit.clone(),
            },
            next,
        ),
        Check::Guid { op, lit, .. } => boxed(get, GuidCmp { op: *op, lit: *lit }, next),
        Check::GuidIn { set, has_null, .. } => boxed(
            get,
            GuidIn {
                set: set.clone(),
                has_null: *has_null,
            },
            next,
        ),
        Check::Instant {
            op,
            lit,
            lit_utc: Some(utc),
            ..
        } => boxed(
            get,
            InstantCmp {
                op: *op,
                lit: *lit,
                utc: *utc,
            },
            next,
        ),
        other => boxed(get, General(other.clone()), next),
    }
}
