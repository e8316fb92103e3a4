//! Built-in function calls, `cast` and `isof`.

use super::*;

/// What an argument position accepts ([`ParamType`]); also the type a literal written there takes.
pub(super) use crate::error::ParamType as Param;

impl Param {
    /// The type an untyped literal in this position takes.
    fn hint(self) -> Option<EdmType> {
        match self {
            Param::String => Some(EdmType::String),
            Param::Integer => Some(EdmType::Int32),
            Param::DateTimeOffset => Some(EdmType::DateTimeOffset),
            Param::Duration => Some(EdmType::Duration),
            Param::DateLike | Param::TimeLike | Param::Number => None,
        }
    }

    fn accepts(self, t: &EdmType) -> bool {
        match self {
            Param::String => *t == EdmType::String,
            Param::Integer => t.is_integer(),
            Param::DateLike => matches!(t, EdmType::Date | EdmType::DateTimeOffset),
            Param::TimeLike => matches!(t, EdmType::DateTimeOffset | EdmType::TimeOfDay),
            Param::DateTimeOffset => *t == EdmType::DateTimeOffset,
            Param::Duration => *t == EdmType::Duration,
            Param::Number => t.is_numeric(),
        }
    }
}

/// The result type of a call.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Returns {
    Fixed(EdmType),
    /// `round`, `floor`, `ceiling`: Double for a floating-point argument, Decimal otherwise.
    DoubleOrDecimal,
}

/// The parameters (one per position; the arity itself is the grammar's, [`Function::arity`]) and the
/// result of a function the checker types. `None` for the functions checked elsewhere (`cast`, `isof`)
/// or not supported.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Signature {
    params: &'static [Param],
    result: Returns,
}

/// The signature table: one row per function.
pub(super) fn signature(function: Function) -> Option<Signature> {
    use EdmType as T;
    use Function as F;
    use Param::{DateLike, Integer as Int, Number, String as Str, TimeLike};
    use Returns::*;
    const DATE_TIME: Param = Param::DateTimeOffset;
    const DURATION: Param = Param::Duration;
    let (params, result): (&'static [Param], Returns) = match function {
        F::Contains | F::StartsWith | F::EndsWith | F::MatchesPattern => {
            (&[Str, Str], Fixed(T::Boolean))
        }
        F::IndexOf => (&[Str, Str], Fixed(T::Int32)),
        F::Concat => (&[Str, Str], Fixed(T::String)),
        F::Length => (&[Str], Fixed(T::Int32)),
        F::ToLower | F::ToUpper | F::Trim => (&[Str], Fixed(T::String)),
        F::Substring => (&[Str, Int, Int], Fixed(T::String)),
        F::Year | F::Month | F::Day => (&[DateLike], Fixed(T::Int32)),
        F::Hour | F::Minute | F::Second => (&[TimeLike], Fixed(T::Int32)),
        F::FractionalSeconds => (&[TimeLike], Fixed(T::Decimal)),
        F::Date => (&[DATE_TIME], Fixed(T::Date)),
        F::Time => (&[DATE_TIME], Fixed(T::TimeOfDay)),
        F::TotalOffsetMinutes => (&[DATE_TIME], Fixed(T::Int32)),
        F::TotalSeconds => (&[DURATION], Fixed(T::Decimal)),
        F::Round | F::Floor | F::Ceiling => (&[Number], DoubleOrDecimal),
        F::Now | F::MaxDateTime | F::MinDateTime => (&[], Fixed(T::DateTimeOffset)),
        _ => return None,
    };
    Some(Signature { params, result })
}

impl<'a> Checker<'a> {
    pub(super) fn call(
        &mut self,
        function: Function,
        args: &'a [Expr],
        span: Span,
    ) -> Option<Checked> {
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            let reason = Reason::ArgumentCount {
                function,
                min,
                max,
                found: args.len(),
            };
            self.error(ErrorKind::ArgumentCount, span, reason);
            return None;
        }
        match function {
            Function::Cast | Function::IsOf => return self.cast(function, args, span),
            Function::HasSubset
            | Function::HasSubsequence
            | Function::GeoDistance
            | Function::GeoIntersects
            | Function::GeoLength => {
                self.error(
                    ErrorKind::Unsupported,
                    span,
                    Reason::FunctionNotSupported { function },
                );
                return None;
            }
            _ => {}
        }
        let signature = signature(function)?;
        let mut checked = Vec::with_capacity(args.len());
        let mut ok = true;
        for (arg, param) in args.iter().zip(signature.params.iter().copied()) {
            let hint = param.hint();
            let Some(c) = self.check(arg, hint.as_ref()) else {
                ok = false;
                continue;
            };
            if !c.ty().map_or(true, |t| param.accepts(t)) {
                let fix = mismatch_hint(arg, hint.as_ref()).or_else(|| match (param, c.ty()) {
                    (Param::String, Some(EdmType::Enum(e))) => {
                        Some(LiteralFix::CompareEnumByMember {
                            argument: arg.to_string(),
                            member: e.members().first().map_or("Member", |m| m.name()).into(),
                        })
                    }
                    _ => None,
                });
                let reason = Reason::ArgumentType {
                    function,
                    expected: param,
                    found: c.ty().cloned(),
                    fix,
                };
                self.error(ErrorKind::TypeMismatch, arg.span, reason);
                ok = false;
                continue;
            }
            checked.push(c);
        }
        if !ok {
            return None;
        }
        if function == Function::MatchesPattern {
            self.pattern(&args[1], span)?;
        }
        let ty = match signature.result {
            Returns::Fixed(t) => t,
            Returns::DoubleOrDecimal => match checked.first().and_then(|c| c.ty()) {
                Some(EdmType::Double | EdmType::Single) => EdmType::Double,
                _ => EdmType::Decimal,
            },
        };
        let args = checked.into_iter().map(|c| c.expr).collect();
        self.built(TypedExpr::call(function, args, ty), span)
    }

    /// The pattern of a `matchesPattern` call: at most [`crate::pattern::MAX_PATTERNS`] per filter, and a
    /// literal one must compile within [`crate::pattern::MAX_PATTERN_SIZE`].
    fn pattern(&mut self, pattern: &Expr, call: Span) -> Option<()> {
        self.patterns += 1;
        if self.patterns > crate::pattern::MAX_PATTERNS {
            let reason = Reason::TooManyPatterns {
                limit: crate::pattern::MAX_PATTERNS as u64,
                count: self.patterns as u64,
            };
            self.error(ErrorKind::LimitExceeded, call, reason);
            return None;
        }
        if let ExprKind::Literal(ast::Literal::String(p)) = &pattern.kind {
            if let Err(e) = crate::pattern::compile(p) {
                let problem = match e {
                    regex::Error::CompiledTooBig(limit) => {
                        format!("it compiles to more than {limit} bytes")
                    }
                    regex::Error::Syntax(text) => text
                        .lines()
                        .last()
                        .unwrap_or("invalid syntax")
                        .trim_start_matches("error: ")
                        .to_string(),
                    _ => "it is not a valid pattern".to_string(),
                };
                let reason = Reason::UnusablePattern { problem };
                self.error(ErrorKind::InvalidLiteral, pattern.span, reason);
                return None;
            }
        }
        Some(())
    }

    pub(super) fn cast(
        &mut self,
        function: Function,
        args: &'a [Expr],
        span: Span,
    ) -> Option<Checked> {
        let [operand, target] = args else {
            self.error(
                ErrorKind::Unsupported,
                span,
                Reason::CastOfEntity { function },
            );
            return None;
        };
        let o = self.check(operand, None);
        let ExprKind::TypeName(type_text) = &target.kind else {
            let reason = Reason::TypeNameExpected { function };
            self.error(ErrorKind::TypeMismatch, target.span, reason);
            return None;
        };
        let Some(target_ty) = self.find_type(type_text) else {
            let reason = Reason::UnknownCastType {
                function,
                type_name: type_text.clone(),
            };
            self.error(ErrorKind::UnknownType, target.span, reason);
            return None;
        };
        let o = o?;
        if function == Function::Cast {
            let allowed = match o.ty() {
                None => true,
                Some(t) if t == &target_ty => true,
                Some(t) if !t.is_primitive() && !matches!(t, EdmType::Enum(_)) => false,
                Some(_) if target_ty == EdmType::String => true,
                Some(EdmType::String) => true,
                Some(t) if t.is_numeric() && target_ty.is_numeric() => true,
                Some(EdmType::Date) => target_ty == EdmType::DateTimeOffset,
                Some(EdmType::DateTimeOffset) => target_ty == EdmType::Date,
                _ => false,
            };
            if !allowed {
                let reason = Reason::InvalidCast {
                    from: o.ty().cloned(),
                    to: target_ty,
                };
                self.error(ErrorKind::TypeMismatch, span, reason);
                return None;
            }
        }
        let node = if function == Function::Cast {
            TypedExpr::cast(o.expr, target_ty)
        } else {
            TypedExpr::is_of(o.expr, target_ty)
        };
        self.built(node, span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table has a parameter for every position the grammar allows.
    #[test]
    fn signatures_cover_the_grammars_arity() {
        for f in Function::ALL.iter().copied() {
            if let Some(sig) = signature(f) {
                assert_eq!(sig.params.len(), f.arity().1, "{}", f.name());
            }
        }
    }
}
