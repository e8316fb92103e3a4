//! Literals: typing a literal from its context, enum members, type names, and hints for a literal of the wrong type.

use super::*;

pub(super) fn int_literal_type(i: i64) -> EdmType {
    if i32::try_from(i).is_ok() {
        EdmType::Int32
    } else {
        EdmType::Int64
    }
}

pub(super) fn midnight_utc(d: chrono::NaiveDate) -> Option<chrono::DateTime<FixedOffset>> {
    d.and_time(NaiveTime::MIN)
        .and_local_timezone(FixedOffset::east_opt(0)?)
        .single()
}

/// True for expressions whose type comes from context: literals and negated numeric literals.
pub(super) fn is_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(_) => true,
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => matches!(operand.kind, ExprKind::Literal(_)),
        _ => false,
    }
}

pub(super) fn is_guid_text(s: &str) -> Option<Uuid> {
    if s.len() != 36 {
        return None;
    }
    Uuid::try_parse(s).ok()
}

/// A suggestion for a literal of the wrong type, if the fix is obvious from the literal.
pub(super) fn mismatch_hint(lit: &Expr, expected: Option<&EdmType>) -> Option<LiteralFix> {
    let ExprKind::Literal(l) = &lit.kind else {
        return None;
    };
    let expected = expected?;
    match (l, expected) {
        (ast::Literal::String(s), EdmType::DateTimeOffset) => {
            let parsed = crate::parse_filter(s).ok()?;
            let text = match parsed.kind {
                ExprKind::Literal(ast::Literal::DateTimeOffset(dt)) => {
                    Value::DateTimeOffset(dt.to_chrono()?).to_string()
                }
                ExprKind::Literal(ast::Literal::Date(d)) => {
                    Value::DateTimeOffset(midnight_utc(d.to_naive()?)?).to_string()
                }
                _ => return None,
            };
            Some(LiteralFix::UnquoteDateTime(text))
        }
        (ast::Literal::String(s), EdmType::Date) => {
            let parsed = crate::parse_filter(s).ok()?;
            matches!(parsed.kind, ExprKind::Literal(ast::Literal::Date(_)))
                .then(|| LiteralFix::UnquoteDate(s.clone()))
        }
        (ast::Literal::String(s), t) if t.is_numeric() => {
            let parsed = crate::parse_filter(s).ok()?;
            matches!(
                parsed.kind,
                ExprKind::Literal(
                    ast::Literal::Int(_) | ast::Literal::Decimal(_) | ast::Literal::Double(_)
                )
            )
            .then(|| LiteralFix::UnquoteNumber(s.clone()))
        }
        (ast::Literal::Int(i), EdmType::Enum(e)) => {
            let member = e
                .member_by_value(*i)
                .or_else(|| e.members().first())
                .map(|m| m.name())?;
            Some(LiteralFix::QuoteEnumMember(member.to_string()))
        }
        (
            ast::Literal::Int(_)
            | ast::Literal::Decimal(_)
            | ast::Literal::Double(_)
            | ast::Literal::Guid(_)
            | ast::Literal::Date(_)
            | ast::Literal::DateTimeOffset(_)
            | ast::Literal::TimeOfDay(_)
            | ast::Literal::Boolean(_),
            EdmType::String,
        ) => {
            let shown = match l {
                ast::Literal::Int(i) => i.to_string(),
                ast::Literal::Decimal(d) => d.clone(),
                ast::Literal::Double(d) => d.to_string(),
                ast::Literal::Guid(g) => g.to_string(),
                ast::Literal::Boolean(b) => b.to_string(),
                ast::Literal::Date(d) => Value::Date(d.to_naive()?).to_string(),
                ast::Literal::DateTimeOffset(dt) => {
                    Value::DateTimeOffset(dt.to_chrono()?).to_string()
                }
                _ => return None,
            };
            Some(LiteralFix::QuoteString(shown))
        }
        _ => None,
    }
}

impl<'a> Checker<'a> {
    pub(super) fn lit(&mut self, span: Span, value: Value, ty: Option<EdmType>) -> Option<Checked> {
        let constant = match value {
            Value::Int(i) => Some(i),
            _ => None,
        };
        let mut c = self.built(TypedExpr::literal(value, ty), span)?;
        c.constant = constant;
        Some(c)
    }

    pub(super) fn literal(
        &mut self,
        l: &ast::Literal,
        span: Span,
        hint: Option<&EdmType>,
    ) -> Option<Checked> {
        use ast::Literal as L;
        let hint = hint.filter(|h| !matches!(h, EdmType::Collection(_) | EdmType::Complex(_)));
        match (l, hint) {
            (L::Null, _) => self.lit(span, Value::Null, hint.cloned()),
            (L::String(s), Some(EdmType::Enum(e))) => {
                let e = Arc::clone(e);
                let v = self.enum_members(&e, s, span)?;
                self.lit(span, Value::Enum(v), Some(EdmType::Enum(e)))
            }
            (L::Enum { type_name, value }, _) => {
                let e = match hint {
                    Some(EdmType::Enum(e)) if self.names_enum(e, type_name) => Arc::clone(e),
                    _ => match self.find_enum(type_name) {
                        Some(e) => e,
                        None => {
                            let type_name = type_name.clone();
                            let reason = Reason::UnknownEnumType { type_name };
                            self.error(ErrorKind::UnknownType, span, reason);
                            return None;
                        }
                    },
                };
                let v = self.enum_members(&e, value, span)?;
                self.lit(span, Value::Enum(v), Some(EdmType::Enum(e)))
            }
            (L::String(s), Some(EdmType::Guid)) => match is_guid_text(s) {
                Some(g) => self.lit(span, Value::Guid(g), Some(EdmType::Guid)),
                None => {
                    let text = s.clone();
                    self.error(
                        ErrorKind::InvalidLiteral,
                        span,
                        Reason::InvalidGuidString { text },
                    );
                    None
                }
            },
            (L::String(s), _) => self.lit(span, Value::String(s.clone()), Some(EdmType::String)),
            (L::Boolean(b), _) => self.lit(span, Value::Boolean(*b), Some(EdmType::Boolean)),
            (L::Int(i), Some(h)) if h.is_numeric() => {
                let natural = int_literal_type(*i);
                match promote(&natural, h) {
                    Some(EdmType::Decimal) => self.lit(
                        span,
                        Value::Decimal(Decimal::from(*i)),
                        Some(EdmType::Decimal),
                    ),
                    Some(EdmType::Double) => {
                        self.lit(span, Value::Double(*i as f64), Some(EdmType::Double))
                    }
                    _ => self.lit(span, Value::Int(*i), Some(natural)),
                }
            }
            (L::Int(i), _) => self.lit(span, Value::Int(*i), Some(int_literal_type(*i))),
            (L::Decimal(text), _) => {
                let as_double = matches!(hint, Some(EdmType::Double | EdmType::Single));
                match text.parse::<Decimal>() {
                    Ok(d) if !as_double => {
                        self.lit(span, Value::Decimal(d), Some(EdmType::Decimal))
                    }
                    _ => match text.parse::<f64>() {
                        Ok(f) => self.lit(span, Value::Double(f), Some(EdmType::Double)),
                        Err(_) => {
                            let text = text.clone();
                            self.error(
                                ErrorKind::InvalidLiteral,
                                span,
                                Reason::InvalidNumber { text },
                            );
                            None
                        }
                    },
                }
            }
            (L::Double(d), _) => self.lit(span, Value::Double(*d), Some(EdmType::Double)),
            (L::Guid(g), _) => self.lit(span, Value::Guid(*g), Some(EdmType::Guid)),
            (L::Date(d), Some(EdmType::DateTimeOffset)) => {
                match d.to_naive().and_then(midnight_utc) {
                    Some(dt) => self.lit(
                        span,
                        Value::DateTimeOffset(dt),
                        Some(EdmType::DateTimeOffset),
                    ),
                    None => self.bad_literal(span),
                }
            }
            (L::Date(d), _) => match d.to_naive() {
                Some(d) => self.lit(span, Value::Date(d), Some(EdmType::Date)),
                None => self.bad_literal(span),
            },
            (L::DateTimeOffset(dt), _)
                if dt.time.as_ref().is_some_and(|t| t.second == Some(60)) =>
            {
                self.error(ErrorKind::InvalidLiteral, span, Reason::LeapSecond);
                None
            }
            (L::DateTimeOffset(dt), _) => match dt.to_chrono() {
                Some(v) => self.lit(
                    span,
                    Value::DateTimeOffset(v),
                    Some(EdmType::DateTimeOffset),
                ),
                None => self.bad_literal(span),
            },
            (L::TimeOfDay(t), _) => {
                let nanos = t.nanos_since_midnight();
                let secs = u32::try_from(nanos / 1_000_000_000).ok();
                let frac = (nanos % 1_000_000_000) as u32;
                match secs.and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, frac)) {
                    Some(v) => self.lit(span, Value::TimeOfDay(v), Some(EdmType::TimeOfDay)),
                    None => self.bad_literal(span),
                }
            }
            (L::Duration(text), _) => match parse_duration(text) {
                Some(n) => self.lit(span, Value::Duration(n), Some(EdmType::Duration)),
                None => {
                    let text = text.clone();
                    self.error(
                        ErrorKind::InvalidLiteral,
                        span,
                        Reason::InvalidDuration { text },
                    );
                    None
                }
            },
            (L::Binary(b), _) => self.lit(span, Value::Binary(b.clone()), Some(EdmType::Binary)),
            (L::Geo { .. }, _) => {
                self.error(ErrorKind::Unsupported, span, Reason::GeoLiteral);
                None
            }
        }
    }

    pub(super) fn bad_literal(&mut self, span: Span) -> Option<Checked> {
        self.error(ErrorKind::InvalidLiteral, span, Reason::DateOutOfRange);
        None
    }

    /// Resolves `'A'` or `'A,B'` (flags) to a value of `e`.
    pub(super) fn enum_members(
        &mut self,
        e: &Arc<EnumType>,
        text: &str,
        span: Span,
    ) -> Option<EnumValue> {
        let mut value = 0i64;
        let parts: Vec<&str> = if e.is_flags() {
            text.split(',').map(str::trim).collect()
        } else {
            vec![text]
        };
        for part in parts {
            match e.member(part) {
                Some(m) => value |= m.value(),
                None => {
                    let reason = Reason::UnknownEnumMember {
                        member: part.to_string(),
                        enum_type: e.qualified_name(),
                        suggestion: closest(part, e.members().iter().map(|m| m.name()))
                            .map(str::to_string),
                        members: e.members().iter().map(|m| m.name().to_string()).collect(),
                    };
                    self.error(ErrorKind::UnknownEnumMember, span, reason);
                    return None;
                }
            }
        }
        Some(EnumValue {
            ty: Arc::clone(e),
            value,
        })
    }

    /// True when `written` names enum type `e` (ignoring case unless names are strict).
    pub(super) fn names_enum(&self, e: &EnumType, written: &str) -> bool {
        e.is_named(written) || !self.options.strict_case && e.is_named_ignore_case(written)
    }

    /// An enum type of the entity set's model, by qualified or bare name.
    pub(super) fn find_enum(&self, name: &str) -> Option<Arc<EnumType>> {
        if let Some(e) = self.find_enum_by(name, false) {
            return Some(e);
        }
        if self.options.strict_case {
            return None;
        }
        self.find_enum_by(name, true)
    }

    pub(super) fn find_enum_by(&self, name: &str, ignore_case: bool) -> Option<Arc<EnumType>> {
        fn walk(
            ty: &StructuredType,
            name: &str,
            ignore_case: bool,
            depth: u8,
        ) -> Option<Arc<EnumType>> {
            for p in ty.properties() {
                let mut t = p.ty();
                if let EdmType::Collection(inner) = t {
                    t = inner;
                }
                match t {
                    EdmType::Enum(e)
                        if e.is_named(name) || ignore_case && e.is_named_ignore_case(name) =>
                    {
                        return Some(Arc::clone(e))
                    }
                    EdmType::Complex(c) if depth < 8 => {
                        if let Some(e) = walk(c, name, ignore_case, depth + 1) {
                            return Some(e);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        walk(self.set.entity_type(), name, ignore_case, 0)
    }

    /// Resolves a type name used by `cast`/`isof`: a primitive `Edm.X` or an enum of the model.
    pub(super) fn find_type(&self, name: &str) -> Option<EdmType> {
        EdmType::primitive_from_name(name).or_else(|| self.find_enum(name).map(EdmType::Enum))
    }
}
