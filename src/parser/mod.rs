//! pest behind a wall (work in progress).
use crate::ast::Expr;
use crate::error::Error;

/// Limits.
#[derive(Clone, Debug)]
pub struct Limits;
/// Parser.
#[derive(Clone, Debug)]
pub struct Parser;

/// Parses a `$filter` expression.
pub fn parse_filter(_input: &str) -> Result<Expr, Error> {
    todo!()
}
