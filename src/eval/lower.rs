//! Lowering: the validator's typed tree ([`TypedExpr`]) to the evaluation IR ([`Node`]), and the
//! entry points that make a validated filter executable.
//!
//! ```
//! use odata_filter::mde::machine_actions;
//! use odata_filter::validate::{validate_text, ValidateOptions};
//! let filter = validate_text(
//!     "status eq 'Succeeded' and type eq 'Isolate'",
//!     machine_actions(),
//!     &ValidateOptions::default(),
//! )
//! .unwrap();
//! let compiled = filter.compile();
//! let records = odata_filter::mde::sample::machine_actions(1000, 1);
//! let n = records.iter().filter(|r| compiled.matches(*r)).count();
//! assert!(n > 0 && n < 1000);
//! assert_eq!(n, records.iter().filter(|r| filter.matches(*r)).count());
//! ```

use std::sync::Arc;

use crate::eval::compile::CompiledFilter;
use crate::eval::interp;
use crate::eval::ir::{InSet, Node, PathExpr, Root, Step};
use crate::eval::record::Record;
use crate::schema::{EdmType, StructuredType};
use crate::validate::{Base, InSet as TypedInSet, LogicalOp, PropertyRef, TypedExpr, TypedFilter};
use crate::value::Value;

/// The evaluation IR of a typed expression.
pub fn lower(e: &TypedExpr) -> Node {
    let b = |e: &TypedExpr| Box::new(lower(e));
    match e {
        TypedExpr::Literal(l) => Node::Literal(l.value().clone()),
        TypedExpr::Property(p) => Node::Path(lower_path(p)),
        TypedExpr::Count(p) => Node::Count(lower_path(p)),
        TypedExpr::Not(u) => Node::Not(b(u.operand())),
        TypedExpr::Neg(u) => Node::Neg(b(u.operand())),
        TypedExpr::Logical(l) => match l.op() {
            LogicalOp::And => Node::And(flatten(e, LogicalOp::And)),
            LogicalOp::Or => Node::Or(flatten(e, LogicalOp::Or)),
        },
        TypedExpr::Compare(c) => Node::Compare(c.op(), b(c.left()), b(c.right())),
        TypedExpr::Arithmetic(a) => Node::Arith(a.op(), b(a.left()), b(a.right())),
        TypedExpr::Has(h) => Node::Has(
            b(h.operand()),
            Box::new(Node::Literal(Value::Enum(h.flags().clone()))),
        ),
        TypedExpr::In(i) => Node::In(
            b(i.operand()),
            match i.set() {
                TypedInSet::Values(v) => InSet::Values(v.clone()),
                TypedInSet::Collection(p) => InSet::Path(lower_path(p)),
            },
        ),
        TypedExpr::Call(c) => Node::Call(c.function(), c.args().iter().map(lower).collect()),
        TypedExpr::Cast(c) => Node::Cast(b(c.operand()), c.target().clone()),
        TypedExpr::IsOf(c) => Node::IsOf(b(c.operand()), c.target().clone()),
        TypedExpr::Lambda(l) => Node::Lambda {
            kind: l.kind(),
            collection: lower_path(l.collection()),
            body: l.predicate().map(|p| Box::new(lower(p))),
        },
    }
}

/// The operands of a chain of one logical operator (`a and b and c` → `[a, b, c]`), in order, walked
/// with an explicit stack: a 500-term chain is 499 levels deep in the typed tree.
fn flatten(e: &TypedExpr, op: LogicalOp) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        match x {
            TypedExpr::Logical(l) if l.op() == op => {
                stack.push(l.right());
                stack.push(l.left());
            }
            other => out.push(lower(other)),
        }
    }
    out
}

/// A resolved property path as an IR path (ids with their canonical names).
pub fn lower_path(p: &PropertyRef) -> PathExpr {
    let mut steps = Vec::with_capacity(p.path().len());
    let mut ty: Option<Arc<StructuredType>> = p.start_type().cloned();
    for id in p.path() {
        let prop = ty.as_ref().and_then(|t| t.property(*id));
        let name: Arc<str> = Arc::from(prop.map_or("", |p| p.name()));
        steps.push(Step {
            index: id.index(),
            name,
        });
        ty = prop.and_then(|p| match p.ty() {
            EdmType::Collection(elem) => elem.as_complex().cloned(),
            other => other.as_complex().cloned(),
        });
    }
    PathExpr {
        root: match p.base() {
            Base::Root => Root::It,
            Base::Variable(v) => Root::Var(v.index()),
        },
        steps,
        ty: p.ty().clone(),
    }
}

impl TypedFilter {
    /// The filter in evaluation IR.
    pub fn to_ir(&self) -> Node {
        lower(self.root())
    }

    /// Compiles the filter for repeated evaluation (`now()` fixed to the current time).
    pub fn compile(&self) -> CompiledFilter {
        CompiledFilter::new(&self.to_ir())
    }

    /// Whether `record` matches, by the reference interpreter (slow; for one-off checks and tests —
    /// use [`TypedFilter::compile`] for many records).
    ///
    /// ```
    /// use odata_filter::mde::machine_actions;
    /// use odata_filter::validate::{validate_text, ValidateOptions};
    /// let f = validate_text("machineId eq null", machine_actions(), &ValidateOptions::default()).unwrap();
    /// assert!(f.matches(&serde_json::json!({"id": "x"})));
    /// assert!(!f.matches(&serde_json::json!({"machineId": "abc"})));
    /// ```
    pub fn matches<R: Record + ?Sized>(&self, record: &R) -> bool {
        interp::evaluate(&self.to_ir(), record) == Some(true)
    }
}
