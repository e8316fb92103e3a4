//! Evaluating a compiled plan over a slice of records, batched: each check of an `and` (or operand
//! of an `or`) is one tight loop over a selection vector of the records still in play, and for typed
//! records ([`Record::indexed`]) each property index gets its own loop in which the field read is a
//! direct load.

use chrono::{DateTime, FixedOffset};

use super::per_record::{guid_of, instant_of, str_fn, str_of, Eval};
use super::plan::{Check, Pred, Src};
use super::CompiledFilter;
use crate::eval::record::{Field, Record};
use crate::semantics::CompareOp;

impl CompiledFilter {
    /// Keeps in `sel` the records of `chunk` for which `p` is true.
    pub(super) fn retain_true<R: Record>(&self, p: &Pred, chunk: &[R], sel: &mut Vec<u32>) {
        match p {
            Pred::And(items) => {
                for item in items {
                    if sel.is_empty() {
                        return;
                    }
                    self.retain_true(item, chunk, sel);
                }
            }
            Pred::Const(Some(true)) => {}
            Pred::Const(_) => sel.clear(),
            Pred::Or(items) => {
                // Each operand runs on the records no earlier operand accepted; the accepted sets
                // are disjoint and each is in order, so one sort restores the order.
                let mut remaining = std::mem::take(sel);
                for item in items {
                    if remaining.is_empty() {
                        break;
                    }
                    let mut t = remaining.clone();
                    self.retain_true(item, chunk, &mut t);
                    if !t.is_empty() {
                        let mut it = t.iter().peekable();
                        remaining.retain(|i| {
                            if it.peek() == Some(&i) {
                                it.next();
                                false
                            } else {
                                true
                            }
                        });
                        sel.extend_from_slice(&t);
                    }
                }
                sel.sort_unstable();
            }
            Pred::Check(c) => {
                let full = sel.len() == chunk.len();
                retain_check(c, chunk, sel, full, &self.now)
            }
            other => {
                let mut vars = Vec::new();
                sel.retain(|&i| {
                    let e = Eval {
                        root: &chunk[i as usize],
                        now: &self.now,
                    };
                    vars.clear();
                    e.pred(other, &mut vars) == Some(true)
                });
            }
        }
    }
}

/// Keeps the selected indices for which `keep` holds, without a branch per element (the outcome of
/// a filter is data-dependent, so a branch would be mispredicted often).
/// When `full`, `sel` is known to hold every index of `chunk` in order, and the loop walks the
/// records directly.
#[inline(always)]
fn retain<R>(sel: &mut Vec<u32>, full: bool, chunk: &[R], mut keep: impl FnMut(&R) -> bool) {
    let mut k = 0;
    if full && sel.len() == chunk.len() {
        for (j, r) in chunk.iter().enumerate() {
            if let Some(slot) = sel.get_mut(k) {
                *slot = j as u32;
            }
            k += usize::from(keep(r));
        }
    } else {
        for j in 0..sel.len() {
            let i = sel[j];
            sel[k] = i;
            k += usize::from(chunk.get(i as usize).is_some_and(&mut keep));
        }
    }
    sel.truncate(k);
}

/// One specialised loop per check kind over the selected records (top-level properties); other
/// sources go through the general per-record check.
fn retain_check<R: Record>(
    c: &Check,
    chunk: &[R],
    sel: &mut Vec<u32>,
    full: bool,
    now: &DateTime<FixedOffset>,
) {
    let top = match c {
        Check::Enum { src, .. }
        | Check::Instant { src, .. }
        | Check::Str { src, .. }
        | Check::Guid { src, .. }
        | Check::GuidIn { src, .. }
        | Check::StrIn { src, .. }
        | Check::StrFn { src, .. } => match src {
            Src::Top { index, name } => Some((*index, &**name)),
            Src::Path { .. } => None,
        },
        _ => None,
    };
    let Some((index, name)) = top.filter(|_| R::indexed()) else {
        return retain_check_with(c, chunk, sel, full, now, |r: &R, index, name| {
            r.field(index, name)
        });
    };
    // A typed record dispatches on the property index; with the index a constant, its `field`
    // folds to a direct field read, so each property gets its own loop.
    macro_rules! by_index {
        ($($i:literal)*) => {
            match index {
                $($i => retain_check_at::<R, $i>(c, chunk, sel, full, now),)*
                _ => retain_check_with(c, chunk, sel, full, now, |r: &R, index, name| r.field(index, name)),
            }
        };
    }
    let _ = name;
    by_index!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23)
}

/// [`retain_check`] for a property at the constant index `I` (its own function, so that each
/// instance stays small enough for the field read to be inlined into its loop).
#[inline(never)]
fn retain_check_at<R: Record, const I: usize>(
    c: &Check,
    chunk: &[R],
    sel: &mut Vec<u32>,
    full: bool,
    now: &DateTime<FixedOffset>,
) {
    retain_check_with(c, chunk, sel, full, now, |r: &R, _, name| r.field(I, name))
}

/// The loops of [`retain_check`], reading fields with `get(record, index, name)`.
#[inline(always)]
fn retain_check_with<R: Record, G>(
    c: &Check,
    chunk: &[R],
    sel: &mut Vec<u32>,
    full: bool,
    now: &DateTime<FixedOffset>,
    get: G,
) where
    G: for<'r> Fn(&'r R, usize, &str) -> Field<'r>,
{
    match c {
        Check::Enum {
            src: Src::Top { index, name },
            set,
        } if set.dense => retain(sel, full, chunk, |r: &R| match get(r, *index, name) {
            Field::Enum { value, .. } if (0..64).contains(&value) => set.mask >> value & 1 == 1,
            f => set.test(f),
        }),
        Check::Enum {
            src: Src::Top { index, name },
            set,
        } => retain(sel, full, chunk, |r: &R| set.test(get(r, *index, name))),
        Check::Instant {
            src: Src::Top { index, name },
            op,
            lit,
            lit_utc,
        } => retain(sel, full, chunk, |r: &R| match get(r, *index, name) {
            // Same order as the instants, without computing them (leap seconds excepted).
            Field::DateTimeOffset(t)
                if t.timestamp_subsec_nanos() < 1_000_000_000 && lit_utc.is_some() =>
            {
                op.holds(lit_utc.as_ref().map(|l| t.naive_utc().cmp(l)))
            }
            f => match instant_of(f) {
                Some(t) => op.holds(Some(t.cmp(lit))),
                None => op.with_null(true, false),
            },
        }),
        Check::Str {
            src: Src::Top { index, name },
            op: CompareOp::Eq,
            lit,
        } => retain(sel, full, chunk, |r: &R| {
            str_of(get(r, *index, name)) == Some(&**lit)
        }),
        Check::Guid {
            src: Src::Top { index, name },
            op,
            lit,
        } => retain(sel, full, chunk, |r: &R| {
            match guid_of(get(r, *index, name)) {
                Some(g) => op.holds(Some(g.cmp(lit))),
                None => op.with_null(true, false),
            }
        }),
        Check::GuidIn {
            src: Src::Top { index, name },
            set,
            has_null,
        } => retain(sel, full, chunk, |r: &R| {
            match guid_of(get(r, *index, name)) {
                Some(g) => set.contains(g),
                None => *has_null,
            }
        }),
        Check::StrFn {
            src: Src::Top { index, name },
            f,
            lit,
        } => retain(sel, full, chunk, |r: &R| {
            str_of(get(r, *index, name)).is_some_and(|s| str_fn(*f, s, lit))
        }),
        Check::StrIn {
            src: Src::Top { index, name },
            set,
            has_null,
        } => retain(sel, full, chunk, |r: &R| {
            match str_of(get(r, *index, name)) {
                Some(s) => set.contains(s),
                None => *has_null,
            }
        }),
        other => retain(sel, full, chunk, |r: &R| {
            let e = Eval { root: r, now };
            e.check(other, &[]) == Some(true)
        }),
    }
}
