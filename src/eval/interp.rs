//! The reference interpreter: walks the [`TypedFilter`](crate::validate::TypedFilter)'s tree,
//! computing a [`Value`] per node with the rules of [`crate::semantics`]. Slow and obvious on
//! purpose — the compiled filter is tested against it.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::ast::LambdaKind;
use crate::eval::read::{field_is_null, field_value};
use crate::eval::record::{Field, Record};
use crate::schema::{EdmType, StructuredType};
use crate::semantics::values as ops;
use crate::semantics::{not3, CompareOp, LogicalOp};
use crate::validate::{Base, InSet, PropertyRef, TypedExpr};
use crate::value::Value;

/// The truth of `filter` for `record` (`None` is null), with `now()` the current time. Tests only,
/// like [`evaluate_at`]: the crate evaluates whole filters compiled.
#[cfg(test)]
pub fn evaluate<R: Record + ?Sized>(
    filter: &crate::validate::TypedFilter,
    record: &R,
) -> Option<bool> {
    evaluate_at(filter, record, &crate::semantics::scalar::now())
}

/// The truth of `filter` for `record`, with `now()` fixed to `now`: the reference the compiled
/// filters are tested against.
#[cfg(test)]
pub fn evaluate_at<R: Record + ?Sized>(
    filter: &crate::validate::TypedFilter,
    record: &R,
    now: &DateTime<FixedOffset>,
) -> Option<bool> {
    ops::truth(&value_of(filter.root(), record, now))
}

/// The value of any expression for `record` (for `$orderby` keys and tests).
pub fn value_of<R: Record + ?Sized>(
    expr: &TypedExpr,
    record: &R,
    now: &DateTime<FixedOffset>,
) -> Value {
    let record: &dyn Record = &Dyn(record);
    value_with(expr, record, &[], now)
}

/// The value of `expr` for `root` with the lambda variables `vars` in scope (outermost first): the
/// compiled filter's fallback for sub-expressions it does not specialise.
pub(crate) fn value_with(
    expr: &TypedExpr,
    root: &dyn Record,
    vars: &[Field<'_>],
    now: &DateTime<FixedOffset>,
) -> Value {
    let mut ctx = Context {
        root,
        vars: vars.to_vec(),
        now: *now,
    };
    ctx.value(expr)
}

/// Adapts any (possibly unsized) record to `dyn Record`.
pub(crate) struct Dyn<'a, R: ?Sized>(pub(crate) &'a R);

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

/// The steps of a path: each property's index in its declaring type and its canonical name.
pub(crate) fn steps(p: &PropertyRef) -> Vec<(usize, Arc<str>)> {
    let mut out = Vec::with_capacity(p.path().len());
    let mut ty: Option<Arc<StructuredType>> = p.start_type().cloned();
    for id in p.path() {
        let prop = ty.as_ref().and_then(|t| t.property(*id));
        out.push((id.index(), Arc::from(prop.map_or("", |p| p.name()))));
        ty = prop.and_then(|p| match p.ty() {
            EdmType::Collection(elem) => elem.as_complex().cloned(),
            other => other.as_complex().cloned(),
        });
    }
    out
}

/// Follows the path of `p` from `at`, one property at a time (JSON objects by name).
pub(crate) fn navigate<'r>(mut at: Field<'r>, p: &PropertyRef) -> Field<'r> {
    let mut ty = p.start_type();
    for id in p.path() {
        let Some(prop) = ty.and_then(|t| t.property(*id)) else {
            return Field::Null;
        };
        at = step_into(at, id.index(), prop.name());
        ty = match prop.ty() {
            EdmType::Collection(elem) => elem.as_complex(),
            other => other.as_complex(),
        };
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
    fn field(&self, p: &PropertyRef) -> Field<'r> {
        let at = match p.base() {
            Base::Root => Field::Node(self.root),
            Base::Variable(v) => self.vars.get(v.index()).copied().unwrap_or(Field::Null),
        };
        navigate(at, p)
    }

    fn value(&mut self, e: &TypedExpr) -> Value {
        match e {
            TypedExpr::Literal(l) => l.value().clone(),
            TypedExpr::Property(p) => field_value(self.field(p), p.ty()),
            TypedExpr::Count(p) => match elements(self.field(p)) {
                Some(items) => Value::Int(items.len() as i64),
                None => Value::Null,
            },
            TypedExpr::Not(u) => ops::from_truth(not3(ops::truth(&self.value(u.operand())))),
            TypedExpr::Neg(u) => ops::negate(&self.value(u.operand())),
            TypedExpr::Logical(l) => {
                let op = l.op();
                let mut acc = Some(op == LogicalOp::And);
                for operand in l.operands() {
                    acc = op.apply(acc, ops::truth(&self.value(operand)));
                }
                ops::from_truth(acc)
            }
            TypedExpr::Compare(c) => {
                let op = c.op();
                let null = |e: &TypedExpr| e.as_literal().is_some_and(|l| l.value().is_null());
                let path = match (c.left(), c.right()) {
                    (TypedExpr::Property(p), r) if null(r) => Some(p),
                    (l, TypedExpr::Property(p)) if null(l) => Some(p),
                    _ => None,
                };
                match path {
                    // `x eq null` on a complex or collection value asks whether it is there at all.
                    Some(p) if op.is_equality() => {
                        let is_null = field_is_null(self.field(p), p.ty());
                        Value::Boolean(is_null == (op == CompareOp::Eq))
                    }
                    _ => {
                        let a = self.value(c.left());
                        let b = self.value(c.right());
                        Value::Boolean(ops::compare(op, &a, &b))
                    }
                }
            }
            TypedExpr::Arithmetic(a) => {
                let l = self.value(a.left());
                let r = self.value(a.right());
                ops::arith(a.op(), &l, &r)
            }
            TypedExpr::Has(h) => {
                let a = self.value(h.operand());
                ops::from_truth(ops::has(&a, &Value::Enum(h.flags().clone())))
            }
            TypedExpr::In(i) => {
                let v = self.value(i.operand());
                let found = match i.set() {
                    InSet::Values(list) => list.iter().any(|e| ops::compare(CompareOp::Eq, &v, e)),
                    InSet::Collection(p) => {
                        let elem_ty = p.ty().element_type().cloned().unwrap_or(p.ty().clone());
                        elements(self.field(p)).is_some_and(|items| {
                            items
                                .into_iter()
                                .any(|f| ops::compare(CompareOp::Eq, &v, &field_value(f, &elem_ty)))
                        })
                    }
                };
                Value::Boolean(found)
            }
            TypedExpr::Call(c) => {
                let args: Vec<Value> = c.args().iter().map(|a| self.value(a)).collect();
                crate::semantics::functions::call(c.function(), &args, &self.now)
            }
            TypedExpr::Lambda(l) => {
                // A null or absent collection is empty.
                let items = elements(self.field(l.collection())).unwrap_or_default();
                let kind = l.kind();
                let Some(body) = l.predicate() else {
                    return Value::Boolean(match kind {
                        LambdaKind::Any => !items.is_empty(),
                        LambdaKind::All => true,
                    });
                };
                let op = match kind {
                    LambdaKind::Any => LogicalOp::Or,
                    LambdaKind::All => LogicalOp::And,
                };
                let mut acc = Some(op == LogicalOp::And);
                for item in items {
                    self.vars.push(item);
                    let t = ops::truth(&self.value(body));
                    self.vars.pop();
                    acc = op.apply(acc, t);
                }
                ops::from_truth(acc)
            }
            TypedExpr::Cast(c) => ops::cast(&self.value(c.operand()), c.target()),
            TypedExpr::IsOf(c) => Value::Boolean(ops::is_of(&self.value(c.operand()), c.target())),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn null_property_example() {
        use crate::eval::interp::evaluate;
        use crate::mde::machine_actions;
        use crate::validate::{validate_text, ValidateOptions};
        let f = validate_text(
            "machineId eq null",
            machine_actions(),
            &ValidateOptions::default(),
        )
        .unwrap();
        // On a record without machineId: true.
        assert_eq!(evaluate(&f, &serde_json::json!({})), Some(true));
    }

    /// `TypedFilter::matches`: the interpreter's yes/no for a JSON record, null counting as no.
    #[test]
    fn typed_filter_matches_by_the_interpreter() {
        use crate::mde::machine_actions;
        use crate::validate::{validate_text, ValidateOptions};
        let f = validate_text(
            "machineId eq null",
            machine_actions(),
            &ValidateOptions::default(),
        )
        .unwrap();
        assert!(f.matches(&serde_json::json!({"id": "x"})));
        assert!(!f.matches(&serde_json::json!({"machineId": "abc"})));
    }
}
