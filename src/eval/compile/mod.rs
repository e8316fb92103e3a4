//! Compiled filters: a [`TypedFilter`] turned once into a flat, type-specialised plan that is then run
//! over many records.
//!
//! What compilation does:
//! - nested `and`/`or` become flat lists evaluated left to right with short-circuiting (three-valued:
//!   `false` ends an `and`, `true` ends an `or`);
//! - a comparison of a property with a literal becomes one specialised check: enum comparisons
//!   (`eq ne gt ge lt le in`) become a bit set over the members' declared positions, date-time
//!   literals one `i128` instant, Guids one `u128`, `in` lists hash sets (O(1) per record whatever
//!   their length), `contains`/`startswith`/`endswith` with a literal a direct substring test;
//! - property accessors are resolved to a schema index once (typed records answer by a jump table);
//! - `now()` is fixed when the filter is compiled;
//! - the operands of an `and` are ordered by cost and estimated selectivity, and enum checks on one
//!   property are folded into one bit set (both exact in three-valued logic);
//! - anything else (arithmetic, other functions, casts) is evaluated by the reference interpreter for
//!   that sub-expression only, so the compiled filter always means exactly what the interpreter means.
//!
//! Over a slice of records ([`CompiledFilter::matching_indices`], [`CompiledFilter::count_matches`])
//! evaluation is batched: 256 records at a time, each check of an `and` (or operand of an `or`) is one
//! tight loop over a selection vector of the records still in play, and for typed records
//! ([`Record::indexed`]) each property index gets its own loop in which the field read is a direct
//! load. [`CompiledFilter::matches`] evaluates one record at a time; when the filter is a conjunction
//! of checks on top-level properties (the common shape), that is a flat loop over the checks.
//!
//! A filter compiled for one record type ([`TypedFilter::compile_for`], [`CompiledFilterFor`])
//! goes further: each check is built around the record type's accessor of its property
//! ([`Record::with_accessor`]; the derives generate one field read per property), so one record
//! costs a loop over the checks with one indirect call each, and no dispatch on the kind of check.
//!
//! Files: `plan` (the checks and the plan of a tree), `optimize` (operand order, merged enum checks,
//! constant folding), `per_record` (one record), `batch` (selection vectors over a slice),
//! `specialized` (the plan specialised to a record type).
//!
//! ```
//! use odata_filter::mde::machine_actions;
//! use odata_filter::validate::{validate_text, ValidateOptions};
//! let filter = validate_text(
//!     "requestor eq 'Analyst@contoso.com'",
//!     machine_actions(),
//!     &ValidateOptions::default(),
//! )
//! .unwrap()
//! .compile();
//! let records = odata_filter::mde::sample::machine_actions(100, 1);
//! assert!(filter.matches(&records[0]));
//! assert!(filter.matches(&serde_json::json!({"requestor": "Analyst@contoso.com"})));
//! ```

use chrono::{DateTime, FixedOffset};

use crate::eval::record::Record;
use crate::semantics::scalar as sem;
use crate::validate::TypedFilter;

mod batch;
mod guid_set;
mod optimize;
mod per_record;
mod plan;
mod specialized;

use per_record::Eval;
use plan::Pred;
pub use specialized::CompiledFilterFor;

/// A filter compiled for repeated evaluation. Build it once per query, run it on every record.
#[derive(Clone, Debug)]
pub struct CompiledFilter {
    root: Pred,
    /// The root as a flat list of checks when it is a conjunction of checks on top-level properties
    /// (the common shape): one record is then a loop over checks, with no tree walk.
    conjunction: Option<Box<[plan::Check]>>,
    now: DateTime<FixedOffset>,
}

impl CompiledFilter {
    /// Compiles `filter`, fixing `now()` to the current time (what [`TypedFilter::compile`] does).
    pub fn new(filter: &TypedFilter) -> Self {
        Self::with_now(filter, sem::now())
    }

    /// Compiles `filter` with `now()` fixed to `now`.
    pub fn with_now(filter: &TypedFilter, now: DateTime<FixedOffset>) -> Self {
        let root = plan::plan(filter.root());
        CompiledFilter {
            conjunction: plan::top_level_conjunction(&root),
            root,
            now,
        }
    }

    /// The instant `now()` stands for in this filter.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }

    /// This filter specialised to records of type `R` (same `now()`): see
    /// [`TypedFilter::compile_for`].
    pub fn specialize<R: Record + 'static>(&self) -> CompiledFilterFor<R> {
        CompiledFilterFor::new(&self.root, self.now)
    }

    /// True when the filter is true for `record` (false and null do not match).
    #[inline]
    pub fn matches<R: Record + ?Sized>(&self, record: &R) -> bool {
        self.evaluate(record) == Some(true)
    }

    /// The three-valued outcome for `record`.
    #[inline]
    pub fn evaluate<R: Record + ?Sized>(&self, record: &R) -> Option<bool> {
        let eval = Eval {
            root: record,
            now: &self.now,
        };
        if let Some(checks) = &self.conjunction {
            let mut acc = Some(true);
            for c in checks.iter() {
                match eval.check(c, &[]) {
                    Some(false) => return Some(false),
                    None => acc = None,
                    Some(true) => {}
                }
            }
            return acc;
        }
        eval.pred(&self.root, &mut Vec::new())
    }

    /// The indices of the matching records, in order.
    ///
    /// Evaluates in batches with selection vectors: a conjunction of specialised checks runs as one
    /// tight loop per check over the records still selected, so the per-record cost is a field read
    /// and a comparison, not a walk of the predicate tree; other shapes are evaluated per record.
    ///
    /// ```
    /// use odata_filter::mde::machine_actions;
    /// use odata_filter::validate::{validate_text, ValidateOptions};
    /// let all = validate_text("true", machine_actions(), &ValidateOptions::default()).unwrap().compile();
    /// assert_eq!(all.matching_indices(&odata_filter::mde::sample::machine_actions(3, 0)), vec![0, 1, 2]);
    /// ```
    pub fn matching_indices<R: Record>(&self, records: &[R]) -> Vec<usize> {
        let mut out = Vec::new();
        self.for_each_match(records, |i| out.push(i));
        out
    }

    /// The number of matching records (see [`CompiledFilter::matching_indices`]).
    pub fn count_matches<R: Record>(&self, records: &[R]) -> usize {
        let mut n = 0;
        self.for_each_match(records, |_| n += 1);
        n
    }

    /// Calls `f` with the index of every matching record, in order (batched evaluation).
    pub fn for_each_match<R: Record>(&self, records: &[R], mut f: impl FnMut(usize)) {
        const BATCH: usize = 256;
        let mut sel: Vec<u32> = Vec::with_capacity(BATCH);
        for (b, chunk) in records.chunks(BATCH).enumerate() {
            sel.clear();
            sel.extend(0..chunk.len() as u32);
            self.retain_true(&self.root, chunk, &mut sel);
            let base = b * BATCH;
            for &i in &sel {
                f(base + i as usize);
            }
        }
    }
}

impl TypedFilter {
    /// Compiles the filter for repeated evaluation (`now()` fixed to the current time), for records
    /// of any type.
    pub fn compile(&self) -> CompiledFilter {
        CompiledFilter::new(self)
    }

    /// Compiles the filter for records of type `R` (`now()` fixed to the current time): the fastest
    /// way to filter records of a type known in advance, one at a time
    /// ([`CompiledFilterFor::matches`]) or batched. Each check is built around `R`'s accessor of its
    /// property ([`Record::with_accessor`]): for a derived struct, one field read and one
    /// comparison.
    ///
    /// ```
    /// use odata_filter::mde::{machine_actions, MachineAction};
    /// use odata_filter::validate::{validate_text, ValidateOptions};
    /// let typed = validate_text("type eq 'Isolate'", machine_actions(), &ValidateOptions::default())
    ///     .unwrap();
    /// let records = odata_filter::mde::sample::machine_actions(100, 1);
    /// let filter = typed.compile_for::<MachineAction>();
    /// let json = typed.compile_for::<serde_json::Value>();
    /// for r in &records {
    ///     assert_eq!(filter.matches(r), json.matches(&serde_json::to_value(r).unwrap()));
    /// }
    /// ```
    pub fn compile_for<R: Record + 'static>(&self) -> CompiledFilterFor<R> {
        CompiledFilter::new(self).specialize()
    }

    /// Whether `record` matches, by the reference interpreter: slow and obvious on purpose, for the
    /// tests that hold the compiled filters to it (users compile: [`TypedFilter::compile`],
    /// [`TypedFilter::compile_for`]).
    #[cfg(test)]
    pub(crate) fn matches<R: Record + ?Sized>(&self, record: &R) -> bool {
        crate::eval::interp::evaluate(self, record) == Some(true)
    }
}
