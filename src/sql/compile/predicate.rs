//! Boolean SQL: two-valued comparisons with their null guards, `in` lists, `any`/`all` over stored
//! collections, `isof`.

use crate::ast::{Function, LambdaKind};
use crate::error::Error;
use crate::schema::EdmType;
use crate::sql::layout::sql_string;
use crate::sql::{Param, SqlType};
use crate::validate::{CompareOp, InSet, LogicalOp, TypedExpr, TypedLambda};
use crate::value::Value;

use super::{Compiler, Kind, FALSE, TRUE};

impl Compiler<'_> {
    /// A Boolean expression whose SQL truth (true / false / NULL) is the evaluator's.
    pub(super) fn boolean(&mut self, e: &TypedExpr) -> Result<String, Error> {
        match e {
            TypedExpr::Logical(l) => {
                let op = l.op();
                let mut parts = Vec::with_capacity(l.operands().len());
                for operand in l.operands() {
                    parts.push(self.boolean(operand)?);
                }
                let sep = match op {
                    LogicalOp::And => " AND ",
                    LogicalOp::Or => " OR ",
                };
                Ok(format!("({})", parts.join(sep)))
            }
            TypedExpr::Not(u) => Ok(format!("(NOT {})", self.boolean(u.operand())?)),
            TypedExpr::Literal(l) => Ok(match l.value() {
                Value::Boolean(b) => self.bind(Param::Bool(*b)),
                Value::Null => self.bind(Param::Null(SqlType::Bool)),
                _ => return Err(self.unsupported(e, "this literal")),
            }),
            TypedExpr::Property(_) => {
                let s = self.scalar(e)?;
                match s.kind {
                    Kind::Bool => Ok(s.sql),
                    _ => Err(self.unsupported(e, "this property as a condition")),
                }
            }
            TypedExpr::Compare(c) => self.compare(e, c.op(), c.left(), c.right()),
            TypedExpr::In(i) => self.in_list(e, i.operand(), i.set()),
            TypedExpr::Call(c) => match c.function() {
                Function::Contains | Function::StartsWith | Function::EndsWith => {
                    let [a, b] = c.args() else {
                        return Err(self.unsupported(e, "this call"));
                    };
                    let a = self.string(a)?;
                    let b = self.string(b)?;
                    Ok(match c.function() {
                        Function::Contains => format!("({} > 0)", self.d.position(&a.sql, &b.sql)),
                        Function::StartsWith => {
                            format!("(substr({}, 1, length({})) = {})", a.sql, b.sql, b.sql)
                        }
                        _ => format!(
                            "(length({a}) >= length({b}) AND substr({a}, length({a}) - length({b}) + 1) = {b})",
                            a = a.sql,
                            b = b.sql
                        ),
                    })
                }
                Function::MatchesPattern => {
                    let [a, b] = c.args() else {
                        return Err(self.unsupported(e, "this call"));
                    };
                    let a = self.string(a)?;
                    let b = self.string(b)?;
                    match self.d.matches_pattern(&a.sql, &b.sql) {
                        Some(sql) => Ok(sql),
                        None => Err(self.unsupported(
                            e,
                            "matchesPattern() (its regular expressions differ from the engine's)",
                        )),
                    }
                }
                _ => {
                    let s = self.scalar(e)?;
                    match s.kind {
                        Kind::Bool => Ok(s.sql),
                        _ => Err(self.unsupported(e, "this call as a condition")),
                    }
                }
            },
            TypedExpr::Has(h) => {
                let x = self.scalar(h.operand())?;
                let (Kind::Enum(ty), false) = (&x.kind, h.flags().ty.is_flags()) else {
                    return Err(self.unsupported(e, "'has' on this value"));
                };
                // The member's underlying value (schema text) AND the bound flags.
                let mut values = format!("CASE {}", x.sql);
                for m in ty.members() {
                    values.push_str(&format!(
                        " WHEN {} THEN {}",
                        sql_string(m.name()),
                        m.value()
                    ));
                }
                values.push_str(" END");
                let flags = self.bind(Param::Int(h.flags().value));
                Ok(format!("(({values}) & {flags}) = {flags}"))
            }
            TypedExpr::Lambda(l) => self.lambda(e, l),
            TypedExpr::IsOf(c) => self.is_of(e, c.operand(), c.target()),
            _ => Err(self.unsupported(e, "this expression")),
        }
    }

    pub(super) fn compare(
        &mut self,
        e: &TypedExpr,
        op: CompareOp,
        left: &TypedExpr,
        right: &TypedExpr,
    ) -> Result<String, Error> {
        let is_null =
            |x: &TypedExpr| matches!(x.as_literal().map(|l| l.value()), Some(Value::Null));
        let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
        match (is_null(left), is_null(right)) {
            (true, true) => return Ok(if op == CompareOp::Eq { TRUE } else { FALSE }.into()),
            (true, false) | (false, true) => {
                if !equality {
                    // `gt`/`lt`/… with a null operand is false.
                    return Ok(FALSE.into());
                }
                let other = self.scalar(if is_null(left) { right } else { left })?;
                let test = if op == CompareOp::Eq {
                    "IS NULL"
                } else {
                    "IS NOT NULL"
                };
                return Ok(format!("({} {test})", other.sql));
            }
            (false, false) => {}
        }
        if let Some(sql) = self.compare_fraction(e, op, left, right)? {
            return Ok(sql);
        }
        let a = self.scalar(left)?;
        let b = self.scalar(right)?;
        if !a.kind.same(&b.kind) {
            return Err(self.unsupported(e, "comparing these types"));
        }
        let (x, y) = if equality {
            (a.sql.clone(), b.sql.clone())
        } else {
            (self.ordered(&a), self.ordered(&b))
        };
        let sym = match op {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
        };
        let cmp = format!("{x} {sym} {y}");
        let (an, bn) = (&a.sql, &b.sql);
        Ok(match (op, a.nullable, b.nullable) {
            (_, false, false) => cmp,
            (CompareOp::Eq, true, true) => {
                format!("COALESCE({an} = {bn}, {an} IS NULL AND {bn} IS NULL)")
            }
            (CompareOp::Ne, true, true) => {
                format!("(NOT COALESCE({an} = {bn}, {an} IS NULL AND {bn} IS NULL))")
            }
            (CompareOp::Ne, true, false) => format!("({cmp} OR {an} IS NULL)"),
            (CompareOp::Ne, false, true) => format!("({cmp} OR {bn} IS NULL)"),
            (_, true, false) => format!("({cmp} AND {an} IS NOT NULL)"),
            (_, false, true) => format!("({cmp} AND {bn} IS NOT NULL)"),
            (_, true, true) => format!("({cmp} AND {an} IS NOT NULL AND {bn} IS NOT NULL)"),
        })
    }

    /// `fractionalseconds(x) op d` (either side) with a numeric literal `d`: the stored
    /// nanoseconds `n` against `k = d × 10⁹`, exactly: `n = k` is `n = floor(k) AND n = ceil(k)`,
    /// `n > k` is `n > floor(k)`, `n >= k` is `n >= ceil(k)`, and so on (the text does not depend
    /// on whether `k` is whole).
    pub(super) fn compare_fraction(
        &mut self,
        e: &TypedExpr,
        op: CompareOp,
        left: &TypedExpr,
        right: &TypedExpr,
    ) -> Result<Option<String>, Error> {
        let is_fraction = |x: &TypedExpr| matches!(x, TypedExpr::Call(c) if c.function() == Function::FractionalSeconds);
        let (x, lit, op) = match (left, right) {
            (l, TypedExpr::Literal(r)) if is_fraction(l) => (l, r, op),
            (TypedExpr::Literal(l), r) if is_fraction(r) => (r, l, op.flip()),
            _ if is_fraction(left) || is_fraction(right) => {
                return Err(self.unsupported(e, "fractionalseconds() compared with a non-literal"))
            }
            _ => return Ok(None),
        };
        let k = match lit.value() {
            Value::Decimal(d) => d.checked_mul(rust_decimal::Decimal::from(1_000_000_000)),
            Value::Int(i) => rust_decimal::Decimal::from(*i).checked_mul(1_000_000_000.into()),
            _ => return Err(self.unsupported(e, "fractionalseconds() compared with this literal")),
        };
        let Some(k) = k else {
            return Err(self.unsupported(e, "fractionalseconds() compared with this literal"));
        };
        let clamp = |d: rust_decimal::Decimal| {
            use rust_decimal::prelude::ToPrimitive;
            d.to_i64().unwrap_or(if d.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
        };
        let (floor, ceil) = (clamp(k.floor()), clamp(k.ceil()));
        let n = self.scalar(x)?;
        let (n_sql, nullable) = (n.sql, n.nullable);
        let mut bound = |v: i64| self.bind(Param::Int(v));
        let cmp = match op {
            CompareOp::Eq | CompareOp::Ne => {
                let (f, c) = (bound(floor), bound(ceil));
                format!("({n_sql} = {f} AND {n_sql} = {c})")
            }
            CompareOp::Gt => format!("{n_sql} > {}", bound(floor)),
            CompareOp::Ge => format!("{n_sql} >= {}", bound(ceil)),
            CompareOp::Lt => format!("{n_sql} < {}", bound(ceil)),
            CompareOp::Le => format!("{n_sql} <= {}", bound(floor)),
        };
        Ok(Some(match (op, nullable) {
            (CompareOp::Ne, false) => format!("(NOT {cmp})"),
            (CompareOp::Ne, true) => format!("(NOT COALESCE({cmp}, {FALSE}))"),
            (_, false) => cmp,
            (_, true) => format!("({cmp} AND {n_sql} IS NOT NULL)"),
        }))
    }

    pub(super) fn in_list(
        &mut self,
        e: &TypedExpr,
        operand: &TypedExpr,
        set: &InSet,
    ) -> Result<String, Error> {
        let x = self.scalar(operand)?;
        let values = match set {
            InSet::Values(values) => values,
            InSet::Collection(p) => {
                let c = self.property(e, p)?;
                let Kind::Collection(elem) = &c.kind else {
                    return Err(self.unsupported(e, "'in' with this collection"));
                };
                if !elem.same(&x.kind) {
                    return Err(self.unsupported(e, "'in' with this collection"));
                }
                // Membership by `eq`, so a null value is found when the collection holds a null.
                let alias = format!("j{}", self.vars.len());
                let v = format!("{alias}.value");
                let test = if x.nullable {
                    format!(
                        "COALESCE({v} = {x}, {v} IS NULL AND {x} IS NULL)",
                        x = x.sql
                    )
                } else {
                    format!("{v} = {}", x.sql)
                };
                return Ok(format!(
                    "EXISTS (SELECT 1 FROM {} WHERE {test})",
                    self.d.json_elements(&c.sql, &alias)
                ));
            }
        };
        let mut items = Vec::new();
        let mut null = false;
        for v in values {
            if v.is_null() {
                null = true;
                continue;
            }
            let s = self.value(e, v)?;
            if !s.kind.same(&x.kind) {
                return Err(self.unsupported(e, "this 'in' list"));
            }
            items.push(s.sql);
        }
        let member = match (items.is_empty(), x.nullable) {
            (true, _) => None,
            (false, false) => Some(format!("{} IN ({})", x.sql, items.join(", "))),
            (false, true) => Some(format!(
                "({} IN ({}) AND {} IS NOT NULL)",
                x.sql,
                items.join(", "),
                x.sql
            )),
        };
        Ok(match (member, null) {
            (None, false) => FALSE.into(),
            (None, true) => format!("({} IS NULL)", x.sql),
            (Some(m), false) => m,
            (Some(m), true) => format!("({m} OR {} IS NULL)", x.sql),
        })
    }

    /// `any`/`all` over a stored collection, three-valued as the evaluator folds `or`/`and` over
    /// the elements: each element's truth is coded 0 (false), 1 (null), 2 (true) once, and `MAX`
    /// (any) or `MIN` (all) combines them, so the predicate's text appears once.
    pub(super) fn lambda(&mut self, e: &TypedExpr, l: &TypedLambda) -> Result<String, Error> {
        let c = self.property(e, l.collection())?;
        let Kind::Collection(elem) = c.kind else {
            return Err(self.unsupported(e, "any()/all() over this collection"));
        };
        let alias = format!("j{}", self.vars.len());
        let from = self.d.json_elements(&c.sql, &alias);
        let Some(body) = l.predicate() else {
            return Ok(match l.kind() {
                LambdaKind::Any => format!("EXISTS (SELECT 1 FROM {from})"),
                LambdaKind::All => TRUE.into(),
            });
        };
        if l.variable().index() != self.vars.len() {
            return Err(self.unsupported(e, "this lambda variable"));
        }
        self.vars.push(*elem);
        let p = self.boolean(body);
        self.vars.pop();
        let p = p?;
        let code = format!("COALESCE(CAST({p} AS INTEGER) * 2, 1)");
        Ok(match l.kind() {
            LambdaKind::Any => format!(
                "CASE (SELECT MAX({code}) FROM {from}) WHEN 2 THEN {TRUE} WHEN 1 THEN NULL ELSE {FALSE} END"
            ),
            LambdaKind::All => format!(
                "CASE (SELECT MIN({code}) FROM {from}) WHEN 0 THEN {FALSE} WHEN 1 THEN NULL ELSE {TRUE} END"
            ),
        })
    }

    /// `isof(x, T)`: true for a non-null value of type `T` (integers: in `T`'s range).
    pub(super) fn is_of(
        &mut self,
        e: &TypedExpr,
        x: &TypedExpr,
        target: &EdmType,
    ) -> Result<String, Error> {
        let s = self.scalar(x)?;
        let same = match (&s.kind, target) {
            (Kind::Str, EdmType::String)
            | (Kind::Guid, EdmType::Guid)
            | (Kind::Instant, EdmType::DateTimeOffset)
            | (Kind::Bool, EdmType::Boolean)
            | (Kind::Date, EdmType::Date)
            | (Kind::TimeOfDay, EdmType::TimeOfDay)
            | (Kind::Int, EdmType::Int64 | EdmType::Decimal | EdmType::Double | EdmType::Single) => {
                Some(true)
            }
            (Kind::Enum(a), EdmType::Enum(b)) => Some(a == b),
            (Kind::Int, t) if t.is_integer() => None,
            (Kind::Str | Kind::Guid | Kind::Instant | Kind::Bool | Kind::Enum(_), _) => Some(false),
            _ => return Err(self.unsupported(e, "isof() of this value")),
        };
        Ok(match same {
            Some(true) => format!("({} IS NOT NULL)", s.sql),
            Some(false) => FALSE.into(),
            None => {
                let (lo, hi) = match target {
                    EdmType::Byte => (0, i64::from(u8::MAX)),
                    EdmType::SByte => (i64::from(i8::MIN), i64::from(i8::MAX)),
                    EdmType::Int16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
                    EdmType::Int32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
                    _ => (i64::MIN, i64::MAX),
                };
                // The type's range is a schema fact, not a user value; `isof` is two-valued.
                format!("COALESCE({} BETWEEN {lo} AND {hi}, {FALSE})", s.sql)
            }
        })
    }
}
