//! Value SQL: columns, bound literals, arithmetic, casts and function calls, and the order keys of
//! `ORDER BY`.

use std::sync::Arc;

use crate::ast::Function;
use crate::error::Error;
use crate::schema::EdmType;
use crate::semantics::ArithmeticOp;
use crate::sql::layout::{instant_param, Column, ColumnKind};
use crate::sql::{Param, SqlType};
use crate::validate::{Base, PropertyRef, TypedExpr};
use crate::value::Value;

use super::{
    days_since_epoch, element_kind, enum_position, nanos_since_midnight, Compiler, Kind, Scalar,
};

impl Compiler<'_> {
    pub(super) fn string(&mut self, e: &TypedExpr) -> Result<Scalar, Error> {
        let s = self.scalar(e)?;
        match s.kind {
            Kind::Str => Ok(s),
            _ => Err(self.unsupported(e, "this argument")),
        }
    }

    /// The SQL that orders `s` as the evaluator does.
    pub(super) fn ordered(&self, s: &Scalar) -> String {
        match &s.kind {
            Kind::Enum(ty) => enum_position(ty, &s.sql),
            Kind::Str | Kind::Guid if !s.column => self.d.ordinal(&s.sql),
            _ => s.sql.clone(),
        }
    }

    pub(super) fn order_key(&self, s: Scalar, descending: bool) -> String {
        let key = self.ordered(&s);
        // Nulls sort first ascending (the evaluator's order); non-null keys get no NULLS clause so
        // that the engine can read an index in order.
        match (descending, s.nullable) {
            (false, false) => format!("{key} ASC"),
            (true, false) => format!("{key} DESC"),
            (false, true) => format!("{key} ASC NULLS FIRST"),
            (true, true) => format!("{key} DESC NULLS LAST"),
        }
    }

    pub(super) fn column_scalar(&self, col: &Column) -> Scalar {
        let q = self.d.quote_ident(&col.name);
        let (kind, offset) = match &col.kind {
            ColumnKind::String { .. } => (Kind::Str, None),
            ColumnKind::Guid => (Kind::Guid, None),
            ColumnKind::Enum(e) => (Kind::Enum(Arc::clone(e)), None),
            ColumnKind::DateTimeOffset => (
                Kind::Instant,
                Some(self.d.quote_ident(&format!("{}@offset", col.name))),
            ),
            ColumnKind::Integer => (Kind::Int, None),
            ColumnKind::Boolean => (Kind::Bool, None),
            ColumnKind::Collection(elem) => (Kind::Collection(Box::new(element_kind(elem))), None),
        };
        Scalar {
            sql: q,
            nullable: col.nullable,
            kind,
            column: true,
            offset,
        }
    }

    /// A bound literal value.
    pub(super) fn value(&mut self, e: &TypedExpr, v: &Value) -> Result<Scalar, Error> {
        let (param, kind) = match v {
            Value::String(s) => (Param::Text(s.clone()), Kind::Str),
            Value::Guid(g) => (Param::Text(g.to_string()), Kind::Guid),
            Value::Enum(en) => match en.member_name() {
                Some(n) => (Param::Text(n.to_string()), Kind::Enum(Arc::clone(&en.ty))),
                None => return Err(self.unsupported(e, "a flags combination")),
            },
            Value::DateTimeOffset(t) => (Param::Int(instant_param(t)), Kind::Instant),
            Value::Int(i) => (Param::Int(*i), Kind::Int),
            Value::Boolean(b) => (Param::Bool(*b), Kind::Bool),
            Value::Date(d) => (Param::Int(days_since_epoch(d)), Kind::Date),
            Value::TimeOfDay(t) => (Param::Int(nanos_since_midnight(t)), Kind::TimeOfDay),
            _ => return Err(self.unsupported(e, "a literal of this type")),
        };
        Ok(Scalar {
            sql: self.bind(param),
            nullable: false,
            kind,
            column: false,
            offset: None,
        })
    }

    pub(super) fn scalar(&mut self, e: &TypedExpr) -> Result<Scalar, Error> {
        match e {
            TypedExpr::Literal(l) => {
                if l.value().is_null() {
                    let ty = match l.ty() {
                        Some(crate::schema::EdmType::String) => SqlType::Text,
                        _ => return Err(self.unsupported(e, "null here")),
                    };
                    return Ok(Scalar {
                        sql: self.bind(Param::Null(ty)),
                        nullable: true,
                        kind: Kind::Str,
                        column: false,
                        offset: None,
                    });
                }
                self.value(e, l.value())
            }
            TypedExpr::Property(p) => self.property(e, p),
            TypedExpr::Call(c) => self.call(e, c.function(), c.args()),
            TypedExpr::Compare(_)
            | TypedExpr::Logical(_)
            | TypedExpr::Not(_)
            | TypedExpr::In(_) => Ok(Scalar {
                sql: self.boolean(e)?,
                nullable: true,
                kind: Kind::Bool,
                column: false,
                offset: None,
            }),
            TypedExpr::Arithmetic(a) => {
                let x = self.scalar(a.left())?;
                let y = self.scalar(a.right())?;
                match (&x.kind, &y.kind, a.op()) {
                    (Kind::Int, Kind::Int, op) if op != ArithmeticOp::DivBy => Ok(Scalar {
                        sql: self.d.checked_int(op, &x.sql, &y.sql),
                        nullable: true,
                        kind: Kind::Int,
                        column: false,
                        offset: None,
                    }),
                    _ => Err(self.unsupported(
                        e,
                        &format!(
                            "'{}' on these types (only Int64 arithmetic is)",
                            a.op().keyword()
                        ),
                    )),
                }
            }
            TypedExpr::Neg(u) => {
                let x = self.scalar(u.operand())?;
                match x.kind {
                    Kind::Int => {
                        let zero = self.bind(Param::Int(0));
                        Ok(Scalar {
                            sql: self.d.checked_int(ArithmeticOp::Sub, &zero, &x.sql),
                            nullable: true,
                            kind: Kind::Int,
                            column: false,
                            offset: None,
                        })
                    }
                    _ => Err(self.unsupported(e, "negation of this type (only Int64 is)")),
                }
            }
            TypedExpr::Count(p) => {
                let c = self.property(e, p)?;
                match c.kind {
                    Kind::Collection(_) => Ok(Scalar {
                        sql: self.d.json_length(&c.sql),
                        // NULL when the record holds no array, whatever the schema says.
                        nullable: true,
                        kind: Kind::Int,
                        column: false,
                        offset: None,
                    }),
                    _ => Err(self.unsupported(e, "$count of this collection")),
                }
            }
            TypedExpr::Cast(c) => self.cast(e, c.operand(), c.target()),
            _ => Err(self.unsupported(e, "this expression")),
        }
    }

    /// A property path: a stored column of the record, or a lambda variable's element.
    pub(super) fn property(&self, e: &TypedExpr, p: &PropertyRef) -> Result<Scalar, Error> {
        match (p.base(), p.path()) {
            (Base::Root, [id]) => match self.layout.column_at(id.index()) {
                Some(col) => Ok(self.column_scalar(col)),
                None => Err(self.unsupported(e, "this property")),
            },
            (Base::Variable(v), []) => match self.vars.get(v.index()) {
                Some(kind) => Ok(Scalar {
                    sql: format!("j{}.value", v.index()),
                    nullable: true,
                    kind: kind.clone(),
                    column: false,
                    offset: None,
                }),
                None => Err(self.unsupported(e, "this lambda variable")),
            },
            _ => Err(self.unsupported(e, "this property path")),
        }
    }

    /// `cast(x, T)` where the engine's value is already `T`'s (to the same type, a Guid or an
    /// enum to its text).
    pub(super) fn cast(
        &mut self,
        e: &TypedExpr,
        x: &TypedExpr,
        target: &EdmType,
    ) -> Result<Scalar, Error> {
        let s = self.scalar(x)?;
        match (&s.kind, target) {
            (Kind::Str, EdmType::String)
            | (Kind::Instant, EdmType::DateTimeOffset)
            | (Kind::Bool, EdmType::Boolean)
            | (Kind::Int, EdmType::Int64)
            | (Kind::Date, EdmType::Date)
            | (Kind::TimeOfDay, EdmType::TimeOfDay) => Ok(s),
            (Kind::Enum(a), EdmType::Enum(b)) if a == b => Ok(s),
            (Kind::Guid | Kind::Enum(_), EdmType::String) => Ok(Scalar {
                kind: Kind::Str,
                column: false,
                ..s
            }),
            _ => Err(self.unsupported(e, &format!("cast() of this value to {target}"))),
        }
    }

    pub(super) fn call(
        &mut self,
        e: &TypedExpr,
        f: Function,
        args: &[TypedExpr],
    ) -> Result<Scalar, Error> {
        let int = |sql: String, nullable: bool| Scalar {
            sql,
            nullable,
            kind: Kind::Int,
            column: false,
            offset: None,
        };
        let text = |sql: String, nullable: bool| Scalar {
            sql,
            nullable,
            kind: Kind::Str,
            column: false,
            offset: None,
        };
        match (f, args) {
            (Function::Length, [a]) => {
                let a = self.string(a)?;
                Ok(int(format!("length({})", a.sql), a.nullable))
            }
            (Function::IndexOf, [a, b]) => {
                let a = self.string(a)?;
                let b = self.string(b)?;
                Ok(int(
                    format!("({} - 1)", self.d.position(&a.sql, &b.sql)),
                    a.nullable || b.nullable,
                ))
            }
            (Function::Substring, [a, rest @ ..]) => {
                let a = self.string(a)?;
                // Start and length must be literals: bound already clamped to the evaluator's
                // rules (a negative start counts from 0, a negative length gives '').
                let mut parts = vec![a.sql.clone()];
                for (i, arg) in rest.iter().enumerate() {
                    let Some(Value::Int(n)) = arg.as_literal().map(|l| l.value()) else {
                        return Err(self.unsupported(e, "substring() with a computed position"));
                    };
                    let n = (*n).clamp(0, i64::from(i32::MAX) - 1);
                    let n = if i == 0 { n + 1 } else { n };
                    parts.push(self.bind(Param::Int32(n as i32)));
                }
                Ok(text(format!("substr({})", parts.join(", ")), a.nullable))
            }
            (Function::ToLower | Function::ToUpper | Function::Trim, [a]) => {
                let suffix = match f {
                    Function::ToLower => "lower",
                    Function::ToUpper => "upper",
                    _ => "trim",
                };
                if let Some(Value::String(s)) = a.as_literal().map(|l| l.value()) {
                    let v = match f {
                        Function::ToLower => s.to_lowercase(),
                        Function::ToUpper => s.to_uppercase(),
                        _ => crate::semantics::scalar::trim(s).to_string(),
                    };
                    return Ok(text(self.bind(Param::Text(v)), false));
                }
                let col = match a {
                    TypedExpr::Property(p) => match (p.base(), p.path()) {
                        (Base::Root, [id]) => self.layout.column_at(id.index()),
                        _ => None,
                    },
                    _ => None,
                };
                match col {
                    Some(col) if col.kind == (ColumnKind::String { derived: true }) => Ok(Scalar {
                        sql: self.d.quote_ident(&format!("{}@{suffix}", col.name)),
                        nullable: col.nullable,
                        kind: Kind::Str,
                        column: true,
                        offset: None,
                    }),
                    _ => {
                        let x = self.string(a)?;
                        match self.d.text_function(f, &x.sql) {
                            Some(sql) => Ok(text(sql, x.nullable)),
                            None => Err(self.unsupported(
                                e,
                                &format!(
                                    "{}() of anything but a filterable property or a literal",
                                    f.name()
                                ),
                            )),
                        }
                    }
                }
            }
            (Function::Concat, [a, b]) => {
                let a = self.string(a)?;
                let b = self.string(b)?;
                Ok(text(
                    format!("({} || {})", a.sql, b.sql),
                    a.nullable || b.nullable,
                ))
            }
            (
                Function::Year
                | Function::Month
                | Function::Day
                | Function::Hour
                | Function::Minute
                | Function::Second,
                [a],
            ) => {
                let s = self.scalar(a)?;
                let (Kind::Instant, Some(offset)) = (&s.kind, &s.offset) else {
                    return Err(self.unsupported(e, &format!("{}() of this value", f.name())));
                };
                let ns = &s.sql;
                let local = format!(
                    "(({ns} - ((({ns} % 1000000000) + 1000000000) % 1000000000)) / 1000000000 + {offset} * 60)"
                );
                let field = f.name().to_ascii_uppercase();
                Ok(int(self.d.date_part(&field, &local), s.nullable))
            }
            (Function::Date | Function::Time | Function::FractionalSeconds, [a]) => {
                let s = self.scalar(a)?;
                let (Kind::Instant, Some(offset)) = (&s.kind, &s.offset) else {
                    return Err(self.unsupported(e, &format!("{}() of this value", f.name())));
                };
                let ns = &s.sql;
                const DAY: i64 = 86_400_000_000_000;
                let (sql, kind) = match f {
                    // Floor division of the local seconds (the value's own offset) by a day.
                    Function::Date => {
                        let local = format!(
                            "(({ns} - ((({ns} % 1000000000) + 1000000000) % 1000000000)) / 1000000000 + {offset} * 60)"
                        );
                        (
                            format!("(({local} - ((({local} % 86400) + 86400) % 86400)) / 86400)"),
                            Kind::Date,
                        )
                    }
                    // Both terms reduced modulo a day first, so nothing overflows 64 bits.
                    Function::Time => (
                        format!(
                            "((((({ns} % {DAY}) + {DAY}) % {DAY}) + (((({offset} * 60000000000) % {DAY}) + {DAY}) % {DAY})) % {DAY})"
                        ),
                        Kind::TimeOfDay,
                    ),
                    _ => (
                        format!("((({ns} % 1000000000) + 1000000000) % 1000000000)"),
                        Kind::Fraction,
                    ),
                };
                Ok(Scalar {
                    sql,
                    nullable: s.nullable,
                    kind,
                    column: false,
                    offset: None,
                })
            }
            (Function::TotalOffsetMinutes, [a]) => {
                let s = self.scalar(a)?;
                match (&s.kind, &s.offset) {
                    (Kind::Instant, Some(offset)) => Ok(int(offset.clone(), s.nullable)),
                    _ => Err(self.unsupported(e, "totaloffsetminutes() of this value")),
                }
            }
            (Function::Now | Function::MaxDateTime | Function::MinDateTime, []) => {
                let t = match f {
                    Function::Now => crate::semantics::scalar::now(),
                    Function::MaxDateTime => crate::semantics::scalar::max_datetime(),
                    _ => crate::semantics::scalar::min_datetime(),
                };
                Ok(Scalar {
                    sql: self.bind(Param::Int(instant_param(&t))),
                    nullable: false,
                    kind: Kind::Instant,
                    column: false,
                    offset: None,
                })
            }
            _ => Err(self.unsupported(e, &format!("{}()", f.name()))),
        }
    }
}
