//! The nodes of a plan specialised to a record type: constants, `and`, `or`, `not`, the general
//! evaluation, and the leaf (a property's accessor and a test of its value).

use chrono::{DateTime, FixedOffset};

use super::checks::FieldTest;
use super::sel::Sel;
use crate::eval::compile::per_record::Eval;
use crate::eval::compile::plan::Pred;
use crate::eval::record::{Field, Record};

/// A node of the specialised plan: a leaf, or a node over nodes.
pub(super) type Node<R> = Box<dyn Test<R>>;

/// A predicate on one record, and the same over a batch.
pub(super) trait Test<R>: Send + Sync {
    /// The three-valued outcome.
    fn test(&self, record: &R) -> Option<bool>;

    /// True when the outcome is true.
    #[inline]
    fn holds(&self, record: &R) -> bool {
        self.test(record) == Some(true)
    }

    /// Keeps the records of `sel` for which the outcome is true.
    fn retain(&self, chunk: &[R], sel: &mut Sel) {
        sel.retain(chunk, |r| self.holds(r));
    }
}

pub(super) struct Const(pub(super) Option<bool>);

impl<R> Test<R> for Const {
    fn test(&self, _: &R) -> Option<bool> {
        self.0
    }

    fn retain(&self, _: &[R], sel: &mut Sel) {
        if self.0 != Some(true) {
            sel.len = 0;
        }
    }
}

/// `and`: false ends it.
pub(super) struct All<R: 'static>(pub(super) Box<[Node<R>]>);

impl<R> Test<R> for All<R> {
    fn test(&self, r: &R) -> Option<bool> {
        let mut acc = Some(true);
        for t in self.0.iter() {
            match t.test(r) {
                Some(false) => return Some(false),
                None => acc = None,
                Some(true) => {}
            }
        }
        acc
    }

    fn holds(&self, r: &R) -> bool {
        // False or null: no match either way.
        self.0.iter().all(|t| t.holds(r))
    }

    fn retain(&self, chunk: &[R], sel: &mut Sel) {
        for t in self.0.iter() {
            if sel.len == 0 {
                return;
            }
            t.retain(chunk, sel);
        }
    }
}

/// `or`: true ends it.
pub(super) struct Any<R: 'static>(pub(super) Box<[Node<R>]>);

impl<R> Test<R> for Any<R> {
    fn test(&self, r: &R) -> Option<bool> {
        let mut acc = Some(false);
        for t in self.0.iter() {
            match t.test(r) {
                Some(true) => return Some(true),
                None => acc = None,
                Some(false) => {}
            }
        }
        acc
    }

    fn holds(&self, r: &R) -> bool {
        self.0.iter().any(|t| t.holds(r))
    }

    fn retain(&self, chunk: &[R], sel: &mut Sel) {
        // Each operand runs on the records no earlier operand accepted; the accepted sets are
        // disjoint and each is in order, so one sort restores the order.
        sel.indices();
        let mut remaining = sel.clone();
        sel.len = 0;
        for t in self.0.iter() {
            if remaining.len == 0 {
                break;
            }
            let mut accepted = remaining.clone();
            t.retain(chunk, &mut accepted);
            let accepted = accepted.indices();
            if accepted.is_empty() {
                continue;
            }
            let mut it = accepted.iter().peekable();
            let mut k = 0;
            for j in 0..remaining.len {
                let i = remaining.idx[j];
                if it.peek() == Some(&&i) {
                    it.next();
                } else {
                    remaining.idx[k] = i;
                    k += 1;
                }
            }
            remaining.len = k;
            sel.idx[sel.len..sel.len + accepted.len()].copy_from_slice(accepted);
            sel.len += accepted.len();
        }
        sel.idx[..sel.len].sort_unstable();
    }
}

pub(super) struct Not<R: 'static>(pub(super) Node<R>);

impl<R> Test<R> for Not<R> {
    fn test(&self, r: &R) -> Option<bool> {
        self.0.test(r).map(|b| !b)
    }
}

/// Lambdas and interpreted sub-expressions: the general per-record evaluation.
pub(super) struct Other {
    pub(super) pred: Pred,
    pub(super) now: DateTime<FixedOffset>,
}

impl<R: Record> Test<R> for Other {
    fn test(&self, r: &R) -> Option<bool> {
        Eval {
            root: r,
            now: &self.now,
        }
        .pred(&self.pred, &mut Vec::new())
    }
}

/// A check: the property's accessor, then the test of its value.
pub(super) struct Leaf<R: 'static, A, T> {
    pub(super) get: A,
    pub(super) test: T,
    /// The rest of a conjunction this leaf begins: called only when the leaf holds (for a record
    /// that fails the leaf, the whole filter is one call).
    pub(super) next: Option<Node<R>>,
}

impl<R, A, T> Test<R> for Leaf<R, A, T>
where
    A: for<'r> Fn(&'r R) -> Field<'r> + Send + Sync,
    T: FieldTest,
{
    fn test(&self, record: &R) -> Option<bool> {
        let t = self.test.test((self.get)(record));
        match (t, &self.next) {
            (Some(false), _) | (_, None) => t,
            (_, Some(next)) => match next.test(record) {
                Some(true) => t,
                other => other,
            },
        }
    }

    fn holds(&self, record: &R) -> bool {
        self.test.test((self.get)(record)) == Some(true)
            && match &self.next {
                Some(next) => next.holds(record),
                None => true,
            }
    }

    fn retain(&self, chunk: &[R], sel: &mut Sel) {
        let keep = |r: &R| self.test.test((self.get)(r)) == Some(true);
        if sel.full {
            // The first check over the whole batch: with a branch, as a closure would (a
            // record it rejects costs a load, a compare and the loop).
            sel.retain_branchy(chunk, keep);
        } else {
            sel.retain(chunk, keep);
        }
        if let Some(next) = &self.next {
            if sel.len > 0 {
                next.retain(chunk, sel);
            }
        }
    }
}
