//! Operators: the prefix and binary operators and their precedence, which the parser, the printers and
//! the validator share.

use std::fmt;

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// Arithmetic negation `-x`.
    Neg,
    /// Logical negation `not x`.
    Not,
}

/// Binary operators, lowest precedence last in each group as in OData URL Conventions §5.1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
    /// `has` (enum flags)
    Has,
    /// `and`
    And,
    /// `or`
    Or,
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div`
    Div,
    /// `divby` (decimal division of integers)
    DivBy,
    /// `mod`
    Mod,
}

impl BinaryOp {
    /// The keyword, lower case: `eq`, `and`, `divby`, …
    pub const fn keyword(self) -> &'static str {
        match self {
            BinaryOp::Eq => "eq",
            BinaryOp::Ne => "ne",
            BinaryOp::Gt => "gt",
            BinaryOp::Ge => "ge",
            BinaryOp::Lt => "lt",
            BinaryOp::Le => "le",
            BinaryOp::Has => "has",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "div",
            BinaryOp::DivBy => "divby",
            BinaryOp::Mod => "mod",
        }
    }

    /// The operator for a keyword in any case (`EQ`, `and`, `DivBy`), if it is one.
    pub(crate) fn from_keyword(word: &str) -> Option<BinaryOp> {
        let b = word.as_bytes();
        let lower = |i: usize| b[i].to_ascii_lowercase();
        Some(match b.len() {
            2 => match (lower(0), lower(1)) {
                (b'e', b'q') => BinaryOp::Eq,
                (b'o', b'r') => BinaryOp::Or,
                (b'n', b'e') => BinaryOp::Ne,
                (b'g', b't') => BinaryOp::Gt,
                (b'g', b'e') => BinaryOp::Ge,
                (b'l', b't') => BinaryOp::Lt,
                (b'l', b'e') => BinaryOp::Le,
                _ => return None,
            },
            3 => match (lower(0), lower(1), lower(2)) {
                (b'a', b'n', b'd') => BinaryOp::And,
                (b'h', b'a', b's') => BinaryOp::Has,
                (b'a', b'd', b'd') => BinaryOp::Add,
                (b's', b'u', b'b') => BinaryOp::Sub,
                (b'm', b'u', b'l') => BinaryOp::Mul,
                (b'd', b'i', b'v') => BinaryOp::Div,
                (b'm', b'o', b'd') => BinaryOp::Mod,
                _ => return None,
            },
            5 if word.eq_ignore_ascii_case("divby") => BinaryOp::DivBy,
            _ => return None,
        })
    }

    /// Binding strength: higher binds tighter. `or` = 1, `and` = 2, `eq ne` = 3, `gt ge lt le` = 4,
    /// `add sub` = 5, `mul div divby mod` = 6, `has` = 8 (prefix operators are 7, `in` is 8 too).
    pub(crate) const fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::Ne => 3,
            BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::DivBy | BinaryOp::Mod => 6,
            BinaryOp::Has => 8,
        }
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Precedence of the prefix operators `-` and `not` (see [`BinaryOp::precedence`]).
pub(crate) const UNARY_PRECEDENCE: u8 = 7;
/// Precedence of `in` and `has`.
pub(crate) const MEMBERSHIP_PRECEDENCE: u8 = 8;
