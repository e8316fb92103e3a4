//! The reference interpreter: walks the [`ir::Node`](super::ir::Node) tree, computing a [`Value`] per
//! node with the rules of [`ops`]. Slow and obvious on purpose — the compiled filter is
//! tested against it.
//!
//! ```
//! use odata_filter::eval::interp::evaluate;
//! use odata_filter::eval::ir::{Node, PathExpr};
//! use odata_filter::schema::EdmType;
//! // machineId eq null, on a record without machineId: true
//! let node = Node::Compare(
//!     odata_filter::eval::semantics::CmpOp::Eq,
//!     Box::new(Node::Path(PathExpr::property(6, "machineId", EdmType::String))),
//!     Box::new(Node::Literal(odata_filter::value::Value::Null)),
//! );
//! assert_eq!(evaluate(&node, &serde_json::json!({})), Some(true));
//! ```

use chrono::{DateTime, FixedOffset};

use crate::ast::LambdaKind;
use crate::eval::ir::{InSet, Node, PathExpr, Root};
use crate::eval::ops;
use crate::eval::record::{Field, Record};
use crate::eval::semantics::{and3, not3, or3, CmpOp};
use crate::value::Value;

/// The truth of a Boolean expression for `record` (`None` is null), with `now()` the current time.
pub fn evaluate<R: Record + ?Sized>(node: &Node, record: &R) -> Option<bool> {
    evaluate_at(node, record, &crate::eval::semantics::now())
}

/// The truth of a Boolean expression for `record`, with `now()` fixed to `now`.
pub fn evaluate_at<R: Record + ?Sized>(
    node: &Node,
    record: &R,
    now: &DateTime<FixedOffset>,
) -> Option<bool> {
    let record: &dyn Record = &Dyn(record);
    let mut ctx = Context {
        root: record,
        vars: Vec::new(),
        now: *now,
    };
    ops::truth(&ctx.value(node))
}

/// The value of any expression for `record` (for `$orderby` keys and tests).
pub fn value_of<R: Record + ?Sized>(node: &Node, record: &R, now: &DateTime<FixedOffset>) -> Value {
    let record: &dyn Record = &Dyn(record);
    let mut ctx = Context {
        root: record,
        vars: Vec::new(),
        now: *now,
    };
    ctx.value(node)
}

/// The value of `node` for `root` with the lambda variables `vars` in scope (outermost first): the
/// compiled filter's fallback for sub-expressions it does not specialise.
pub(crate) fn value_with(
    node: &Node,
    root: &dyn Record,
    vars: &[Field<'_>],
    now: &DateTime<FixedOffset>,
) -> Value {
    let mut ctx = Context {
        root,
        vars: vars.to_vec(),
        now: *now,
    };
    ctx.value(node)
}

/// Adapts any (possibly unsized) record to `dyn Record`.
struct Dyn<'a, R: ?Sized>(&'a R);

impl<R: Record + ?Sized> Record for Dyn<'_, R> {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        self.0.field(index, name)
    }
}

struct Context<'r> {
    root: &'r dyn Record,
    /// Lambda range variables, outermost first.
    vars: Vec<Field<'r>>,
    now: DateTime<FixedOffset>,
}

/// Follows `path` from `start` (one property step at a time; JSON objects by name).
pub(crate) fn navigate<'r>(start: Field<'r>, path: &PathExpr) -> Field<'r> {
    let mut at = start;
    for step in &path.steps {
        at = step_into(at, step.index, &step.name);
    }
    at
}

#[inline]
pub(crate) fn step_into<'r>(at: Field<'r>, index: usize, name: &str) -> Field<'r> {
    match at {
        Field::Node(r) => r.field(index, name),
        Field::Json(serde_json::Value::Object(map)) => match map.get(name) {
            None | Some(serde_json::Value::Null) => Field::Null,
            Some(v) => Field::Json(v),
        },
        _ => Field::Null,
    }
}

/// The elements of a collection field (`None` when it is not a collection).
pub(crate) fn elements(f: Field<'_>) -> Option<Vec<Field<'_>>> {
    match f {
        Field::Items(items) => Some((0..items.len()).map(|i| items.item(i)).collect()),
        Field::Json(serde_json::Value::Array(a)) => Some(
            a.iter()
                .map(|v| match v {
                    serde_json::Value::Null => Field::Null,
                    v => Field::Json(v),
                })
                .collect(),
        ),
        _ => None,
    }
}

impl<'r> Context<'r> {
    fn start(&self, root: &Root) -> Field<'r> {
        match root {
            Root::It => Field::Node(self.root),
            Root::Var(k) => self.vars.get(*k).copied().unwrap_or(Field::Null),
        }
    }

    fn field(&self, path: &PathExpr) -> Field<'r> {
        navigate(self.start(&path.root), path)
    }

    fn value(&mut self, node: &Node) -> Value {
        match node {
            Node::Literal(v) => v.clone(),
            Node::Path(p) => ops::field_value(self.field(p), &p.ty),
            Node::Count(p) => match elements(self.field(p)) {
                Some(items) => Value::Int(items.len() as i64),
                None => Value::Null,
            },
            Node::Not(x) => ops::from_truth(not3(ops::truth(&self.value(x)))),
            Node::Neg(x) => ops::negate(&self.value(x)),
            Node::And(items) => {
                let mut acc = Some(true);
                for item in items {
                    acc = and3(acc, ops::truth(&self.value(item)));
                }
                ops::from_truth(acc)
            }
            Node::Or(items) => {
                let mut acc = Some(false);
                for item in items {
                    acc = or3(acc, ops::truth(&self.value(item)));
                }
                ops::from_truth(acc)
            }
            Node::Compare(op @ (CmpOp::Eq | CmpOp::Ne), a, b)
                if matches!(
                    (&**a, &**b),
                    (Node::Path(_), Node::Literal(Value::Null))
                        | (Node::Literal(Value::Null), Node::Path(_))
                ) =>
            {
                let ((Node::Path(p), _) | (_, Node::Path(p))) = (&**a, &**b) else {
                    return Value::Null;
                };
                let null = ops::field_is_null(self.field(p), &p.ty);
                Value::Boolean(null == (*op == CmpOp::Eq))
            }
            Node::Compare(op, a, b) => {
                let a = self.value(a);
                let b = self.value(b);
                Value::Boolean(ops::compare(*op, &a, &b))
            }
            Node::Arith(op, a, b) => {
                let a = self.value(a);
                let b = self.value(b);
                ops::arith(*op, &a, &b)
            }
            Node::Has(a, b) => {
                let a = self.value(a);
                let b = self.value(b);
                ops::from_truth(ops::has(&a, &b))
            }
            Node::In(x, set) => {
                let v = self.value(x);
                let found = match set {
                    InSet::Values(list) => list.iter().any(|e| ops::compare(CmpOp::Eq, &v, e)),
                    InSet::Path(p) => {
                        let elem_ty = p.ty.element_type().cloned().unwrap_or(p.ty.clone());
                        elements(self.field(p)).is_some_and(|items| {
                            items.into_iter().any(|f| {
                                ops::compare(CmpOp::Eq, &v, &ops::field_value(f, &elem_ty))
                            })
                        })
                    }
                };
                Value::Boolean(found)
            }
            Node::Call(f, args) => {
                let args: Vec<Value> = args.iter().map(|a| self.value(a)).collect();
                ops::call(*f, &args, &self.now)
            }
            Node::Lambda {
                kind,
                collection,
                body,
            } => {
                // A null or absent collection is empty.
                let items = elements(self.field(collection)).unwrap_or_default();
                let Some(body) = body else {
                    return Value::Boolean(match kind {
                        LambdaKind::Any => !items.is_empty(),
                        LambdaKind::All => true,
                    });
                };
                let mut acc = Some(matches!(kind, LambdaKind::All));
                for item in items {
                    self.vars.push(item);
                    let t = ops::truth(&self.value(body));
                    self.vars.pop();
                    acc = match kind {
                        LambdaKind::Any => or3(acc, t),
                        LambdaKind::All => and3(acc, t),
                    };
                }
                ops::from_truth(acc)
            }
            Node::Cast(x, ty) => ops::cast(&self.value(x), ty),
            Node::IsOf(x, ty) => Value::Boolean(ops::is_of(&self.value(x), ty)),
        }
    }
}
