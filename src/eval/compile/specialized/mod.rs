//! A compiled filter specialised to one record type: each check on a property becomes a leaf built
//! around the record type's accessor for that property ([`Record::with_accessor`]), so that for a
//! derived struct a check is one field read and one comparison in a single function, reached
//! through one indirect call per record; batched, each leaf is its own tight loop.

//!
//! `nodes` holds the nodes of the plan (`and`, `or`, `not`, the leaf), `sel` the selection vector of
//! the batched path, `checks` the tests a leaf applies to its property's value.

use std::fmt;

use chrono::{DateTime, FixedOffset};

use super::plan::{Check, Pred, Src};
use crate::eval::interp::step_into;
use crate::eval::record::{AccessorVisitor, Field, Record};
use crate::validate::Base;

mod checks;
mod nodes;
mod sel;

use checks::leaf_with;
use nodes::{All, Any, Const, Node, Not, Other};
use sel::Sel;

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

    /// Every comparison operator on date-times and Guids, compiled for the record type, against
    /// the reference interpreter: values below, at and above the literal, a leap second (whose
    /// order is decided on the instant), and other offsets.
    #[test]
    fn date_time_and_guid_comparisons_agree_with_the_interpreter() {
        use chrono::{DateTime, FixedOffset, NaiveDate};
        let utc = |h, m, s, nano| -> DateTime<FixedOffset> {
            NaiveDate::from_ymd_opt(2024, 6, 30)
                .unwrap()
                .and_hms_nano_opt(h, m, s, nano)
                .unwrap()
                .and_utc()
                .fixed_offset()
        };
        let times = [
            utc(23, 59, 58, 0),
            utc(23, 59, 59, 0),
            utc(23, 59, 59, 999_999_999),
            utc(23, 59, 59, 1_000_000_000),
            utc(23, 59, 59, 1_500_000_000),
            utc(12, 0, 0, 0).with_timezone(&FixedOffset::east_opt(5 * 3600).unwrap()),
        ];
        let mut records = crate::mde::sample::machine_actions(times.len(), 7);
        let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
        for (r, t) in records.iter_mut().zip(times) {
            r.creation_date_time_utc = t;
        }
        let opts = ValidateOptions::default();
        for op in ["eq", "ne", "gt", "ge", "lt", "le"] {
            for text in [
                format!("creationDateTimeUtc {op} 2024-06-30T23:59:59Z"),
                format!("creationDateTimeUtc {op} 2024-06-30T23:59:59.999999999Z"),
                format!("creationDateTimeUtc {op} 2024-06-30T12:00:00+05:00"),
                format!("id {op} {}", ids[2]),
            ] {
                let typed = validate_text(&text, machine_actions(), &opts).unwrap();
                let own = typed.compile_for::<MachineAction>();
                for r in &records {
                    let want = crate::eval::interp::evaluate_at(&typed, r, &own.now());
                    assert_eq!(
                        own.evaluate(r),
                        want,
                        "{text} on {}",
                        r.creation_date_time_utc
                    );
                }
                assert_eq!(
                    own.count_matches(&records),
                    records.iter().filter(|r| own.matches(r)).count(),
                    "{text}"
                );
            }
        }
    }
}
