//! The parser: text in, [`Expr`] out. pest stays behind this wall.
//!
//! Parsing runs in three steps:
//! 1. [`prescan`]: one pass over the bytes that enforces the length and nesting limits and reports
//!    unterminated strings and unbalanced parentheses, before any recursive descent can overflow the stack;
//! 2. the pest grammar `grammar/odata.pest` recognises the text;
//! 3. [`build`] turns pest's pairs into the AST, folding operators by precedence climbing and checking
//!    function arity and the node limits; [`literal`] converts literal text to values. pest's errors
//!    are translated into OData terms (`errors`); no grammar rule name reaches the user.

mod build;
mod errors;
mod grammar;
mod literal;
mod prescan;

use crate::ast::Expr;
use crate::error::Error;

/// Limits on the size and shape of a `$filter`, checked before the input can do harm.
///
/// ```
/// use odata_filter::{Limits, Parser};
/// let deep = "(".repeat(101) + "true" + &")".repeat(101);
/// assert!(Parser::new().parse(&deep).is_err());
/// let parser = Parser::new().limits(Limits { max_depth: 200, ..Limits::default() });
/// assert!(parser.parse(&deep).is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest `$filter` accepted, in bytes after percent-decoding. Default 8 KiB (8,192), as
    /// `docs/semantics.md` §8 decides: far above any real MDE query, small enough to bound the work of a request.
    pub max_length: usize,
    /// Deepest nesting accepted. Default 100. Each open `(`, `[` or `{` (grouping, call, list, lambda,
    /// JSON) is one level, and so is each prefix operator (`not`, `-`) in a row before an operand: the
    /// depth bounds the recursion of the parser, printer, validator and evaluator into nested
    /// constructs. A chain of one operator (`a or b or …`) is a tree as deep as the chain is long; it is
    /// bounded by `max_nodes`, and the printer and validator walk such chains in loops.
    ///
    /// Each level costs stack: measured at up to ~10 KiB in debug builds and ~2 KiB in release builds
    /// (pest's generated recogniser dominates). The default fits the 2 MiB stack of a spawned thread in
    /// either; raise it only together with the stack size of the threads that parse.
    pub max_depth: usize,
    /// Most expression nodes accepted. Default 1,000. Every literal, path, alias, function call, operator
    /// (`eq`, `and`, `not`, `in`, …), JSON array or object counts one; the items of an `in` list count
    /// against `max_in_list_items` instead.
    pub max_nodes: usize,
    /// Most items in one `in` list. Default 10,000.
    pub max_in_list_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_length: 8 * 1024,
            max_depth: 100,
            max_nodes: 1_000,
            max_in_list_items: 10_000,
        }
    }
}

impl Limits {
    /// Limits that let through any number of nodes and list items up to the given length; the depth
    /// stays at its default because it protects the stack. Used for benchmarks and tests on large inputs.
    pub fn generous(max_length: usize) -> Self {
        Limits {
            max_length,
            max_depth: Limits::default().max_depth,
            max_nodes: usize::MAX,
            max_in_list_items: usize::MAX,
        }
    }
}

/// A configured `$filter` parser. [`parse_filter`] is the same with default settings.
///
/// ```
/// let parser = odata_filter::Parser::new();
/// let expr = parser.parse("Status EQ 'Pending' AND type eq 'Isolate'").unwrap();
/// assert_eq!(expr.to_string(), "Status eq 'Pending' and type eq 'Isolate'");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Parser {
    limits: Limits,
}

impl Parser {
    /// A parser with the default [`Limits`].
    pub fn new() -> Self {
        Parser::default()
    }

    /// Replaces the limits (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub(crate) fn current_limits(&self) -> &Limits {
        &self.limits
    }

    /// Parses a `$filter` expression (already percent-decoded).
    ///
    /// ```
    /// let e = odata_filter::Parser::new().parse("year(creationDateTimeUtc) eq 2024").unwrap();
    /// assert_eq!(e.to_string(), "year(creationDateTimeUtc) eq 2024");
    /// assert!(odata_filter::Parser::new().parse("status eq").is_err());
    /// ```
    pub fn parse(&self, input: &str) -> Result<Expr, Error> {
        prescan::check(input, &self.limits)?;
        build::parse(input, &self.limits)
    }
}

/// Parses a `$filter` expression with default limits.
///
/// ```
/// let expr = odata_filter::parse_filter("status eq 'Succeeded' and creationDateTimeUtc ge 2024-01-01T00:00:00Z").unwrap();
/// assert_eq!(expr.to_string(), "status eq 'Succeeded' and creationDateTimeUtc ge 2024-01-01T00:00:00Z");
///
/// let err = odata_filter::parse_filter("status == 'Succeeded'").unwrap_err();
/// assert_eq!(err.span().start, 7);
/// ```
pub fn parse_filter(input: &str) -> Result<Expr, Error> {
    Parser::new().parse(input)
}
