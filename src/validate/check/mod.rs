//! The type checker: AST in, typed IR out, every error of the query collected with its span.

mod functions;
mod literals;
mod operators;
mod paths;

use std::sync::Arc;

use chrono::{FixedOffset, NaiveTime};

use super::ir::*;
use super::{InvalidNode, ValidateOptions};
use crate::ast::{self, BinaryOp, Expr, ExprKind, Function, PathRoot, SegmentKind, Span, UnaryOp};
use crate::error::{Error, ErrorKind, LiteralFix, Reason};
use crate::schema::{EdmType, EntitySet, EnumType, Lookup, StructuredType};
use crate::semantics::{arithmetic_type, compare_type, promote, scalar::int_arith};
use crate::suggest::closest;
use crate::value::{parse_duration, Decimal, EnumValue, Uuid, Value};
use literals::*;

/// The result of checking one node.
struct Checked {
    expr: TypedExpr,
    /// The value of a constant integer expression (for overflow detection).
    constant: Option<i64>,
}

impl Checked {
    fn ty(&self) -> Option<&EdmType> {
        self.expr.ty()
    }

    fn plain(expr: TypedExpr) -> Checked {
        Checked {
            expr,
            constant: None,
        }
    }
}

struct Var<'a> {
    name: &'a str,
    elem: EdmType,
}

pub(super) struct Checker<'a> {
    set: &'a EntitySet,
    options: &'a ValidateOptions,
    vars: Vec<Var<'a>>,
    /// The query option being checked, for messages: `$filter` or `$orderby`.
    option: &'static str,
    /// Current recursion depth of [`Checker::check`].
    depth: usize,
    pub(super) errors: Vec<Error>,
    /// The text the checked tree was parsed from; every error points into it.
    source: Arc<str>,
    /// `matchesPattern` calls seen.
    patterns: usize,
}

/// The deepest expression nesting the checker recurses into. Parsed trees are already bounded by the
/// parser's limits (default depth 100); this guards trees built in code and parsers configured deeper.
/// A level costs about 6 KiB of stack in debug builds (measured: 300 levels fit a 2 MiB thread, 400 do
/// not), so 200 keeps a wide margin on a spawned thread's 2 MiB stack.
pub(super) const MAX_DEPTH: usize = 200;

/// The deepest nesting of `any`/`all` lambdas accepted. Each level multiplies the work per record by
/// the collection's length; ASP.NET's default allows one level, we allow a few more for nested
/// collections (`commands/any(c: c/tags/any(t: …))`) and no more.
pub(crate) const MAX_LAMBDA_NESTING: usize = 3;

impl<'a> Checker<'a> {
    pub(super) fn new(set: &'a EntitySet, options: &'a ValidateOptions, source: Arc<str>) -> Self {
        Checker {
            set,
            options,
            vars: Vec::new(),
            option: "$filter",
            depth: 0,
            errors: Vec::new(),
            source,
            patterns: 0,
        }
    }

    /// Reports `reason` at `span`; its message is made by [`Reason`], only now that there is an error.
    fn error(&mut self, kind: ErrorKind, span: Span, reason: Reason) {
        self.errors.push(Error::for_reason(
            kind,
            span,
            reason,
            Arc::clone(&self.source),
        ));
    }

    /// A node from a checked constructor. The checks before it make a refusal impossible; should one
    /// happen anyway, it is reported as a type error at `span` rather than lost.
    fn built(&mut self, node: Result<TypedExpr, InvalidNode>, span: Span) -> Option<Checked> {
        match node {
            Ok(expr) => Some(Checked::plain(expr)),
            Err(e) => {
                let problem = e.to_string();
                self.error(ErrorKind::TypeMismatch, span, Reason::IllTyped { problem });
                None
            }
        }
    }

    /// Adds a help line to the error reported last.
    fn help_last(&mut self, help: String) {
        if let Some(e) = self.errors.pop() {
            self.errors.push(e.with_help(help));
        }
    }

    /// Checks the whole filter, which must be Boolean.
    pub(super) fn filter(&mut self, e: &'a Expr) -> Option<TypedExpr> {
        let c = self.check(e, None)?;
        match c.ty() {
            None | Some(EdmType::Boolean) => Some(c.expr),
            Some(t) => {
                let found = t.clone();
                self.error(
                    ErrorKind::TypeMismatch,
                    e.span,
                    Reason::FilterNotBoolean { found },
                );
                None
            }
        }
    }

    /// Checks an `$orderby` key: a value of a primitive or enum type.
    pub(super) fn sort_key(&mut self, e: &'a Expr) -> Option<TypedExpr> {
        self.option = "$orderby";
        let c = self.check(e, None)?;
        match c.ty() {
            Some(t) if t.is_primitive() || matches!(t, EdmType::Enum(_)) => Some(c.expr),
            t => {
                let found = t.cloned();
                self.error(
                    ErrorKind::TypeMismatch,
                    e.span,
                    Reason::SortKeyNotOrderable { found },
                );
                None
            }
        }
    }

    /// Checks `e`; `hint` is the type of the operand it is compared or combined with, which gives an
    /// untyped literal (a quoted enum member, a Guid in quotes, a date for a date-time) its type.
    fn check(&mut self, e: &'a Expr, hint: Option<&EdmType>) -> Option<Checked> {
        if self.depth >= MAX_DEPTH {
            let limit = MAX_DEPTH as u64;
            self.error(
                ErrorKind::LimitExceeded,
                e.span,
                Reason::ExpressionTooDeep { limit },
            );
            return None;
        }
        self.depth += 1;
        let result = self.check_inner(e, hint);
        self.depth -= 1;
        result
    }

    fn check_inner(&mut self, e: &'a Expr, hint: Option<&EdmType>) -> Option<Checked> {
        match &e.kind {
            ExprKind::Literal(l) => self.literal(l, e.span, hint),
            ExprKind::Path(p) => self.path(p, e.span),
            ExprKind::Alias(name) => {
                let alias = name.name.clone();
                self.error(
                    ErrorKind::UndefinedAlias,
                    e.span,
                    Reason::UndefinedAlias { alias },
                );
                None
            }
            ExprKind::Call { function, args } => self.call(*function, args, e.span),
            ExprKind::TypeName(name) => {
                let type_name = name.clone();
                self.error(
                    ErrorKind::Unsupported,
                    e.span,
                    Reason::MisplacedTypeName { type_name },
                );
                None
            }
            ExprKind::Unary { op, operand } => self.unary(*op, operand, e.span, hint, None),
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, e.span),
            ExprKind::In { operand, set } => self.in_set(operand, set, e.span),
            ExprKind::List(_) => {
                self.error(ErrorKind::Unsupported, e.span, Reason::MisplacedList);
                None
            }
            ExprKind::Array(_) | ExprKind::Object(_) => {
                self.error(ErrorKind::Unsupported, e.span, Reason::JsonLiteral);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::{BinaryOp, Function, LambdaKind};
    use crate::error::{LiteralFix, ParamType, Reason};
    use crate::mde::machine_actions;
    use crate::schema::EdmType;
    use crate::validate::{validate_text, ValidateOptions};

    /// The reason of the first error of `text`, which must be invalid.
    fn reason(text: &str) -> Reason {
        reason_with(text, &ValidateOptions::default())
    }

    fn reason_with(text: &str, options: &ValidateOptions) -> Reason {
        let errs = validate_text(text, machine_actions(), options).unwrap_err();
        errs.as_slice()[0].reason().cloned().expect("a reason")
    }

    #[test]
    fn unknown_property_carries_the_name_the_type_and_the_suggestion() {
        assert_eq!(
            reason("stauts eq 'Pending'"),
            Reason::UnknownProperty {
                property: "stauts".into(),
                type_name: "MachineAction".into(),
                suggestion: Some("status".into()),
            }
        );
    }

    #[test]
    fn type_errors_carry_the_types_as_schema_values() {
        let Reason::IncompatibleOperands {
            op,
            left: Some(EdmType::Enum(e)),
            right,
            fix,
        } = reason("status eq 3")
        else {
            panic!("not an operand mismatch");
        };
        assert_eq!(op, BinaryOp::Eq);
        assert!(
            e.qualified_name().ends_with(".MachineActionStatus"),
            "{e:?}"
        );
        assert_eq!(right, Some(EdmType::Int32));
        assert!(
            matches!(fix, Some(LiteralFix::QuoteEnumMember(_))),
            "{fix:?}"
        );
        assert_eq!(
            reason("length(status) eq 1"),
            Reason::ArgumentType {
                function: Function::Length,
                expected: ParamType::String,
                found: reason_type("status"),
                fix: Some(LiteralFix::CompareEnumByMember {
                    argument: "status".into(),
                    member: "Pending".into(),
                }),
            }
        );
    }

    /// The type of a property of MachineAction.
    fn reason_type(name: &str) -> Option<EdmType> {
        let ty = machine_actions().entity_type();
        ty.properties()
            .iter()
            .find(|p| p.name() == name)
            .map(|p| p.ty().clone())
    }

    #[test]
    fn enum_members_limits_and_constants_are_data() {
        let Reason::UnknownEnumMember {
            member,
            suggestion,
            members,
            ..
        } = reason("status eq 'Succeded'")
        else {
            panic!("not an enum member error");
        };
        assert_eq!(member, "Succeded");
        assert_eq!(suggestion.as_deref(), Some("Succeeded"));
        assert!(members.iter().any(|m| m == "Pending"), "{members:?}");
        assert_eq!(
            reason("9223372036854775807 add 1 eq 0"),
            Reason::ConstantOverflow {
                left: 9223372036854775807,
                op: BinaryOp::Add,
                right: 1
            }
        );
        assert_eq!(
            reason("1 div 0 eq 0"),
            Reason::DivisionByZero {
                dividend: 1,
                op: BinaryOp::Div
            }
        );
        assert_eq!(
            reason_with(
                "commands/any(c: 1)",
                &ValidateOptions {
                    allow_all_properties: true,
                    ..ValidateOptions::default()
                }
            ),
            Reason::LambdaNotBoolean {
                lambda: LambdaKind::Any,
                found: Some(EdmType::Int32)
            }
        );
    }

    #[test]
    fn not_filterable_names_the_property_and_the_option() {
        assert_eq!(
            reason("computerDnsName eq 'x'"),
            Reason::PropertyNotFilterable {
                property: "computerDnsName".into(),
                option: "$filter".into(),
            }
        );
    }
}
