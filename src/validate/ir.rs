//! The typed IR: what a validated `$filter` means, with every name resolved and every literal typed.
//!
//! Nodes are built only by the validator (and the typed builder), through constructors that keep the
//! invariants: properties exist, operand types fit their operators, literals have the type of what they
//! are compared with. Back ends read the tree through [`TypedFilter::root`] and the accessors of each
//! node; nothing in it needs a string lookup.

use std::fmt;
use std::sync::Arc;

use crate::ast::{Function, LambdaKind};
use crate::schema::{EdmType, PropertyId, StructuredType};
use crate::value::{EnumValue, Value};

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
        let mut p = Printer {
            entity_type: &self.entity_type,
            vars: Vec::new(),
        };
        p.expr(f, &self.root, 0)
    }
}

/// The index of a lambda range variable: 0 for the outermost lambda's variable, 1 for a lambda nested
/// in its predicate, and so on (the lambda nesting depth at which it is bound). An interpreter keeps a
/// stack of current elements and reads entry `index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VarId(pub(crate) u32);

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
/// Depth: nesting other than `and`/`or` chains is at most 200 levels (the validator's guard; parsed
/// filters are bounded by the parser's depth limit, default 100). A chain `a or b or c …` is a
/// left-nested [`TypedExpr::Logical`] as deep as it is long (up to ~500 within the parser's default node
/// limit): walkers that recurse should loop down the left spine of same-operator chains, as the
/// validator and printer do.
#[derive(Clone, Debug, PartialEq)]
pub enum TypedExpr {
    /// A literal value.
    Literal(Literal),
    /// A property path.
    Property(PropertyRef),
    /// The number of elements of a collection: `commands/$count` (Edm.Int64).
    Count(PropertyRef),
    /// `not x` on a Boolean.
    Not(Unary),
    /// `-x` on a number or duration (never on a numeric literal: the sign is folded into it).
    Neg(Unary),
    /// `and` / `or`.
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
    Lambda(Lambda),
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
    pub fn as_literal(&self) -> Option<&Literal> {
        match self {
            TypedExpr::Literal(l) => Some(l),
            _ => None,
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            TypedExpr::Logical(l) => match l.op {
                LogicalOp::Or => 1,
                LogicalOp::And => 2,
            },
            TypedExpr::Compare(c) => match c.op {
                CompareOp::Eq | CompareOp::Ne => 3,
                _ => 4,
            },
            TypedExpr::Arithmetic(a) => match a.op {
                ArithmeticOp::Add | ArithmeticOp::Sub => 5,
                _ => 6,
            },
            TypedExpr::Not(_) | TypedExpr::Neg(_) => 7,
            TypedExpr::Has(_) | TypedExpr::In(_) => 8,
            TypedExpr::Literal(Literal {
                value: Value::Int(i),
                ..
            }) if *i < 0 => 7,
            TypedExpr::Literal(Literal {
                value: Value::Decimal(d),
                ..
            }) if d.is_sign_negative() => 7,
            TypedExpr::Literal(Literal {
                value: Value::Double(d),
                ..
            }) if d.is_sign_negative() && !d.is_nan() => 7,
            TypedExpr::Literal(Literal {
                value: Value::Duration(d),
                ..
            }) if *d < 0 => 9,
            _ => 9,
        }
    }

    /// Pushes the top-level properties read by this tree (iteratively: long `and`/`or` chains are deep).
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
                TypedExpr::Logical(b) => {
                    stack.push(Item::Expr(&b.right));
                    stack.push(Item::Expr(&b.left));
                }
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
pub struct Literal {
    pub(crate) value: Value,
    pub(crate) ty: Option<EdmType>,
}

impl Literal {
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
    pub(crate) base: Base,
    /// The structured type the first id belongs to (`None` when the base is a variable over primitive
    /// elements, whose path is empty).
    pub(crate) start: Option<Arc<StructuredType>>,
    pub(crate) path: Vec<PropertyId>,
    pub(crate) ty: EdmType,
    pub(crate) nullable: bool,
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
    pub(crate) operand: Box<TypedExpr>,
}

impl Unary {
    /// The operand.
    pub fn operand(&self) -> &TypedExpr {
        &self.operand
    }
}

/// `and` or `or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    /// `and`
    And,
    /// `or`
    Or,
}

/// A logical operation on two Boolean operands.
#[derive(Clone, Debug, PartialEq)]
pub struct Logical {
    pub(crate) op: LogicalOp,
    pub(crate) left: Box<TypedExpr>,
    pub(crate) right: Box<TypedExpr>,
}

impl Logical {
    /// The operator.
    pub fn op(&self) -> LogicalOp {
        self.op
    }
    /// The left operand (Boolean).
    pub fn left(&self) -> &TypedExpr {
        &self.left
    }
    /// The right operand (Boolean).
    pub fn right(&self) -> &TypedExpr {
        &self.right
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

impl CompareOp {
    /// The keyword: `eq`, …
    pub fn keyword(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }
}

/// A comparison of two operands of one (promoted) type.
#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    pub(crate) op: CompareOp,
    pub(crate) left: Box<TypedExpr>,
    pub(crate) right: Box<TypedExpr>,
    pub(crate) operand_type: Option<EdmType>,
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

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div`
    Div,
    /// `divby`
    DivBy,
    /// `mod`
    Mod,
}

impl ArithmeticOp {
    /// The keyword: `add`, …
    pub fn keyword(self) -> &'static str {
        match self {
            ArithmeticOp::Add => "add",
            ArithmeticOp::Sub => "sub",
            ArithmeticOp::Mul => "mul",
            ArithmeticOp::Div => "div",
            ArithmeticOp::DivBy => "divby",
            ArithmeticOp::Mod => "mod",
        }
    }
}

/// An arithmetic operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Arithmetic {
    pub(crate) op: ArithmeticOp,
    pub(crate) left: Box<TypedExpr>,
    pub(crate) right: Box<TypedExpr>,
    pub(crate) ty: Option<EdmType>,
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
    pub(crate) operand: Box<TypedExpr>,
    pub(crate) flags: EnumValue,
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
    pub(crate) operand: Box<TypedExpr>,
    pub(crate) set: InSet,
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
    pub(crate) function: Function,
    pub(crate) args: Vec<TypedExpr>,
    pub(crate) ty: EdmType,
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
    pub(crate) operand: Box<TypedExpr>,
    pub(crate) target: EdmType,
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
pub struct Lambda {
    pub(crate) kind: LambdaKind,
    pub(crate) collection: PropertyRef,
    pub(crate) variable: VarId,
    pub(crate) name: String,
    pub(crate) predicate: Option<Box<TypedExpr>>,
}

impl Lambda {
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

/// Prints the normalized filter text.
struct Printer<'a> {
    entity_type: &'a Arc<StructuredType>,
    /// Names of the range variables in scope, outermost first.
    vars: Vec<&'a str>,
}

impl<'a> Printer<'a> {
    fn expr(&mut self, f: &mut fmt::Formatter<'_>, e: &'a TypedExpr, min: u8) -> fmt::Result {
        let prec = e.precedence();
        if prec < min {
            f.write_str("(")?;
            self.bare(f, e)?;
            f.write_str(")")
        } else {
            self.bare(f, e)
        }
    }

    fn binary(
        &mut self,
        f: &mut fmt::Formatter<'_>,
        e: &'a TypedExpr,
        left: &'a TypedExpr,
        keyword: &str,
        right: &'a TypedExpr,
        qualify: bool,
    ) -> fmt::Result {
        let prec = e.precedence();
        self.operand(f, left, prec, qualify)?;
        write!(f, " {keyword} ")?;
        self.operand(f, right, prec + 1, qualify)
    }

    fn operand(
        &mut self,
        f: &mut fmt::Formatter<'_>,
        e: &'a TypedExpr,
        min: u8,
        qualify: bool,
    ) -> fmt::Result {
        match e {
            TypedExpr::Literal(l) if qualify => {
                if e.precedence() < min {
                    f.write_str("(")?;
                    literal(f, &l.value, true)?;
                    f.write_str(")")
                } else {
                    literal(f, &l.value, true)
                }
            }
            _ => self.expr(f, e, min),
        }
    }

    fn bare(&mut self, f: &mut fmt::Formatter<'_>, e: &'a TypedExpr) -> fmt::Result {
        match e {
            TypedExpr::Literal(l) => literal(f, &l.value, false),
            TypedExpr::Property(p) => self.path(f, p),
            TypedExpr::Count(p) => {
                self.path(f, p)?;
                f.write_str("/$count")
            }
            TypedExpr::Not(u) => {
                f.write_str("not ")?;
                self.expr(f, &u.operand, 7)
            }
            TypedExpr::Neg(u) => {
                f.write_str("-")?;
                // `--x` would not read back; `-(-x)` does.
                let min = if matches!(*u.operand, TypedExpr::Neg(_)) {
                    8
                } else {
                    7
                };
                self.expr(f, &u.operand, min)
            }
            TypedExpr::Logical(l) => {
                let kw = match l.op {
                    LogicalOp::And => "and",
                    LogicalOp::Or => "or",
                };
                // A chain `a or b or c …` is printed in a loop: it is as deep as it is long.
                let mut rights = vec![&*l.right];
                let mut first = &*l.left;
                while let TypedExpr::Logical(inner) = first {
                    if inner.op != l.op {
                        break;
                    }
                    rights.push(&inner.right);
                    first = &inner.left;
                }
                let prec = e.precedence();
                self.expr(f, first, prec)?;
                for r in rights.into_iter().rev() {
                    write!(f, " {kw} ")?;
                    self.expr(f, r, prec + 1)?;
                }
                Ok(())
            }
            TypedExpr::Compare(c) => {
                // Between two literals no property gives an enum literal its type: write it qualified.
                let qualify = c.left.as_literal().is_some() && c.right.as_literal().is_some();
                self.binary(f, e, &c.left, c.op.keyword(), &c.right, qualify)
            }
            TypedExpr::Arithmetic(a) => self.binary(f, e, &a.left, a.op.keyword(), &a.right, false),
            TypedExpr::Has(h) => {
                let qualify = h.operand.as_literal().is_some();
                self.operand(f, &h.operand, 9, qualify)?;
                f.write_str(" has ")?;
                let flags = Value::Enum(h.flags.clone());
                literal(f, &flags, qualify)
            }
            TypedExpr::In(i) => {
                let qualify = i.operand.as_literal().is_some();
                self.operand(f, &i.operand, 9, qualify)?;
                f.write_str(" in ")?;
                match &i.set {
                    InSet::Values(values) => {
                        f.write_str("(")?;
                        for (n, v) in values.iter().enumerate() {
                            if n > 0 {
                                f.write_str(", ")?;
                            }
                            literal(f, v, qualify)?;
                        }
                        f.write_str(")")
                    }
                    InSet::Collection(p) => self.path(f, p),
                }
            }
            TypedExpr::Call(c) => {
                write!(f, "{}(", c.function.name())?;
                for (n, a) in c.args.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    self.expr(f, a, 0)?;
                }
                f.write_str(")")
            }
            TypedExpr::Cast(c) | TypedExpr::IsOf(c) => {
                let name = if matches!(e, TypedExpr::Cast(_)) {
                    "cast"
                } else {
                    "isof"
                };
                write!(f, "{name}(")?;
                self.expr(f, &c.operand, 0)?;
                write!(f, ", {})", c.target)
            }
            TypedExpr::Lambda(l) => {
                self.path(f, &l.collection)?;
                let kw = match l.kind {
                    LambdaKind::Any => "any",
                    LambdaKind::All => "all",
                };
                match &l.predicate {
                    None => write!(f, "/{kw}()"),
                    Some(p) => {
                        write!(f, "/{kw}({}: ", l.name)?;
                        self.vars.push(&l.name);
                        let r = self.expr(f, p, 0);
                        self.vars.pop();
                        r?;
                        f.write_str(")")
                    }
                }
            }
        }
    }

    fn path(&mut self, f: &mut fmt::Formatter<'_>, p: &PropertyRef) -> fmt::Result {
        let mut ty: Option<Arc<StructuredType>> = match p.base {
            Base::Root => Some(Arc::clone(self.entity_type)),
            Base::Variable(_) => p.start.clone(),
        };
        let mut first = true;
        match p.base {
            Base::Variable(v) => {
                let name = self.vars.get(v.index()).copied().unwrap_or("$this");
                // A nested lambda may shadow the name; `$this` is not printable then, but shadowing
                // is rare and only the innermost variable can be shadowed out of reach.
                f.write_str(name)?;
                first = false;
            }
            Base::Root => {
                // Inside a lambda a first segment naming a range variable would read as the variable.
                let shadowed = p.path.first().and_then(|id| {
                    self.entity_type
                        .property(*id)
                        .map(|prop| self.vars.contains(&prop.name()))
                });
                if shadowed == Some(true) {
                    f.write_str("$it")?;
                    first = false;
                }
            }
        }
        for id in &p.path {
            let Some(prop) = ty.as_ref().and_then(|t| t.property(*id)) else {
                break;
            };
            if !first {
                f.write_str("/")?;
            }
            first = false;
            f.write_str(prop.name())?;
            let next = prop.ty().as_complex().cloned().or_else(|| {
                prop.ty()
                    .element_type()
                    .and_then(|t| t.as_complex().cloned())
            });
            ty = next;
        }
        Ok(())
    }
}

/// Writes a value; enum values `qualified` as `Ns.Type'Member'` when nothing else gives them a type.
fn literal(f: &mut fmt::Formatter<'_>, v: &Value, qualified: bool) -> fmt::Result {
    match v {
        Value::Enum(e) if qualified => write!(f, "{}'{}'", e.ty.qualified_name(), e),
        _ => write!(f, "{v}"),
    }
}

/// The canonical text of one expression over `entity_type` (used for `$orderby` keys).
pub(crate) fn expr_to_string(e: &TypedExpr, entity_type: &Arc<StructuredType>) -> String {
    struct Show<'a>(&'a TypedExpr, &'a Arc<StructuredType>);
    impl fmt::Display for Show<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let mut p = Printer {
                entity_type: self.1,
                vars: Vec::new(),
            };
            p.expr(f, self.0, 0)
        }
    }
    Show(e, entity_type).to_string()
}
