//! The evaluation IR: a typed, resolved expression tree that both back ends (the reference
//! [`interpreter`](super::interp) and the [`compiled`](super::compile) filter) accept.
//!
//! Every name is already resolved to a schema position ([`Step`]), every literal is a typed
//! [`Value`], and every property path carries its declared [`EdmType`] (needed to read JSON records,
//! whose strings may be Guids, date-times or enum members). The validator's typed tree is lowered into
//! this form (see [`super::lower`]); tests and callers may also build it directly:
//!
//! ```
//! use odata_filter::eval::ir::{Node, PathExpr};
//! use odata_filter::eval::semantics::CmpOp;
//! use odata_filter::schema::EdmType;
//! use odata_filter::value::Value;
//! // requestor eq 'a@b.c'
//! let node = Node::Compare(
//!     CmpOp::Eq,
//!     Box::new(Node::Path(PathExpr::property(3, "requestor", EdmType::String))),
//!     Box::new(Node::Literal(Value::String("a@b.c".into()))),
//! );
//! let record = serde_json::json!({"requestor": "a@b.c"});
//! assert_eq!(odata_filter::eval::interp::evaluate(&node, &record), Some(true));
//! ```

use std::sync::Arc;

use crate::ast::{Function, LambdaKind};
use crate::eval::semantics::{ArithOp, CmpOp};
use crate::schema::EdmType;
use crate::value::Value;

/// Where a path starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// The record the filter is applied to (`$it`, or an implicit path outside lambdas).
    It,
    /// A lambda range variable, by the nesting depth of the lambda that binds it: `Var(0)` is the
    /// outermost lambda's variable, `Var(1)` that of a lambda inside its predicate, and so on.
    Var(usize),
}

/// One property step of a path: the position of the property in its declaring type (its
/// `PropertyId` index) and its canonical name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Position in the declaring structured type's property list.
    pub index: usize,
    /// Canonical (schema) name.
    pub name: Arc<str>,
}

/// A resolved member path and the declared type of what it reaches.
#[derive(Clone, Debug, PartialEq)]
pub struct PathExpr {
    /// Where it starts.
    pub root: Root,
    /// Property steps (empty for a bare range variable or `$it`).
    pub steps: Vec<Step>,
    /// The declared type of the value at the end of the path.
    pub ty: EdmType,
}

impl PathExpr {
    /// A one-step path from the record: the property at `index` named `name`, of type `ty`.
    pub fn property(index: usize, name: &str, ty: EdmType) -> Self {
        PathExpr {
            root: Root::It,
            steps: vec![Step {
                index,
                name: Arc::from(name),
            }],
            ty,
        }
    }
}

/// The right side of `in`.
#[derive(Clone, Debug, PartialEq)]
pub enum InSet {
    /// A list of literals (already converted to the operand's type).
    Values(Vec<Value>),
    /// A collection-valued path.
    Path(PathExpr),
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A constant.
    Literal(Value),
    /// A property path.
    Path(PathExpr),
    /// `path/$count`.
    Count(PathExpr),
    /// `not x` (Boolean).
    Not(Box<Node>),
    /// `-x` (numeric or duration).
    Neg(Box<Node>),
    /// `a and b and …`: n-ary, so that a long chain is a flat list, not a deep tree (operands are
    /// evaluated left to right; the result is Kleene conjunction).
    And(Vec<Node>),
    /// `a or b or …`, n-ary like [`Node::And`].
    Or(Vec<Node>),
    /// `a eq b`, `a lt b`, ….
    Compare(CmpOp, Box<Node>, Box<Node>),
    /// `a add b`, ….
    Arith(ArithOp, Box<Node>, Box<Node>),
    /// `a has b` (enum flags).
    Has(Box<Node>, Box<Node>),
    /// `a in (…)` / `a in path`.
    In(Box<Node>, InSet),
    /// A built-in function call (arguments typed; `cast`/`isof` use [`Node::Cast`]/[`Node::IsOf`]).
    Call(Function, Vec<Node>),
    /// `path/any(x: body)`, `path/all(x: body)`, `path/any()`.
    Lambda {
        /// `any` or `all`.
        kind: LambdaKind,
        /// The collection.
        collection: PathExpr,
        /// The predicate, in which `Root::Var(d)` is the element, `d` being this lambda's nesting depth.
        body: Option<Box<Node>>,
    },
    /// `cast(x, Type)`.
    Cast(Box<Node>, EdmType),
    /// `isof(x, Type)`.
    IsOf(Box<Node>, EdmType),
}
