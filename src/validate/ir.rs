//! The typed IR: what a validated `$filter` means, with every name resolved and every literal typed.
//!
//! Nodes are built only through the checked constructors below (`TypedExpr::compare`,
//! `PropertyRef::root`, …), which the validator and the typed builder both use. They keep the
//! invariants: properties exist (and are filterable unless the options allow all), operand types fit
//! their operators, literals have the type of what they are compared with, `and`/`or` are n-ary with
//! Boolean operands. Back ends (the interpreter, the compiled filter) read the tree through
//! [`TypedFilter::root`] and the accessors of each node; nothing in it needs a string lookup.

use std::fmt;
use std::sync::Arc;

use crate::ast::{BinaryOp, Function, LambdaKind, MEMBERSHIP_PRECEDENCE, UNARY_PRECEDENCE};
use crate::schema::{EdmType, PropertyId, StructuredType};
pub use crate::semantics::{ArithmeticOp, CompareOp, LogicalOp};
use crate::value::{EnumValue, Value};

mod construct;
mod display;

pub(crate) use construct::InvalidNode;
pub(crate) use display::expr_to_string;

static BOOLEAN: EdmType = EdmType::Boolean;
static INT64: EdmType = EdmType::Int64;

/// A validated `$filter`: a Boolean [`TypedExpr`] over one entity type.
///
/// `Display` prints the normalized filter (canonical property names and literals), which parses and
/// validates back to an equal `TypedFilter`:
///
/// ```
/// use odata_filter::mde::machine_actions;
/// use odata_filter::validate::{validate_text, ValidateOptions};
/// let f = validate_text(
///     "Status eq 'Succeeded' and creationdatetimeutc ge 2018-08-01Z",
///     machine_actions(),
///     &ValidateOptions::default(),
/// )
/// .unwrap();
/// assert_eq!(
///     f.to_string(),
///     "status eq 'Succeeded' and creationDateTimeUtc ge 2018-08-01T00:00:00Z"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TypedFilter {
    root: TypedExpr,
    entity_type: Arc<StructuredType>,
    properties: Vec<PropertyId>,
}

impl TypedFilter {
    pub(crate) fn new(root: TypedExpr, entity_type: Arc<StructuredType>) -> Self {
        let mut properties = Vec::new();
        root.collect_root_properties(&mut properties);
        TypedFilter {
            root,
            entity_type,
            properties,
        }
    }

    /// The Boolean expression to evaluate for each record.
    pub fn root(&self) -> &TypedExpr {
        &self.root
    }

    /// The entity type the filter applies to ([`Base::Root`] paths start here).
    pub fn entity_type(&self) -> &Arc<StructuredType> {
        &self.entity_type
    }

    /// The top-level properties of the entity type that the filter reads, in order of first use, each
    /// once.
    ///
    /// ```
    /// use odata_filter::mde::machine_actions;
    /// use odata_filter::validate::{validate_text, ValidateOptions};
    /// let f = validate_text("status eq 'Failed' or type eq 'Isolate' or status eq 'Pending'",
    ///     machine_actions(), &ValidateOptions::default()).unwrap();
    /// let names: Vec<&str> = f.properties().iter()
    ///     .map(|id| f.entity_type().properties()[id.index()].name()).collect();
    /// assert_eq!(names, ["status", "type"]);
    /// ```
    pub fn properties(&self) -> &[PropertyId] {
        &self.properties
    }
}

impl fmt::Display for TypedFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display::write_expr(f, &self.root, &self.entity_type)
    }
}

/// The index of a lambda range variable: 0 for the outermost lambda's variable, 1 for a lambda nested
/// in its predicate, and so on (the lambda nesting depth at which it is bound). An interpreter keeps a
/// stack of current elements and reads entry `index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VarId(u32);

impl VarId {
    /// The nesting depth of the lambda that binds the variable (0 = outermost).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a property path starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Base {
    /// The record being filtered (`status`, `$it/status`).
    Root,
    /// The current element of a lambda's collection (`c/commandStatus`, or `tag` itself).
    Variable(VarId),
}

/// A typed expression node. Each variant wraps a struct whose fields are private; read them with its
/// accessors. [`TypedExpr::ty`] gives any node's type.
///
/// Depth: nesting is at most 200 levels (the validator's guard; parsed filters are bounded by the
/// parser's depth limit, default 100). A chain `a or b or c …` is one n-ary [`TypedExpr::Logical`]
/// node, however long, and never has an operand with the same operator.
#[derive(Clone, Debug, PartialEq)]
pub enum TypedExpr {
    /// A literal value.
    Literal(TypedLiteral),
    /// A property path.
    Property(PropertyRef),
    /// The number of elements of a collection: `commands/$count` (Edm.Int64).
    Count(PropertyRef),
    /// `not x` on a Boolean.
    Not(Unary),
    /// `-x` on a number or duration (never on a numeric literal: the sign is folded into it).
    Neg(Unary),
    /// `a and b and …` / `a or b or …`: n-ary, operands evaluated left to right.
    Logical(Logical),
    /// `eq ne gt ge lt le`.
    Compare(Compare),
    /// `add sub mul div divby mod`.
    Arithmetic(Arithmetic),
    /// `x has 'Flag'`.
    Has(Has),
    /// `x in (…)` or `x in collection`.
    In(In),
    /// A built-in function call other than `cast`/`isof`.
    Call(Call),
    /// `cast(x, Type)`.
    Cast(Cast),
    /// `isof(x, Type)`.
    IsOf(Cast),
    /// `collection/any(…)` or `collection/all(…)`.
    Lambda(TypedLambda),
}

impl TypedExpr {
    /// The node's type; `None` only for an untyped `null` (one compared with another `null`).
    pub fn ty(&self) -> Option<&EdmType> {
        match self {
            TypedExpr::Literal(l) => l.ty.as_ref(),
            TypedExpr::Property(p) => Some(&p.ty),
            TypedExpr::Count(_) => Some(&INT64),
            TypedExpr::Not(_)
            | TypedExpr::Logical(_)
            | TypedExpr::Compare(_)
            | TypedExpr::Has(_)
            | TypedExpr::In(_)
            | TypedExpr::IsOf(_)
            | TypedExpr::Lambda(_) => Some(&BOOLEAN),
            TypedExpr::Neg(u) => u.operand.ty(),
            TypedExpr::Arithmetic(a) => a.ty.as_ref(),
            TypedExpr::Call(c) => Some(&c.ty),
            TypedExpr::Cast(c) => Some(&c.target),
        }
    }

    /// The literal, if this node is one.
    pub fn as_literal(&self) -> Option<&TypedLiteral> {
        match self {
            TypedExpr::Literal(l) => Some(l),
            _ => None,
        }
    }

    /// How tightly the node binds when printed (the AST's table: [`BinaryOp::precedence`]).
    fn precedence(&self) -> u8 {
        const ATOM: u8 = MEMBERSHIP_PRECEDENCE + 1;
        match self {
            TypedExpr::Logical(l) => l.op.binary().precedence(),
            TypedExpr::Compare(c) => c.op.binary().precedence(),
            TypedExpr::Arithmetic(a) => a.op.binary().precedence(),
            TypedExpr::Not(_) | TypedExpr::Neg(_) => UNARY_PRECEDENCE,
            TypedExpr::Has(_) => BinaryOp::Has.precedence(),
            TypedExpr::In(_) => MEMBERSHIP_PRECEDENCE,
            // A negative number prints with its sign, like a negation.
            TypedExpr::Literal(TypedLiteral {
                value: Value::Int(i),
                ..
            }) if *i < 0 => UNARY_PRECEDENCE,
            TypedExpr::Literal(TypedLiteral {
                value: Value::Decimal(d),
                ..
            }) if d.is_sign_negative() => UNARY_PRECEDENCE,
            TypedExpr::Literal(TypedLiteral {
                value: Value::Double(d),
                ..
            }) if d.is_sign_negative() && !d.is_nan() => UNARY_PRECEDENCE,
            _ => ATOM,
        }
    }

    /// Pushes the top-level properties read by this tree.
    fn collect_root_properties(&self, out: &mut Vec<PropertyId>) {
        enum Item<'a> {
            Expr(&'a TypedExpr),
            Prop(&'a PropertyRef),
        }
        let mut stack: Vec<Item<'_>> = vec![Item::Expr(self)];
        // Children are pushed right to left so that properties come out in order of first use.
        while let Some(item) = stack.pop() {
            let e = match item {
                Item::Prop(p) => {
                    if let (Base::Root, Some(first)) = (p.base, p.path.first()) {
                        if !out.contains(first) {
                            out.push(*first);
                        }
                    }
                    continue;
                }
                Item::Expr(e) => e,
            };
            match e {
                TypedExpr::Literal(_) => {}
                TypedExpr::Property(p) | TypedExpr::Count(p) => stack.push(Item::Prop(p)),
                TypedExpr::Not(u) | TypedExpr::Neg(u) => stack.push(Item::Expr(&u.operand)),
                TypedExpr::Logical(l) => stack.extend(l.operands.iter().rev().map(Item::Expr)),
                TypedExpr::Compare(b) => {
                    stack.push(Item::Expr(&b.right));
                    stack.push(Item::Expr(&b.left));
                }
                TypedExpr::Arithmetic(b) => {
                    stack.push(Item::Expr(&b.right));
                    stack.push(Item::Expr(&b.left));
                }
                TypedExpr::Has(h) => stack.push(Item::Expr(&h.operand)),
                TypedExpr::In(i) => {
                    if let InSet::Collection(p) = &i.set {
                        stack.push(Item::Prop(p));
                    }
                    stack.push(Item::Expr(&i.operand));
                }
                TypedExpr::Call(c) => stack.extend(c.args.iter().rev().map(Item::Expr)),
                TypedExpr::Cast(c) | TypedExpr::IsOf(c) => stack.push(Item::Expr(&c.operand)),
                TypedExpr::Lambda(l) => {
                    if let Some(p) = &l.predicate {
                        stack.push(Item::Expr(p));
                    }
                    stack.push(Item::Prop(&l.collection));
                }
            }
        }
    }
}

/// A typed literal.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedLiteral {
    value: Value,
    ty: Option<EdmType>,
}

impl TypedLiteral {
    /// The value (already converted to the type it is compared with: a quoted enum member is a
    /// [`Value::Enum`], `2018-08-01Z` a [`Value::DateTimeOffset`], …).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Its type; `None` for an untyped `null`.
    pub fn ty(&self) -> Option<&EdmType> {
        self.ty.as_ref()
    }
}

/// A resolved property path: a base, then property ids each relative to the previous segment's type.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyRef {
    base: Base,
    /// The structured type the first id belongs to (`None` when the base is a variable over primitive
    /// elements, whose path is empty).
    start: Option<Arc<StructuredType>>,
    path: Vec<PropertyId>,
    ty: EdmType,
    nullable: bool,
}

impl PropertyRef {
    /// Where the path starts.
    pub fn base(&self) -> Base {
        self.base
    }

    /// The property ids, outermost first. Empty for a bare range variable (`tag` in
    /// `machineTags/any(tag: tag eq 'x')`).
    pub fn path(&self) -> &[PropertyId] {
        &self.path
    }

    /// The structured type the first id of [`PropertyRef::path`] indexes into.
    pub fn start_type(&self) -> Option<&Arc<StructuredType>> {
        self.start.as_ref()
    }

    /// The type of the value at the end of the path.
    pub fn ty(&self) -> &EdmType {
        &self.ty
    }

    /// True when the value may be null (some segment is nullable).
    pub fn is_nullable(&self) -> bool {
        self.nullable
    }

    /// The canonical path text: `relatedFileInfo/fileIdentifier`.
    pub fn path_text(&self) -> String {
        let mut out = String::new();
        let mut ty = self.start.clone();
        for id in &self.path {
            let Some(prop) = ty.as_ref().and_then(|t| t.property(*id)) else {
                break;
            };
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(prop.name());
            ty = prop.ty().as_complex().cloned();
        }
        out
    }
}

/// The operand of `not` or unary `-`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unary {
    operand: Box<TypedExpr>,
}

impl Unary {
    /// The operand.
    pub fn operand(&self) -> &TypedExpr {
        &self.operand
    }
}

/// `and` or `or` over two or more Boolean operands, none of which has the same operator.
#[derive(Clone, Debug, PartialEq)]
pub struct Logical {
    op: LogicalOp,
    operands: Vec<TypedExpr>,
}

impl Logical {
    /// The operator.
    pub fn op(&self) -> LogicalOp {
        self.op
    }
    /// The operands (Boolean), in order: at least two.
    pub fn operands(&self) -> &[TypedExpr] {
        &self.operands
    }
}

/// A comparison of two operands of one (promoted) type.
#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    op: CompareOp,
    left: Box<TypedExpr>,
    right: Box<TypedExpr>,
    operand_type: Option<EdmType>,
}

impl Compare {
    /// The operator.
    pub fn op(&self) -> CompareOp {
        self.op
    }
    /// The left operand.
    pub fn left(&self) -> &TypedExpr {
        &self.left
    }
    /// The right operand.
    pub fn right(&self) -> &TypedExpr {
        &self.right
    }
    /// The type both operands are compared as, after numeric promotion (`Edm.Int64` for an `Int32`
    /// property compared with an `Int64` literal); `None` for `null eq null`.
    pub fn operand_type(&self) -> Option<&EdmType> {
        self.operand_type.as_ref()
    }
}

/// An arithmetic operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Arithmetic {
    op: ArithmeticOp,
    left: Box<TypedExpr>,
    right: Box<TypedExpr>,
    ty: Option<EdmType>,
}

impl Arithmetic {
    /// The operator.
    pub fn op(&self) -> ArithmeticOp {
        self.op
    }
    /// The left operand.
    pub fn left(&self) -> &TypedExpr {
        &self.left
    }
    /// The right operand.
    pub fn right(&self) -> &TypedExpr {
        &self.right
    }
    /// The result type (numeric promotion, or the date-time rules: DateTimeOffset `sub` DateTimeOffset is
    /// a Duration, …); `None` for `null add null`.
    pub fn ty(&self) -> Option<&EdmType> {
        self.ty.as_ref()
    }
}

/// `operand has flags`.
#[derive(Clone, Debug, PartialEq)]
pub struct Has {
    operand: Box<TypedExpr>,
    flags: EnumValue,
}

impl Has {
    /// The enum-typed operand.
    pub fn operand(&self) -> &TypedExpr {
        &self.operand
    }
    /// The flags tested (of the operand's enum type).
    pub fn flags(&self) -> &EnumValue {
        &self.flags
    }
}

/// The right side of `in`.
#[derive(Clone, Debug, PartialEq)]
pub enum InSet {
    /// A list of literals, each of the operand's type (may be empty).
    Values(Vec<Value>),
    /// A collection-valued property of the operand's element type.
    Collection(PropertyRef),
}

/// `operand in set`.
#[derive(Clone, Debug, PartialEq)]
pub struct In {
    operand: Box<TypedExpr>,
    set: InSet,
}

impl In {
    /// The value tested.
    pub fn operand(&self) -> &TypedExpr {
        &self.operand
    }
    /// The set.
    pub fn set(&self) -> &InSet {
        &self.set
    }
}

/// A built-in function call with type-checked arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    function: Function,
    args: Vec<TypedExpr>,
    ty: EdmType,
}

impl Call {
    /// The function.
    pub fn function(&self) -> Function {
        self.function
    }
    /// The arguments (their count fits the function's arity).
    pub fn args(&self) -> &[TypedExpr] {
        &self.args
    }
    /// The result type.
    pub fn ty(&self) -> &EdmType {
        &self.ty
    }
}

/// `cast(operand, target)` or `isof(operand, target)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cast {
    operand: Box<TypedExpr>,
    target: EdmType,
}

impl Cast {
    /// The value cast or tested.
    pub fn operand(&self) -> &TypedExpr {
        &self.operand
    }
    /// The target type (a primitive or enum type).
    pub fn target(&self) -> &EdmType {
        &self.target
    }
}

/// `collection/any(var: predicate)`, `collection/all(var: predicate)` or `collection/any()`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedLambda {
    kind: LambdaKind,
    collection: PropertyRef,
    variable: VarId,
    name: String,
    predicate: Option<Box<TypedExpr>>,
}

impl TypedLambda {
    /// `any` or `all`.
    pub fn kind(&self) -> LambdaKind {
        self.kind
    }
    /// The collection iterated (its type is a `Collection(…)`).
    pub fn collection(&self) -> &PropertyRef {
        &self.collection
    }
    /// The range variable bound to each element.
    pub fn variable(&self) -> VarId {
        self.variable
    }
    /// The range variable's name as written (for printing).
    pub fn variable_name(&self) -> &str {
        &self.name
    }
    /// The Boolean predicate; `None` for `any()`.
    pub fn predicate(&self) -> Option<&TypedExpr> {
        self.predicate.as_deref()
    }
}
