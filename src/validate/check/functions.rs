//! Built-in function calls, `cast` and `isof`.

use super::*;

/// What an argument position accepts; also the type a literal written there takes, and the wording of
/// the "expects … here" message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Param {
    Str,
    Int,
    DateLike,
    TimeLike,
    DateTime,
    Duration,
    Number,
}

impl Param {
    /// The type an untyped literal in this position takes.
    fn hint(self) -> Option<EdmType> {
        match self {
            Param::Str => Some(EdmType::String),
            Param::Int => Some(EdmType::Int32),
            Param::DateTime => Some(EdmType::DateTimeOffset),
            Param::Duration => Some(EdmType::Duration),
            Param::DateLike | Param::TimeLike | Param::Number => None,
        }
    }

    fn accepts(self, t: &EdmType) -> bool {
        match self {
            Param::Str => *t == EdmType::String,
            Param::Int => t.is_integer(),
            Param::DateLike => matches!(t, EdmType::Date | EdmType::DateTimeOffset),
            Param::TimeLike => matches!(t, EdmType::DateTimeOffset | EdmType::TimeOfDay),
            Param::DateTime => *t == EdmType::DateTimeOffset,
            Param::Duration => *t == EdmType::Duration,
            Param::Number => t.is_numeric(),
        }
    }

    /// The accepted types, for messages.
    fn expected(self) -> &'static str {
        match self {
            Param::Str => "'Edm.String'",
            Param::Int => "an integer",
            Param::DateLike => "'Edm.Date' or 'Edm.DateTimeOffset'",
            Param::TimeLike => "'Edm.DateTimeOffset' or 'Edm.TimeOfDay'",
            Param::DateTime => "'Edm.DateTimeOffset'",
            Param::Duration => "'Edm.Duration'",
            Param::Number => "a number",
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
    use Param::*;
    use Returns::*;
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
        F::Date => (&[DateTime], Fixed(T::Date)),
        F::Time => (&[DateTime], Fixed(T::TimeOfDay)),
        F::TotalOffsetMinutes => (&[DateTime], Fixed(T::Int32)),
        F::TotalSeconds => (&[Duration], Fixed(T::Decimal)),
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
            let msg = if min == max {
                format!(
                    "The function '{}' takes {min} argument(s), but {} were given.",
                    function.name(),
                    args.len()
                )
            } else {
                format!(
                    "The function '{}' takes {min} to {max} arguments, but {} were given.",
                    function.name(),
                    args.len()
                )
            };
            self.error(ErrorKind::ArgumentCount, span, msg);
            return None;
        }
        match function {
            Function::Cast | Function::IsOf => return self.cast(function, args, span),
            Function::HasSubset
            | Function::HasSubsequence
            | Function::GeoDistance
            | Function::GeoIntersects
            | Function::GeoLength => {
                let msg = format!(
                    "The function '{}' is not supported by this entity set.",
                    function.name()
                );
                self.error(ErrorKind::Unsupported, span, msg);
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
                let mut msg = format!(
                    "The function '{}' expects {} here, but the argument is of type '{}'.",
                    function.name(),
                    param.expected(),
                    type_name(c.ty())
                );
                if let Some(h) = mismatch_hint(arg, hint.as_ref()) {
                    msg.push(' ');
                    msg.push_str(&h);
                } else if let (Param::Str, Some(EdmType::Enum(e))) = (param, c.ty()) {
                    let member = e.members().first().map_or("Member", |m| m.name());
                    msg.push_str(&format!(
                        " Compare the enum by member instead ({arg} eq '{member}'), or convert it first: cast({arg}, Edm.String)."
                    ));
                }
                self.error(ErrorKind::TypeMismatch, arg.span, msg);
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
            let msg = format!(
                "The filter calls matchesPattern more than {} times.",
                crate::pattern::MAX_PATTERNS
            );
            let error = Error::new(
                ErrorKind::LimitExceeded,
                call,
                msg,
                Arc::clone(&self.source),
            )
            .with_exceeded(crate::pattern::MAX_PATTERNS as u64, self.patterns as u64);
            self.errors.push(error);
            return None;
        }
        if let ExprKind::Literal(ast::Literal::String(p)) = &pattern.kind {
            if let Err(e) = crate::pattern::compile(p) {
                let why = match e {
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
                let msg = format!("The pattern of matchesPattern is not usable: {why}.");
                self.error(ErrorKind::InvalidLiteral, pattern.span, msg);
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
        let name = function.name();
        let [operand, target] = args else {
            let msg = format!(
                "The one-argument form {name}(Type) applies to the entity itself and is not supported; write {name}(property, Type)."
            );
            self.error(ErrorKind::Unsupported, span, msg);
            return None;
        };
        let o = self.check(operand, None);
        let ExprKind::TypeName(type_text) = &target.kind else {
            let msg =
                format!("The last argument of {name} must be a type name such as Edm.String.");
            self.error(ErrorKind::TypeMismatch, target.span, msg);
            return None;
        };
        let Some(target_ty) = self.find_type(type_text) else {
            let msg = format!(
                "Unknown type '{type_text}': {name} accepts primitive types (Edm.String, Edm.Int32, …) and the enum types of the model."
            );
            self.error(ErrorKind::UnknownType, target.span, msg);
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
                let msg = format!(
                    "A value of type '{}' cannot be cast to '{target_ty}'.",
                    type_name(o.ty())
                );
                self.error(ErrorKind::TypeMismatch, span, msg);
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
