//! Compiled filters: the IR turned once into a flat, type-specialised predicate that is then run over
//! many records.
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
//! evaluation is batched: 512 records at a time, each check of an `and` (or operand of an `or`) is one
//! tight loop over a selection vector of the records still in play, and for typed records
//! ([`Record::indexed`]) each property index gets its own loop in which the field read is a direct
//! load. [`CompiledFilter::matches`] evaluates one record at a time (several times slower per record).
//!
//! ```
//! use odata_filter::eval::compile::CompiledFilter;
//! use odata_filter::eval::ir::{Node, PathExpr};
//! use odata_filter::eval::semantics::CmpOp;
//! use odata_filter::schema::EdmType;
//! use odata_filter::value::Value;
//! let node = Node::Compare(
//!     CmpOp::Eq,
//!     Box::new(Node::Path(PathExpr::property(3, "requestor", EdmType::String))),
//!     Box::new(Node::Literal(Value::String("Analyst@contoso.com".into()))),
//! );
//! let filter = CompiledFilter::new(&node);
//! let records = odata_filter::sample::machine_actions(100, 1);
//! assert!(filter.matches(&records[0]));
//! assert!(filter.matches(&serde_json::json!({"requestor": "Analyst@contoso.com"})));
//! ```

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDateTime, NaiveTime};
use uuid::Uuid;

use crate::ast::{Function, LambdaKind};
use crate::eval::interp::{self, elements, step_into};
use crate::eval::ir::{InSet, Node, PathExpr, Root};
use crate::eval::ops;
use crate::eval::record::{Field, Record};
use crate::eval::semantics::{self as sem, CmpOp};
use crate::schema::{EdmType, EnumType};
use crate::value::Value;

/// A multiply-rotate hasher for short keys (strings, Guids): much cheaper than SipHash; the keys are
/// the filter's own literals, so hash flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

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

type FastSet<T> = HashSet<T, BuildHasherDefault<KeyHasher>>;

/// Where a check reads its operand.
#[derive(Clone, Debug)]
enum Src {
    /// A property of the record itself (the common case: one indexed access).
    Top { index: usize, name: Arc<str> },
    /// Any other path (nested, or from a lambda variable).
    Path(PathExpr),
}

/// An enum comparison as a set of member positions.
#[derive(Clone, Debug)]
struct EnumSet {
    ty: Arc<EnumType>,
    /// Bit `p` set: the member at declared position `p` satisfies the check.
    mask: u64,
    /// Members' values are exactly their positions (so a value is its bit number).
    dense: bool,
    /// The outcome for null (or a value that is not a member).
    on_null: bool,
    /// Names of the members that satisfy the check (JSON records carry enum members as names).
    true_names: Box<[Box<str>]>,
}

impl EnumSet {
    #[inline(always)]
    fn test(&self, f: Field<'_>) -> bool {
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
enum StrFn {
    Contains,
    StartsWith,
    EndsWith,
}

/// A leaf check, specialised by operand type.
#[derive(Clone, Debug)]
enum Check {
    /// `x eq null` (`is_null`) / `x ne null`.
    Null {
        src: Src,
        ty: EdmType,
        is_null: bool,
    },
    /// Enum comparison or `in`.
    Enum { src: Src, set: EnumSet },
    /// `s op 'lit'`.
    Str { src: Src, op: CmpOp, lit: Box<str> },
    /// `s in (…)`.
    StrIn {
        src: Src,
        set: FastSet<Box<str>>,
        has_null: bool,
    },
    /// `contains(s,'lit')` etc.: three-valued (null for a null `s`).
    StrFn { src: Src, f: StrFn, lit: Box<str> },
    /// `g op guid`.
    Guid { src: Src, op: CmpOp, lit: u128 },
    /// `g in (…)`.
    GuidIn {
        src: Src,
        set: FastSet<u128>,
        has_null: bool,
    },
    /// `t op instant` (nanoseconds since the epoch; also as a UTC date-time when that is exact).
    Instant {
        src: Src,
        op: CmpOp,
        lit: i128,
        lit_utc: Option<NaiveDateTime>,
    },
    /// `i op n` for integer properties.
    Int {
        src: Src,
        ty: EdmType,
        op: CmpOp,
        lit: i64,
    },
    /// A Boolean property used as a predicate.
    Bool { src: Src },
    /// `matchesPattern(s, 'pattern')` with the pattern compiled once (three-valued like `StrFn`).
    Matches { src: Src, re: regex::Regex },
}

/// A compiled predicate node.
#[derive(Clone, Debug)]
enum Pred {
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
    Interpret(Node),
}

/// A filter compiled for repeated evaluation. Build it once per query, run it on every record.
#[derive(Clone, Debug)]
pub struct CompiledFilter {
    root: Pred,
    now: DateTime<FixedOffset>,
}

impl CompiledFilter {
    /// Compiles `node` (a Boolean expression), fixing `now()` to the current time.
    pub fn new(node: &Node) -> Self {
        Self::with_now(node, sem::now())
    }

    /// Compiles `node` with `now()` fixed to `now`.
    pub fn with_now(node: &Node, now: DateTime<FixedOffset>) -> Self {
        CompiledFilter {
            root: compile(node),
            now,
        }
    }

    /// The instant `now()` stands for in this filter.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }

    /// True when the filter is true for `record` (false and null do not match).
    #[inline]
    pub fn matches<R: Record + ?Sized>(&self, record: &R) -> bool {
        self.evaluate(record) == Some(true)
    }

    /// The three-valued outcome for `record`.
    #[inline]
    pub fn evaluate<R: Record + ?Sized>(&self, record: &R) -> Option<bool> {
        let mut vars = Vec::new();
        Eval {
            root: record,
            now: &self.now,
        }
        .pred(&self.root, &mut vars)
    }

    /// The indices of the matching records, in order.
    ///
    /// Evaluates in batches with selection vectors: a conjunction of specialised checks runs as one
    /// tight loop per check over the records still selected, so the per-record cost is a field read
    /// and a comparison, not a walk of the predicate tree; other shapes are evaluated per record.
    ///
    /// ```
    /// use odata_filter::eval::{compile::CompiledFilter, ir::Node};
    /// let all = CompiledFilter::new(&Node::Literal(odata_filter::value::Value::Boolean(true)));
    /// assert_eq!(all.matching_indices(&odata_filter::sample::machine_actions(3, 0)), vec![0, 1, 2]);
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

    /// Keeps in `sel` the records of `chunk` for which `p` is true.
    fn retain_true<R: Record>(&self, p: &Pred, chunk: &[R], sel: &mut Vec<u32>) {
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

fn src_of(p: &PathExpr) -> Src {
    match (&p.root, p.steps.as_slice()) {
        (Root::It, [step]) => Src::Top {
            index: step.index,
            name: Arc::clone(&step.name),
        },
        _ => Src::Path(p.clone()),
    }
}

fn compile(node: &Node) -> Pred {
    match node {
        Node::Literal(Value::Boolean(b)) => Pred::Const(Some(*b)),
        Node::Literal(Value::Null) => Pred::Const(None),
        Node::And(nodes) => {
            let mut items = Vec::new();
            for p in nodes.iter().map(compile) {
                match p {
                    Pred::And(inner) => items.extend(inner),
                    other => items.push(other),
                }
            }
            // Cheap, selective checks first: `and` is commutative in three-valued logic and checks
            // have no side effects, so the order changes the work done, never the outcome.
            let mut items = merge_enum_checks(items, true);
            items.sort_by(|a, b| rank(a).total_cmp(&rank(b)));
            Pred::And(items)
        }
        Node::Or(nodes) => {
            let mut items = Vec::new();
            for p in nodes.iter().map(compile) {
                match p {
                    Pred::Or(inner) => items.extend(inner),
                    other => items.push(other),
                }
            }
            Pred::Or(merge_enum_checks(items, false))
        }
        Node::Not(x) => Pred::Not(Box::new(compile(x))),
        Node::Path(p) if p.ty == EdmType::Boolean => Pred::Check(Check::Bool { src: src_of(p) }),
        Node::Compare(op, a, b) => match (&**a, &**b) {
            (Node::Path(p), Node::Literal(v)) => compare_check(*op, p, v),
            (Node::Literal(v), Node::Path(p)) => compare_check(op.flip(), p, v),
            _ => None,
        }
        .map_or_else(|| Pred::Interpret(node.clone()), Pred::Check),
        Node::In(x, InSet::Values(list)) => match &**x {
            Node::Path(p) => in_check(p, list),
            _ => None,
        }
        .map_or_else(|| Pred::Interpret(node.clone()), Pred::Check),
        Node::Call(f @ (Function::Contains | Function::StartsWith | Function::EndsWith), args) => {
            match args.as_slice() {
                [Node::Path(p), Node::Literal(Value::String(lit))] if p.ty == EdmType::String => {
                    Pred::Check(Check::StrFn {
                        src: src_of(p),
                        f: match f {
                            Function::Contains => StrFn::Contains,
                            Function::StartsWith => StrFn::StartsWith,
                            _ => StrFn::EndsWith,
                        },
                        lit: lit.as_str().into(),
                    })
                }
                _ => Pred::Interpret(node.clone()),
            }
        }
        Node::Call(Function::MatchesPattern, args) => match args.as_slice() {
            [Node::Path(p), Node::Literal(Value::String(pattern))] if p.ty == EdmType::String => {
                match crate::pattern::compile(pattern) {
                    Ok(re) => Pred::Check(Check::Matches { src: src_of(p), re }),
                    // An invalid pattern makes the call null for every record (as interpreted).
                    Err(_) => Pred::Const(None),
                }
            }
            _ => Pred::Interpret(node.clone()),
        },
        Node::Lambda {
            kind,
            collection,
            body,
        } => Pred::Lambda {
            kind: *kind,
            src: src_of(collection),
            body: body.as_ref().map(|b| Box::new(compile(b))),
        },
        other => Pred::Interpret(other.clone()),
    }
}

/// Folds enum checks on the same top-level property into one bit set: `status eq 'A' or status eq
/// 'B'` is `status in ('A','B')`. Exact because an enum check is two-valued (never null): `or` is the
/// union of the sets (and of the outcomes for null), `and` the intersection.
fn merge_enum_checks(items: Vec<Pred>, and: bool) -> Vec<Pred> {
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
fn rank(p: &Pred) -> f64 {
    let (cost, pass) = match p {
        Pred::Const(Some(true)) => (0.0, 1.0),
        Pred::Const(_) => (-1.0, 0.0),
        Pred::Check(c) => match c {
            Check::Enum { set, .. } => (
                0.0,
                f64::from(set.mask.count_ones()) / set.ty.members().len().max(1) as f64,
            ),
            Check::Guid { op, .. } | Check::Str { op, .. } | Check::Instant { op, .. } => {
                (0.0, if *op == CmpOp::Eq { 0.05 } else { 0.5 })
            }
            Check::Int { op, .. } => (0.0, if *op == CmpOp::Eq { 0.1 } else { 0.5 }),
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

fn enum_set(ty: &Arc<EnumType>, on_null: bool, holds: impl Fn(usize) -> bool) -> Option<EnumSet> {
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

fn compare_check(op: CmpOp, p: &PathExpr, v: &Value) -> Option<Check> {
    let src = src_of(p);
    if v.is_null() {
        return match op {
            CmpOp::Eq | CmpOp::Ne => Some(Check::Null {
                src,
                ty: p.ty.clone(),
                is_null: op == CmpOp::Eq,
            }),
            // Order comparisons with null are false whatever the record holds, but the
            // interpreter is the authority on odd shapes; keep it simple and let it decide.
            _ => None,
        };
    }
    let on_null = op.with_null(true, false);
    match (&p.ty, v) {
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

fn instant_check(src: Src, op: CmpOp, t: &DateTime<FixedOffset>) -> Check {
    Check::Instant {
        src,
        op,
        lit: sem::instant_nanos(t),
        lit_utc: (t.timestamp_subsec_nanos() < 1_000_000_000).then(|| t.naive_utc()),
    }
}

fn in_check(p: &PathExpr, list: &[Value]) -> Option<Check> {
    let src = src_of(p);
    let has_null = list.iter().any(Value::is_null);
    let items = || list.iter().filter(|v| !v.is_null());
    match &p.ty {
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
            let mut set = FastSet::default();
            for v in items() {
                match v {
                    Value::Guid(g) => set.insert(g.as_u128()),
                    _ => return None,
                };
            }
            Some(Check::GuidIn { src, set, has_null })
        }
        _ => None,
    }
}

/// The evaluation of one record.
struct Eval<'a, R: ?Sized> {
    root: &'a R,
    now: &'a DateTime<FixedOffset>,
}

impl<'a, R: Record + ?Sized> Eval<'a, R> {
    #[inline]
    fn read<'v>(&self, src: &Src, vars: &[Field<'v>]) -> Field<'v>
    where
        'a: 'v,
    {
        match src {
            Src::Top { index, name } => self.root.field(*index, name),
            Src::Path(p) => {
                let mut at = match p.root {
                    Root::It => {
                        let mut steps = p.steps.iter();
                        let Some(first) = steps.next() else {
                            return Field::Null;
                        };
                        let mut at = self.root.field(first.index, &first.name);
                        for s in steps {
                            at = step_into(at, s.index, &s.name);
                        }
                        return at;
                    }
                    Root::Var(k) => vars.get(k).copied().unwrap_or(Field::Null),
                };
                for s in &p.steps {
                    at = step_into(at, s.index, &s.name);
                }
                at
            }
        }
    }

    fn pred<'v>(&self, p: &Pred, vars: &mut Vec<Field<'v>>) -> Option<bool>
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
                let root = DynRef(self.root);
                ops::truth(&interp::value_with(node, &root, vars, self.now))
            }
        }
    }

    #[inline]
    fn check<'v>(&self, c: &Check, vars: &[Field<'v>]) -> Option<bool>
    where
        'a: 'v,
    {
        Some(match c {
            Check::Enum { src, set } => set.test(self.read(src, vars)),
            Check::Str { src, op, lit } => match str_of(self.read(src, vars)) {
                Some(s) => match op {
                    CmpOp::Eq => s == &**lit,
                    CmpOp::Ne => s != &**lit,
                    _ => op.holds(Some(sem::cmp_str(s, lit))),
                },
                None => op.with_null(true, false),
            },
            Check::StrIn { src, set, has_null } => match str_of(self.read(src, vars)) {
                Some(s) => set.contains(s),
                None => *has_null,
            },
            Check::StrFn { src, f, lit } => str_fn(*f, str_of(self.read(src, vars))?, lit),
            Check::Guid { src, op, lit } => match guid_of(self.read(src, vars)) {
                Some(g) => op.holds(Some(g.cmp(lit))),
                None => op.with_null(true, false),
            },
            Check::GuidIn { src, set, has_null } => match guid_of(self.read(src, vars)) {
                Some(g) => set.contains(&g),
                None => *has_null,
            },
            Check::Instant { src, op, lit, .. } => match instant_of(self.read(src, vars)) {
                Some(t) => op.holds(Some(t.cmp(lit))),
                None => op.with_null(true, false),
            },
            Check::Int { src, ty, op, lit } => {
                let v = match self.read(src, vars) {
                    Field::Int(i) if ops::fits(i, ty) => Value::Int(i),
                    other => ops::field_value(other, ty),
                };
                match v {
                    Value::Int(i) => op.holds(Some(i.cmp(lit))),
                    other => ops::compare(*op, &other, &Value::Int(*lit)),
                }
            }
            Check::Null { src, ty, is_null } => {
                ops::field_is_null(self.read(src, vars), ty) == *is_null
            }
            Check::Matches { src, re } => re.is_match(str_of(self.read(src, vars))?),
            Check::Bool { src } => match self.read(src, vars) {
                Field::Bool(b) => b,
                Field::Json(serde_json::Value::Bool(b)) => *b,
                _ => return None,
            },
        })
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
            Src::Path(_) => None,
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
            op: CmpOp::Eq,
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
                Some(g) => set.contains(&g),
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

/// `contains`/`startswith`/`endswith` (ordinal); short affixes are compared in line rather than
/// through a `memcmp` call.
#[inline(always)]
fn str_fn(f: StrFn, s: &str, lit: &str) -> bool {
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
fn str_of(f: Field<'_>) -> Option<&str> {
    match f {
        Field::Str(s) => Some(s),
        Field::Json(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

#[inline(always)]
fn guid_of(f: Field<'_>) -> Option<u128> {
    match f {
        Field::Guid(g) => Some(g.as_u128()),
        other => str_of(other).and_then(|s| Uuid::try_parse(s).ok().map(|g| g.as_u128())),
    }
}

#[inline(always)]
fn instant_of(f: Field<'_>) -> Option<i128> {
    match f {
        Field::DateTimeOffset(t) => Some(sem::instant_nanos(&t)),
        other => str_of(other)
            .and_then(sem::parse_datetime)
            .map(|t| sem::instant_nanos(&t)),
    }
}

/// Lends a (possibly unsized) generic record to the interpreter as `dyn Record`.
struct DynRef<'a, R: ?Sized>(&'a R);

impl<R: Record + ?Sized> Record for DynRef<'_, R> {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        self.0.field(index, name)
    }
}
