//! The typed printer: a [`TypedExpr`] as normalized filter text (canonical property names and
//! literals, parentheses only where the precedence table of [`crate::ast::BinaryOp`] needs them).

use std::fmt;
use std::sync::Arc;

use super::{Base, InSet, PropertyRef, TypedExpr};
use crate::ast::{LambdaKind, MEMBERSHIP_PRECEDENCE, UNARY_PRECEDENCE};
use crate::schema::StructuredType;
use crate::value::Value;

/// Binds tighter than any operator: a path, a literal, a call.
const ATOM: u8 = MEMBERSHIP_PRECEDENCE + 1;

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
                self.expr(f, &u.operand, UNARY_PRECEDENCE)
            }
            TypedExpr::Neg(u) => {
                f.write_str("-")?;
                // `--x` would not read back; `-(-x)` does.
                let min = if matches!(*u.operand, TypedExpr::Neg(_)) {
                    UNARY_PRECEDENCE + 1
                } else {
                    UNARY_PRECEDENCE
                };
                self.expr(f, &u.operand, min)
            }
            TypedExpr::Logical(l) => {
                let prec = e.precedence();
                for (n, operand) in l.operands.iter().enumerate() {
                    if n > 0 {
                        write!(f, " {} ", l.op.keyword())?;
                    }
                    self.expr(f, operand, prec + 1)?;
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
                self.operand(f, &h.operand, ATOM, qualify)?;
                f.write_str(" has ")?;
                let flags = Value::Enum(h.flags.clone());
                literal(f, &flags, qualify)
            }
            TypedExpr::In(i) => {
                let qualify = i.operand.as_literal().is_some();
                self.operand(f, &i.operand, ATOM, qualify)?;
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

/// Writes `e`, an expression over `entity_type`, as canonical filter text.
pub(super) fn write_expr(
    f: &mut fmt::Formatter<'_>,
    e: &TypedExpr,
    entity_type: &Arc<StructuredType>,
) -> fmt::Result {
    Printer {
        entity_type,
        vars: Vec::new(),
    }
    .expr(f, e, 0)
}

/// The canonical text of one expression over `entity_type` (used for `$orderby` keys).
pub(crate) fn expr_to_string(e: &TypedExpr, entity_type: &Arc<StructuredType>) -> String {
    struct Show<'a>(&'a TypedExpr, &'a Arc<StructuredType>);
    impl fmt::Display for Show<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_expr(f, self.0, self.1)
        }
    }
    Show(e, entity_type).to_string()
}
