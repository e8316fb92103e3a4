//! The tests a leaf applies to its property's value, one type per common kind of check.

use std::cmp::Ordering;
use std::marker::PhantomData;

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use super::nodes::{Leaf, Node};
use crate::eval::compile::guid_set::GuidSet;
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

/// The outcomes of a comparison as a mask over the three orderings (bit 0: less, bit 1: equal,
/// bit 2: greater): one shift instead of a dispatch on the operator.
#[derive(Clone, Copy)]
struct OrdMask(u8);

impl OrdMask {
    fn of(op: CompareOp) -> OrdMask {
        OrdMask(match op {
            CompareOp::Eq => 0b010,
            CompareOp::Ne => 0b101,
            CompareOp::Gt => 0b100,
            CompareOp::Ge => 0b110,
            CompareOp::Lt => 0b001,
            CompareOp::Le => 0b011,
        })
    }

    #[inline(always)]
    fn holds(self, o: Ordering) -> bool {
        self.0 >> ((o as i8 + 1) as u8) & 1 == 1
    }
}

struct GuidCmp {
    op: CompareOp,
    mask: OrdMask,
    lit: u128,
}

impl FieldTest for GuidCmp {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match f {
            Field::Guid(g) => self.mask.holds(g.as_u128().cmp(&self.lit)),
            f => guid_cmp(self.op, self.lit, f),
        })
    }
}

#[cold]
#[inline(never)]
fn guid_cmp(op: CompareOp, lit: u128, f: Field<'_>) -> bool {
    match guid_of(f) {
        Some(g) => op.holds(Some(g.cmp(&lit))),
        None => op.with_null(true, false),
    }
}

struct GuidIn {
    set: GuidSet,
    has_null: bool,
}

impl FieldTest for GuidIn {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match f {
            Field::Guid(g) => self.set.contains(g.as_u128()),
            f => guid_in(self, f),
        })
    }
}

#[inline(never)]
fn guid_in(t: &GuidIn, f: Field<'_>) -> bool {
    match guid_of(f) {
        Some(g) => t.set.contains(g),
        None => t.has_null,
    }
}

/// A comparison operator as a type, so that a leaf's comparison is compiled for its operator.
trait Op: Send + Sync + 'static {
    const OP: CompareOp;
}

macro_rules! ops {
    ($($name:ident = $op:ident),*) => {$(
        struct $name;
        impl Op for $name {
            const OP: CompareOp = CompareOp::$op;
        }
    )*};
}
ops!(
    OpEq = Eq,
    OpNe = Ne,
    OpGt = Gt,
    OpGe = Ge,
    OpLt = Lt,
    OpLe = Le
);

/// A date-time comparison with a literal that is an exact UTC date-time, compiled for its
/// operator `O`.
struct InstantCmp<O> {
    lit: i128,
    utc: NaiveDateTime,
    op: PhantomData<O>,
}

impl<O: Op> FieldTest for InstantCmp<O> {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> Option<bool> {
        Some(match f {
            Field::DateTimeOffset(t) => {
                if t.timestamp_subsec_nanos() < 1_000_000_000 {
                    // Same order as the instants, without computing them.
                    O::OP.holds(Some(t.naive_utc().cmp(&self.utc)))
                } else {
                    leap_second_cmp(O::OP, self.lit, t)
                }
            }
            f => instant_cmp(O::OP, self.lit, f),
        })
    }
}

/// A date-time in a leap second (nanoseconds ≥ 10⁹) against the literal's instant.
#[cold]
#[inline(never)]
fn leap_second_cmp(op: CompareOp, lit: i128, t: DateTime<FixedOffset>) -> bool {
    op.holds(Some(crate::semantics::scalar::instant_nanos(&t).cmp(&lit)))
}

#[cold]
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
        Check::Guid { op, lit, .. } => boxed(
            get,
            GuidCmp {
                op: *op,
                mask: OrdMask::of(*op),
                lit: *lit,
            },
            next,
        ),
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
        } => {
            fn cmp<O: Op>(lit: i128, utc: NaiveDateTime) -> InstantCmp<O> {
                InstantCmp {
                    lit,
                    utc,
                    op: PhantomData,
                }
            }
            let (lit, utc) = (*lit, *utc);
            match op {
                CompareOp::Eq => boxed(get, cmp::<OpEq>(lit, utc), next),
                CompareOp::Ne => boxed(get, cmp::<OpNe>(lit, utc), next),
                CompareOp::Gt => boxed(get, cmp::<OpGt>(lit, utc), next),
                CompareOp::Ge => boxed(get, cmp::<OpGe>(lit, utc), next),
                CompareOp::Lt => boxed(get, cmp::<OpLt>(lit, utc), next),
                CompareOp::Le => boxed(get, cmp::<OpLe>(lit, utc), next),
            }
        }
        other => boxed(get, General(other.clone()), next),
    }
}
