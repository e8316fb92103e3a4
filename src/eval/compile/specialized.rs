//! A compiled filter specialised to one record type: each check on a property becomes a leaf built
//! around the record type's accessor for that property ([`Record::with_accessor`]), so that for a
//! derived struct a check is one field read and one comparison in a single function, reached
//! through one indirect call per record; batched, each leaf is its own tight loop.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use super::per_record::{check_field, guid_of, instant_of, str_fn, str_of, Eval};
use super::plan::{Check, EnumSet, FastSet, Pred, Src, StrFn};
use crate::eval::interp::step_into;
use crate::eval::record::{AccessorVisitor, Field, Record};
use crate::semantics::CompareOp;
use crate::validate::Base;

/// Records per batch in the batched entry points.
const BATCH: usize = 256;

/// A filter compiled for records of type `R` (see [`TypedFilter::compile_for`]): the fast way to
/// run one filter over many records of a type known when it is compiled. It means exactly what
/// [`CompiledFilter`](super::CompiledFilter) and the reference interpreter mean.
///
/// [`TypedFilter::compile_for`]: crate::validate::TypedFilter::compile_for
///
/// ```
/// use odata_filter::mde::{machine_actions, MachineAction};
/// use odata_filter::validate::{validate_text, ValidateOptions};
/// let filter = validate_text("status eq 'Pending'", machine_actions(), &ValidateOptions::default())
///     .unwrap()
///     .compile_for::<MachineAction>();
/// let records = odata_filter::mde::sample::machine_actions(100, 1);
/// let one_by_one = records.iter().filter(|r| filter.matches(r)).count();
/// assert_eq!(filter.count_matches(&records), one_by_one);
/// ```
pub struct CompiledFilterFor<R: 'static> {
    root: Node<R>,
    now: DateTime<FixedOffset>,
}

impl<R: 'static> fmt::Debug for CompiledFilterFor<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompiledFilterFor")
            .field("record", &std::any::type_name::<R>())
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// A node of the specialised plan: a leaf, or a node over nodes.
type Node<R> = Box<dyn Test<R>>;

/// A predicate on one record, and the same over a batch.
trait Test<R>: Send + Sync {
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

struct Const(Option<bool>);

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
struct All<R: 'static>(Box<[Node<R>]>);

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
struct Any<R: 'static>(Box<[Node<R>]>);

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

struct Not<R: 'static>(Node<R>);

impl<R> Test<R> for Not<R> {
    fn test(&self, r: &R) -> Option<bool> {
        self.0.test(r).map(|b| !b)
    }
}

/// Lambdas and interpreted sub-expressions: the general per-record evaluation.
struct Other {
    pred: Pred,
    now: DateTime<FixedOffset>,
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
struct Leaf<R: 'static, A, T> {
    get: A,
    test: T,
    /// The rest of a conjunction this leaf begins: called only when the leaf holds (for a record
    /// that fails the leaf, the whole filter is one call).
    next: Option<Node<R>>,
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

/// A selection vector over a batch of at most [`BATCH`] records.
#[derive(Clone)]
struct Sel {
    idx: [u32; BATCH],
    len: usize,
    /// Every record of the batch, in order (`idx` not written yet).
    full: bool,
}

impl Sel {
    fn all(n: usize) -> Sel {
        Sel {
            idx: [0; BATCH],
            len: n.min(BATCH),
            full: true,
        }
    }

    fn indices(&mut self) -> &[u32] {
        if self.full {
            for (i, slot) in self.idx.iter_mut().enumerate().take(self.len) {
                *slot = i as u32;
            }
            self.full = false;
        }
        &self.idx[..self.len]
    }

    /// Keeps the selected records for which `keep` holds, with a branch on the outcome: fewer
    /// instructions than [`Sel::retain`] when the test is mostly false.
    #[inline(always)]
    fn retain_branchy<R>(&mut self, chunk: &[R], mut keep: impl FnMut(&R) -> bool) {
        if !self.full {
            return self.retain(chunk, keep);
        }
        const MASK: usize = BATCH - 1;
        let mut k = 0;
        let chunk = &chunk[..chunk.len().min(BATCH)];
        for (j, r) in chunk.iter().enumerate() {
            if keep(r) {
                self.idx[k & MASK] = j as u32;
                k += 1;
            }
        }
        self.full = false;
        self.len = k;
    }

    /// Keeps the selected records for which `keep` holds, without a branch on the outcome (it is
    /// data-dependent, so a branch would be mispredicted often).
    #[inline(always)]
    fn retain<R>(&mut self, chunk: &[R], mut keep: impl FnMut(&R) -> bool) {
        const MASK: usize = BATCH - 1;
        let mut k = 0;
        if self.full {
            // k <= j < BATCH: the mask never changes the index, it only spares a bounds check.
            let chunk = &chunk[..chunk.len().min(BATCH)];
            for (j, r) in chunk.iter().enumerate() {
                self.idx[k & MASK] = j as u32;
                k += usize::from(keep(r));
            }
            self.full = false;
        } else {
            for j in 0..self.len.min(BATCH) {
                let i = self.idx[j];
                self.idx[k & MASK] = i;
                k += usize::from(chunk.get(i as usize).is_some_and(&mut keep));
            }
        }
        self.len = k;
    }
}

impl<R: Record + 'static> CompiledFilterFor<R> {
    pub(super) fn new(root: &Pred, now: DateTime<FixedOffset>) -> Self {
        CompiledFilterFor {
            root: node(root, now),
            now,
        }
    }

    /// The instant `now()` stands for in this filter.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }

    /// True when the filter is true for `record` (false and null do not match).
    #[inline]
    pub fn matches(&self, record: &R) -> bool {
        self.root.holds(record)
    }

    /// The three-valued outcome for `record`.
    pub fn evaluate(&self, record: &R) -> Option<bool> {
        self.root.test(record)
    }

    /// The indices of the matching records, in order (batched, like
    /// [`CompiledFilter::matching_indices`](super::CompiledFilter::matching_indices)).
    pub fn matching_indices(&self, records: &[R]) -> Vec<usize> {
        let mut out = Vec::new();
        self.for_each_match(records, |i| out.push(i));
        out
    }

    /// The number of matching records (batched).
    pub fn count_matches(&self, records: &[R]) -> usize {
        let mut n = 0;
        self.for_each_match(records, |_| n += 1);
        n
    }

    /// Calls `f` with the index of every matching record, in order: batches of 256 records, each
    /// check of a conjunction one loop over the records still selected.
    pub fn for_each_match(&self, records: &[R], mut f: impl FnMut(usize)) {
        for (b, chunk) in records.chunks(BATCH).enumerate() {
            let mut sel = Sel::all(chunk.len());
            self.root.retain(chunk, &mut sel);
            let base = b * BATCH;
            for &i in sel.indices() {
                f(base + i as usize);
            }
        }
    }
}

fn node<R: Record + 'static>(p: &Pred, now: DateTime<FixedOffset>) -> Node<R> {
    let other = || -> Node<R> {
        Box::new(Other {
            pred: p.clone(),
            now,
        })
    };
    match p {
        Pred::Const(c) => Box::new(Const(*c)),
        Pred::Check(c) => leaf(c, None).unwrap_or_else(|_| other()),
        Pred::And(items) => {
            // A chain from the last operand to the first: each leaf calls what follows it only
            // when it holds; other operands are joined by a two-operand `and`.
            let mut next: Option<Node<R>> = None;
            for p in items.iter().rev() {
                let joined = |n: Node<R>, next: Option<Node<R>>| -> Node<R> {
                    match next {
                        Some(next) => Box::new(All(Box::new([n, next]))),
                        None => n,
                    }
                };
                next = Some(match p {
                    Pred::Check(c) => match leaf(c, next) {
                        Ok(n) => n,
                        Err(next) => joined(node(p, now), next),
                    },
                    _ => joined(node(p, now), next),
                });
            }
            next.unwrap_or_else(|| Box::new(Const(Some(true))))
        }
        Pred::Or(items) => Box::new(Any(items.iter().map(|p| node(p, now)).collect())),
        Pred::Not(x) => Box::new(Not(node(x, now))),
        Pred::Lambda { .. } | Pred::Interpret(_) => other(),
    }
}

/// The leaf of a check on the record's own properties (nested ones included), then `next` (in a
/// conjunction); `Err(next)` for checks on a lambda variable (those are evaluated inside their
/// lambda).
fn leaf<R: Record + 'static>(c: &Check, next: Option<Node<R>>) -> Result<Node<R>, Option<Node<R>>> {
    match c.src() {
        Src::Top { index, name } => Ok(R::with_accessor(
            *index,
            name,
            LeafOf {
                check: c,
                rest: None,
                next,
            },
        )),
        Src::Path {
            base: Base::Root,
            steps,
        } => match steps.split_first() {
            Some(((index, name), rest)) => Ok(R::with_accessor(
                *index,
                name,
                LeafOf {
                    check: c,
                    rest: Some(rest.to_vec().into()),
                    next,
                },
            )),
            None => Err(next),
        },
        Src::Path { .. } => Err(next),
    }
}

/// The steps of a property path: each property's index and name.
type Steps = Box<[(usize, std::sync::Arc<str>)]>;

/// What a leaf is built from: its check, the steps of a nested path after the first (read with
/// the accessor), and what follows it in a conjunction.
struct LeafOf<'c, R: 'static> {
    check: &'c Check,
    rest: Option<Steps>,
    next: Option<Node<R>>,
}

impl<R: 'static> AccessorVisitor<R> for LeafOf<'_, R> {
    type Output = Node<R>;

    fn visit<A>(self, get: A) -> Node<R>
    where
        A: for<'r> Fn(&'r R) -> Field<'r> + Send + Sync + 'static,
    {
        match self.rest {
            None => leaf_with(self.check, get, self.next),
            Some(rest) => leaf_with(
                self.check,
                move |r: &R| {
                    let mut at = get(r);
                    for (index, name) in rest.iter() {
                        at = step_into(at, *index, name);
                    }
                    at
                },
                self.next,
            ),
        }
    }
}

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
trait FieldTest: Send + Sync {
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
fn leaf_with<R, A>(c: &Check, get: A, next: Option<Node<R>>) -> Node<R>
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

#[cfg(test)]
mod tests {
    use crate::mde::{machine_actions, MachineAction};
    use crate::validate::{validate_text, ValidateOptions};

    /// Over several batches (1,000 records: the last one partial), every shape of plan selects
    /// what the general compiled filter selects, batched and one record at a time.
    #[test]
    fn batches_agree_with_the_general_filter() {
        let records = crate::mde::sample::machine_actions(1000, 3);
        let json: Vec<serde_json::Value> = records
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        let opts = ValidateOptions::default().allow_all_properties(true);
        for text in [
            "status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z",
            "status eq 'Failed' or startswith(requestor,'a') or type eq 'Offboard'",
            "not (status eq 'Pending') and (machineId ne null or errorHResult lt 0)",
            "commands/any(c: c/commandStatus eq 'Completed') and type ne 'Isolate'",
            "relatedFileInfo/fileIdentifier eq null and year(creationDateTimeUtc) ge 2024",
            "status in ('Pending', 'Failed') and (true or title eq 'x') and not false",
            "false or null",
            "true",
        ] {
            let typed = validate_text(text, machine_actions(), &opts).unwrap();
            let general = typed.compile();
            let expected = general.matching_indices(&records);
            let own = general.specialize::<MachineAction>();
            assert_eq!(own.matching_indices(&records), expected, "{text}");
            assert_eq!(own.count_matches(&records), expected.len(), "{text}");
            let one_by_one: Vec<usize> = (0..records.len())
                .filter(|&i| own.matches(&records[i]))
                .collect();
            assert_eq!(one_by_one, expected, "{text}");
            for r in &records {
                assert_eq!(own.evaluate(r), general.evaluate(r), "{text}");
            }
            let own_json = general.specialize::<serde_json::Value>();
            assert_eq!(own_json.matching_indices(&json), expected, "{text}");
        }
    }
}
