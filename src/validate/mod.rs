//! Type checking a `$filter` against an entity set (SEMANTICS §5), producing the typed IR
//! ([`TypedFilter`]) that back ends accept.
//!
//! [`validate`] resolves property names (case-insensitively unless [`ValidateOptions::strict_case`]),
//! enforces the entity set's filterable whitelist, gives literals the type of what they are compared
//! with (quoted enum members, quoted Guids, `2018-08-01Z`, dates promoted to midnight UTC), promotes
//! numbers (Int32 → Int64 → Decimal → Double), checks every function signature, scopes lambda range
//! variables, and requires a Boolean result. Every error of the query is reported, each with its span:
//!
//! ```
//! use odata_filter::schema::machine_actions;
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
//! use odata_filter::schema::machine_actions;
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
pub use ir::{
    Arithmetic, ArithmeticOp, Base, Call, Cast, Compare, CompareOp, Has, In, InSet, Lambda,
    Literal, Logical, LogicalOp, PropertyRef, TypedExpr, TypedFilter, Unary, VarId,
};

use crate::ast::Expr;
use crate::error::Errors;
use crate::schema::EntitySet;

/// Validator settings. The defaults follow the MDE service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidateOptions {
    /// Let `$filter` use every property of the entity type, not only the entity set's filterable ones.
    /// Default `false`: MDE answers 400 for the others.
    pub allow_all_properties: bool,
    /// Resolve property names case-sensitively. Default `false`: MDE accepts `CreationDateTimeUtc`
    /// (an exact-case match still wins when two names differ only in case).
    pub strict_case: bool,
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

    /// Sets [`ValidateOptions::strict_case`].
    pub fn strict_case(mut self, yes: bool) -> Self {
        self.strict_case = yes;
        self
    }
}

/// Type-checks a parsed `$filter` against `set`. The errors carry spans into the text `expr` was parsed
/// from but no source text; attach it with [`Error::relocate`](crate::Error::relocate)`(0, text)` (or use
/// [`validate_text`], which does).
///
/// ```
/// use odata_filter::schema::machine_actions;
/// use odata_filter::validate::{validate, ValidateOptions};
/// let expr = odata_filter::parse_filter("type eq 'Isolate' and requestor eq 'me@contoso.com'").unwrap();
/// let f = validate(&expr, machine_actions(), &ValidateOptions::default()).unwrap();
/// assert_eq!(f.properties().len(), 2);
/// ```
pub fn validate(
    expr: &Expr,
    set: &EntitySet,
    options: &ValidateOptions,
) -> Result<TypedFilter, Errors> {
    let mut checker = check::Checker::new(set, options);
    let root = checker.filter(expr);
    match root {
        Some(root) if checker.errors.is_empty() => Ok(TypedFilter::new(
            root,
            std::sync::Arc::clone(set.entity_type()),
        )),
        _ => {
            let mut errors = checker.errors;
            errors.sort_by_key(|e| (e.span().start, e.span().end));
            Err(Errors(errors))
        }
    }
}

/// Type-checks a non-Boolean expression (an `$orderby` key): it must be of an orderable primitive or
/// enum type. Errors have no source text attached.
pub(crate) fn validate_sort_key(
    expr: &Expr,
    set: &EntitySet,
    options: &ValidateOptions,
) -> Result<TypedExpr, Vec<crate::Error>> {
    let mut checker = check::Checker::new(set, options);
    match checker.sort_key(expr) {
        Some(e) if checker.errors.is_empty() => Ok(e),
        _ => Err(checker.errors),
    }
}

/// Parses and validates a `$filter` text; errors (syntax or validation) point into `text`.
///
/// ```
/// use odata_filter::schema::machine_actions;
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
    validate(&expr, set, options)
        .map_err(|e| Errors(e.0.into_iter().map(|e| e.relocate(0, text)).collect()))
}
