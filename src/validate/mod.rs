//! Type checking a `$filter` against an entity set (`docs/semantics.md` §5), producing the typed IR
//! ([`TypedFilter`]) that back ends accept.
//!
//! [`validate`] resolves property names (case-insensitively unless [`ValidateOptions::strict_case`]),
//! enforces the entity set's filterable whitelist, gives literals the type of what they are compared
//! with (quoted enum members, quoted Guids, `2018-08-01Z`, dates promoted to midnight UTC), promotes
//! numbers (Int32 → Int64 → Decimal → Double), checks every function signature, scopes lambda range
//! variables, and requires a Boolean result. Every error of the query is reported, each with its span:
//!
//! ```
//! use odata_filter::mde::machine_actions;
//! use odata_filter::validate::{validate_text, ValidateOptions};
//! use odata_filter::ErrorKind;
//!
//! let errs = validate_text(
//!     "computerDnsName eq 'x' or status eq 'Done' or creationDateTimeUtc ge '2024-01-01'",
//!     machine_actions(),
//!     &ValidateOptions::default(),
//! )
//! .unwrap_err();
//! let kinds: Vec<ErrorKind> = errs.as_slice().iter().map(|e| e.kind()).collect();
//! assert_eq!(
//!     kinds,
//!     [ErrorKind::PropertyNotFilterable, ErrorKind::UnknownEnumMember, ErrorKind::TypeMismatch]
//! );
//! assert!(errs.as_slice()[2].message().ends_with("Drop the quotes to write a date-time literal: 2024-01-01T00:00:00Z"));
//! ```
//!
//! ## Walking the typed IR
//!
//! [`TypedFilter::root`] is a [`TypedExpr`]; each variant wraps a node struct with read accessors.
//! Property paths are [`PropertyRef`]s: a [`Base`] (the record, or a lambda's range variable by
//! [`VarId`]) and [`PropertyId`](crate::schema::PropertyId)s, so an interpreter reads values by index:
//!
//! ```
//! use odata_filter::mde::machine_actions;
//! use odata_filter::validate::{validate_text, Base, TypedExpr, ValidateOptions};
//! use odata_filter::value::Value;
//!
//! let f = validate_text("status eq 'Failed'", machine_actions(), &ValidateOptions::default()).unwrap();
//! let TypedExpr::Compare(c) = f.root() else { panic!() };
//! let TypedExpr::Property(p) = c.left() else { panic!() };
//! assert_eq!(p.base(), Base::Root);
//! assert_eq!(p.path(), [f.entity_type().property_id("status").unwrap()]);
//! let Value::Enum(v) = c.right().as_literal().unwrap().value() else { panic!() };
//! assert_eq!(v.member_name(), Some("Failed"));
//! ```

mod check;
mod ir;

pub(crate) use ir::expr_to_string;
pub(crate) use ir::InvalidNode;
pub use ir::{
    Arithmetic, ArithmeticOp, Base, Call, Cast, Compare, CompareOp, Has, In, InSet, Logical,
    LogicalOp, PropertyRef, TypedExpr, TypedFilter, TypedLambda, TypedLiteral, Unary, VarId,
};

use std::sync::Arc;

use crate::ast::Expr;
use crate::error::{Errors, Reason};
use crate::schema::EntitySet;

/// Validator settings. The defaults follow the MDE service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateOptions {
    /// Let `$filter` use every property of the entity type, not only the entity set's filterable ones.
    /// Default `false`: MDE answers 400 for the others.
    pub allow_all_properties: bool,
    /// Resolve property names case-sensitively. Default `false`: MDE accepts `CreationDateTimeUtc`
    /// (an exact-case match still wins when two names differ only in case).
    pub strict_case: bool,
    /// Most `$orderby` keys accepted. Default 32: far more than a sort needs, few enough to bound
    /// the work of a request.
    pub max_orderby_keys: usize,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            allow_all_properties: false,
            strict_case: false,
            max_orderby_keys: crate::options::DEFAULT_MAX_ORDERBY_KEYS,
        }
    }
}

impl ValidateOptions {
    /// The defaults: the filterable whitelist, case-insensitive names.
    pub fn new() -> Self {
        ValidateOptions::default()
    }

    /// Sets [`ValidateOptions::allow_all_properties`].
    pub fn allow_all_properties(mut self, yes: bool) -> Self {
        self.allow_all_properties = yes;
        self
    }

    /// Sets [`ValidateOptions::max_orderby_keys`].
    pub fn max_orderby_keys(mut self, n: usize) -> Self {
        self.max_orderby_keys = n;
        self
    }

    /// Sets [`ValidateOptions::strict_case`].
    pub fn strict_case(mut self, yes: bool) -> Self {
        self.strict_case = yes;
        self
    }
}

/// Type-checks a `$filter` tree against `set`.
///
/// A tree holds no text, so the errors point into the tree's canonical text (its `Display`): their
/// [`Error::source_text`](crate::Error::source_text) is that text and their spans are offsets into it,
/// which is what the caret rendering shows. [`validate_text`] parses and validates a text, and its
/// errors point into that text as written. (A hand-built tree deeper than the validator goes, or one
/// whose canonical text the parser does not read back, keeps errors with an empty source.)
///
/// ```
/// use odata_filter::mde::machine_actions;
/// use odata_filter::validate::{validate, ValidateOptions};
/// let expr = odata_filter::parse_filter("type eq 'Isolate' and requestor eq 'me@contoso.com'").unwrap();
/// let f = validate(&expr, machine_actions(), &ValidateOptions::default()).unwrap();
/// assert_eq!(f.properties().len(), 2);
///
/// let expr = odata_filter::parse_filter("Type  EQ  'Isolate' and stauts eq 'Pending'").unwrap();
/// let errors = validate(&expr, machine_actions(), &ValidateOptions::default()).unwrap_err();
/// let error = &errors.as_slice()[0];
/// assert_eq!(error.source_text(), "Type eq 'Isolate' and stauts eq 'Pending'");
/// assert_eq!(&error.source_text()[error.span().range()], "stauts");
/// ```
pub fn validate(
    expr: &Expr,
    set: &EntitySet,
    options: &ValidateOptions,
) -> Result<TypedFilter, Errors> {
    validate_source(expr, set, options, Arc::from("")).map_err(|errors| {
        // Only on failure: the tree is read back from its canonical text and checked again, so that
        // the errors are made with that text and spans into it. A tree deeper than the checker goes
        // may be too deep to print; it keeps the errors found.
        let too_deep =
            |e: &crate::Error| matches!(e.reason(), Some(Reason::ExpressionTooDeep { .. }));
        if errors.iter().any(too_deep) {
            return errors;
        }
        let text = expr.to_string();
        let parser = crate::Parser::new().limits(crate::Limits::generous(text.len()));
        match parser.parse(&text) {
            Ok(spanned) => match validate_source(&spanned, set, options, Arc::from(text)) {
                Err(with_text) if with_text.len() == errors.len() => with_text,
                _ => errors,
            },
            Err(_) => errors,
        }
    })
}

/// [`validate`], the errors pointing into `source`, the text `expr` was parsed from.
pub(crate) fn validate_source(
    expr: &Expr,
    set: &EntitySet,
    options: &ValidateOptions,
    source: Arc<str>,
) -> Result<TypedFilter, Errors> {
    let mut checker = check::Checker::new(set, options, source);
    let root = checker.filter(expr);
    match root {
        Some(root) if checker.errors.is_empty() => Ok(TypedFilter::new(
            root,
            std::sync::Arc::clone(set.entity_type()),
        )),
        _ => {
            let mut errors = checker.errors;
            errors.sort_by_key(|e| (e.span().start, e.span().end));
            Err(Errors::new(errors))
        }
    }
}

/// Type-checks a non-Boolean expression (an `$orderby` key): it must be of an orderable primitive or
/// enum type. Errors point into `source`.
pub(crate) fn validate_sort_key(
    expr: &Expr,
    set: &EntitySet,
    options: &ValidateOptions,
    source: Arc<str>,
) -> Result<TypedExpr, Vec<crate::Error>> {
    let mut checker = check::Checker::new(set, options, source);
    match checker.sort_key(expr) {
        Some(e) if checker.errors.is_empty() => Ok(e),
        _ => Err(checker.errors),
    }
}

/// Parses and validates a `$filter` text; errors (syntax or validation) point into `text`.
///
/// ```
/// use odata_filter::mde::machine_actions;
/// use odata_filter::validate::{validate_text, ValidateOptions};
/// let err = validate_text("stauts eq 'Pending'", machine_actions(), &ValidateOptions::default())
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "error: Could not find a property named 'stauts' on type 'MachineAction'. Did you mean 'status'?\n  \
///      |\n  | stauts eq 'Pending'\n  | ^^^^^^\n"
/// );
/// ```
pub fn validate_text(
    text: &str,
    set: &EntitySet,
    options: &ValidateOptions,
) -> Result<TypedFilter, Errors> {
    let expr = crate::parse_filter(text)?;
    validate_source(&expr, set, options, Arc::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{BinaryOp, ExprKind, Literal as AstLiteral, UnaryOp};
    use crate::mde::machine_actions;
    use crate::schema::{EdmType, EnumType, StructuredType};
    use crate::ErrorKind;

    #[test]
    fn deep_trees_built_in_code_are_rejected_not_overflowed() {
        let mut e = Expr::unspanned(ExprKind::Literal(AstLiteral::Boolean(true)));
        for _ in 0..5_000 {
            e = Expr::unspanned(ExprKind::Unary {
                op: UnaryOp::Not,
                operand: Box::new(e),
            });
        }
        let errs = validate(&e, machine_actions(), &ValidateOptions::default()).unwrap_err();
        assert_eq!(errs.as_slice()[0].kind(), ErrorKind::LimitExceeded);
        assert_eq!(
            errs.as_slice()[0].exceeded(),
            Some(crate::error::Exceeded {
                limit: check::MAX_DEPTH as u64,
                value: check::MAX_DEPTH as u64 + 1
            })
        );
    }

    #[test]
    fn deepest_accepted_binary_tree_fits_a_thread_stack() {
        // Right-nested `1 add (1 add (… eq 1))` exercises the longest chain of checker frames per level.
        let one = || Expr::unspanned(ExprKind::Literal(AstLiteral::Int(1)));
        let mut e = one();
        for _ in 0..(check::MAX_DEPTH - 3) {
            e = Expr::unspanned(ExprKind::Binary {
                op: BinaryOp::Add,
                left: Box::new(Expr::unspanned(ExprKind::Path(crate::ast::Path::property(
                    &["requestor"],
                )))),
                right: Box::new(e),
            });
        }
        let e = Expr::unspanned(ExprKind::Binary {
            op: BinaryOp::Eq,
            left: Box::new(e),
            right: Box::new(one()),
        });
        // A spawned thread has a 2 MiB stack, like the test threads and most servers' workers.
        let result = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                validate(&e, machine_actions(), &ValidateOptions::default())
                    .err()
                    .map(|errs| errs.as_slice()[0].kind())
            })
            .unwrap()
            .join()
            .unwrap();
        // requestor add … is a type error, found at the innermost level: the whole depth was walked.
        assert_eq!(result, Some(ErrorKind::TypeMismatch));
    }

    #[test]
    fn long_or_chains_cost_no_depth() {
        // 999 nodes, the parser's default maximum: a chain 499 levels deep in the tree.
        let text = vec!["status eq 'Pending'"; 250].join(" or ");
        let chain = vec!["true"; 500].join(" and ");
        let result = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let opts = ValidateOptions::default();
                let mut out = Vec::new();
                for t in [text, chain] {
                    let f = validate_text(&t, machine_actions(), &opts).unwrap();
                    let printed = f.to_string();
                    let again = validate_text(&printed, machine_actions(), &opts).unwrap();
                    out.push((printed == t, again == f, f.properties().len()));
                }
                out
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(result, [(true, true, 1), (true, true, 0)]);
    }

    #[test]
    fn errors_inside_a_chain_keep_their_spans() {
        let errs = validate_text(
            "status eq 'Pending' or requestor or foo eq 1 or true",
            machine_actions(),
            &ValidateOptions::default(),
        )
        .unwrap_err();
        let got: Vec<(ErrorKind, usize, usize)> = errs
            .as_slice()
            .iter()
            .map(|e| (e.kind(), e.span().start, e.span().end))
            .collect();
        assert_eq!(
            got,
            [
                (ErrorKind::TypeMismatch, 0, 32),
                (ErrorKind::UnknownProperty, 36, 39)
            ]
        );
    }

    #[test]
    fn hand_built_tree_validates() {
        let e = Expr::unspanned(ExprKind::Binary {
            op: BinaryOp::Eq,
            left: Box::new(Expr::unspanned(ExprKind::Path(crate::ast::Path::property(
                &["status"],
            )))),
            right: Box::new(Expr::unspanned(ExprKind::Literal(AstLiteral::String(
                "Failed".into(),
            )))),
        });
        let f = validate(&e, machine_actions(), &ValidateOptions::default()).unwrap();
        assert_eq!(f.to_string(), "status eq 'Failed'");
    }

    #[test]
    fn errors_of_a_tree_point_into_its_canonical_text() {
        let e = Expr::unspanned(ExprKind::Binary {
            op: BinaryOp::Eq,
            left: Box::new(Expr::unspanned(ExprKind::Path(crate::ast::Path::property(
                &["status"],
            )))),
            right: Box::new(Expr::unspanned(ExprKind::Literal(AstLiteral::String(
                "Done".into(),
            )))),
        });
        let errs = validate(&e, machine_actions(), &ValidateOptions::default()).unwrap_err();
        let err = &errs.as_slice()[0];
        assert_eq!(err.kind(), ErrorKind::UnknownEnumMember);
        assert_eq!(err.source_text(), "status eq 'Done'");
        assert_eq!(&err.source_text()[err.span().range()], "'Done'");
        assert!(err
            .to_string()
            .contains("| status eq 'Done'\n  |           ^^^^^^"));
    }

    #[test]
    fn custom_schema_with_flags_and_nested_collections() {
        let perms = EnumType::builder("N", "Perm")
            .flags(true)
            .member("Read")
            .member("Write")
            .build()
            .unwrap();
        let ty = StructuredType::entity("N", "Doc")
            .property("perm", EdmType::Enum(perms))
            .property(
                "grid",
                EdmType::Collection(Box::new(EdmType::Collection(Box::new(EdmType::Int32)))),
            )
            .property("n", EdmType::Int32)
            .build()
            .unwrap();
        let set = crate::schema::EntitySet::builder("Docs", ty)
            .all_filterable()
            .build()
            .unwrap();
        let opts = ValidateOptions::default();
        let f = validate_text("perm has 'Read,Write'", &set, &opts).unwrap();
        assert_eq!(f.to_string(), "perm has 'Read,Write'");
        let f = validate_text("n gt 2147483648", &set, &opts).unwrap();
        let TypedExpr::Compare(c) = f.root() else {
            panic!()
        };
        assert_eq!(c.operand_type(), Some(&EdmType::Int64));
        let errs = validate_text("grid/any(r: r/x eq 1)", &set, &opts).unwrap_err();
        assert_eq!(errs.as_slice()[0].kind(), ErrorKind::TypeMismatch);
        assert!(validate_text("grid/any(r: r/any(c: c gt 1))", &set, &opts).is_ok());
        let errs = validate_text("perm has 'Exec'", &set, &opts).unwrap_err();
        assert_eq!(errs.as_slice()[0].kind(), ErrorKind::UnknownEnumMember);
    }
}
