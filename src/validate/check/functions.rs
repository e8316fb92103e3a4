//! Built-in function calls, `cast` and `isof`.

use super::*;

use crate::error::ParamType as Param;
use crate::semantics::signature::{castable, signature};

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
        let args = checked.into_iter().map(|c| c.expr).collect();
        self.built(TypedExpr::call(function, args), span)
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
            let allowed = castable(o.ty(), &target_ty);
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
