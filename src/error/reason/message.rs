//! The one place every error's text is worded: [`Reason::message`](super::Reason) and the small
//! helpers its messages share.

use crate::ast::{BinaryOp, LambdaKind};
use crate::schema::EdmType;

use super::{DurationHint, LiteralFix, LiteralProblem, ParamType, Reason};
use crate::error::Exceeded;

/// A type for messages: its name, or `null` for the null literal's.
fn ty(t: &Option<EdmType>) -> String {
    t.as_ref()
        .map_or_else(|| "null".to_string(), |t| t.to_string())
}

/// " Did you mean 'x'?" or "".
fn hint(s: &Option<String>) -> String {
    s.as_deref()
        .map(crate::suggest::did_you_mean)
        .unwrap_or_default()
}

/// " " and the fix, or "".
fn fix_text(fix: &Option<LiteralFix>) -> String {
    fix.as_ref().map(|f| format!(" {f}")).unwrap_or_default()
}

/// A token in quotes for a message; a string literal already has its own.
fn quote(token: &str) -> String {
    if token.starts_with('\'') {
        token.to_string()
    } else {
        format!("'{token}'")
    }
}

/// " after 'x'" or "".
fn after_text(after: &Option<String>) -> String {
    after
        .as_deref()
        .map(|a| format!(" after {}", quote(a)))
        .unwrap_or_default()
}

/// "found …" for a message.
fn found_text(found: &Option<String>) -> String {
    match found.as_deref() {
        None => "found the end of the filter".to_string(),
        Some(t) if t.starts_with(char::is_whitespace) => "found a space".to_string(),
        Some(t) => format!("found {}", quote(t)),
    }
}

fn lambda_keyword(kind: LambdaKind) -> &'static str {
    match kind {
        LambdaKind::Any => "any",
        LambdaKind::All => "all",
    }
}

/// OData's name for an operator in "incompatible types" messages.
fn operator_kind(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "Equal",
        BinaryOp::Ne => "NotEqual",
        BinaryOp::Gt => "GreaterThan",
        BinaryOp::Ge => "GreaterThanOrEqual",
        BinaryOp::Lt => "LessThan",
        BinaryOp::Le => "LessThanOrEqual",
        BinaryOp::Has => "Has",
        BinaryOp::And => "And",
        BinaryOp::Or => "Or",
        BinaryOp::Add => "Add",
        BinaryOp::Sub => "Subtract",
        BinaryOp::Mul => "Multiply",
        BinaryOp::Div => "Divide",
        BinaryOp::DivBy => "DivideBy",
        BinaryOp::Mod => "Modulo",
    }
}

const OPERAND: &str = "expected a value, property or function call";

/// The message of a [`Reason::MalformedLiteral`].
fn literal_message(problem: &LiteralProblem) -> String {
    use LiteralProblem as P;
    match problem {
        P::Int64OutOfRange { literal } => format!(
            "the integer {literal} is out of the Int64 range \
             (-9223372036854775808 to 9223372036854775807)"
        ),
        P::DoubleOutOfRange { literal } => {
            format!("the number {literal} is out of the range of Edm.Double")
        }
        P::InvalidGuid { literal, problem } => format!("invalid Guid {literal}: {problem}"),
        P::InvalidBinary { problem, .. } => {
            format!("invalid binary literal (base64url expected): {problem}")
        }
        P::NotADate { literal } => format!("{literal} is not a date such as 2024-01-31"),
        P::YearOutOfRange { year, .. } => format!("the year {year} is out of range"),
        P::MonthOutOfRange { literal, month } => {
            format!("{literal} is not a valid date: month {month} is not 01 to 12")
        }
        P::DayOutOfRange { literal, day } => {
            format!("{literal} is not a valid date: day {day} does not exist in that month")
        }
        P::HourOutOfRange { literal, hour } => {
            format!("{literal} is not a valid time: hour {hour} is not 00 to 23")
        }
        P::MinuteOutOfRange { literal, minute } => {
            format!("{literal} is not a valid time: minute {minute} is not 00 to 59")
        }
        P::SecondOutOfRange { literal, second } => {
            format!("{literal} is not a valid time: second {second} is not 00 to 60")
        }
        P::TooManyFractionalDigits { literal, digits } => {
            format!("{literal} has {digits} fractional-second digits; at most 12 are allowed")
        }
        P::InvalidOffset { literal, offset } => {
            format!("{literal} has an invalid offset {offset}")
        }
        P::NotADuration { value, hint } => {
            let hint = match hint {
                Some(DurationHint::YearsOrWeeks) => {
                    ": years and weeks are not allowed in an Edm.Duration, use days"
                }
                Some(DurationHint::Months) => {
                    ": months are not allowed in an Edm.Duration, use days (PT…M are minutes)"
                }
                None => "",
            };
            format!("'{value}' is not a duration such as P1DT2H30M or PT0.5S{hint}")
        }
        P::NotWellKnownText { literal, geography } => {
            let kind = if *geography { "geography" } else { "geometry" };
            format!(
                "the {kind} literal {literal} is not well-known text such as SRID=0;Point(142.1 64.1)"
            )
        }
        P::EnumWithoutMember { literal } => format!("the enum literal {literal} names no member"),
        P::EnumNotMembers { literal } => format!(
            "the enum literal {literal} must hold member names or integers separated by \
             commas, such as Ns.Color'Red,Blue'"
        ),
    }
}

impl Reason {
    /// The library's message for this reason: every error's text is made here.
    pub(in crate::error) fn message(&self) -> String {
        use Reason as R;
        match self {
            R::UnknownOption { option, suggestion } => {
                format!(
                    "'{option}' is not a system query option.{}",
                    hint(suggestion)
                )
            }
            R::DuplicateOption { option } => {
                format!("the query option '{option}' is given more than once; give it at most once")
            }
            R::TopAboveCap { cap, top } => {
                format!("$top is {top}; the entity set returns at most {cap} records per request")
            }
            R::OptionNotSupported { option, entity_set } => {
                format!("the entity set '{entity_set}' does not support {option}")
            }
            R::OptionNotAllowed { option, value } if option == "$format" => {
                format!("$format '{value}' is not supported: the service answers JSON only")
            }
            R::OptionNotAllowed { option, .. } => {
                format!("{option} is not supported: page with $skip (or follow @odata.nextLink)")
            }
            R::UnknownProperty {
                property,
                type_name,
                suggestion,
            } => format!(
                "Could not find a property named '{property}' on type '{type_name}'.{}",
                hint(suggestion)
            ),
            R::AmbiguousProperty { property, type_name } => format!(
                "The property name '{property}' is ambiguous on type '{type_name}': several properties differ from it only in case."
            ),
            R::PropertyNotFilterable { property, option } => {
                format!("The property '{property}' cannot be used in the {option} query option.")
            }
            R::PropertyOfCollection {
                property,
                collection,
                collection_type,
            } => format!(
                "The property '{property}' cannot be read from a collection of type '{collection_type}': use any() or all(), e.g. {collection}/any(x: x/{property} eq …)."
            ),
            R::PropertyOfValue { property, found } => {
                format!("The property '{property}' cannot be read from a value of type '{found}'.")
            }
            R::ThisOutsideLambda => {
                "'$this' can only be used inside an any or all lambda.".to_string()
            }
            R::RootPath => "'$root' paths are not supported in $filter.".to_string(),
            R::WholeEntity => "'$it' on its own (the whole entity) cannot be used in an expression; name a property: $it/status.".to_string(),
            R::AfterCount => "Nothing may follow '$count' in a path.".to_string(),
            R::CountNeedsCollection { found } => {
                format!("'$count' needs a collection, found '{found}'.")
            }
            R::TypeCastSegment { name } => {
                format!("Type cast segments ('{name}') are not supported.")
            }
            R::AnnotationSegment { name } => {
                format!("Annotations ('@{name}') are not supported in $filter.")
            }
            R::UnknownBoundFunction { name } => {
                format!("The function '{name}' is not defined for this entity set.")
            }
            R::LambdaAfterCount => "A lambda cannot follow '$count'.".to_string(),
            R::LambdaNeedsCollection {
                lambda,
                path,
                found,
            } => format!(
                "The '{}' operator needs a collection, but '{path}' is of type '{found}'.",
                lambda_keyword(*lambda)
            ),
            R::LambdaTooDeep { lambda, limit } => format!(
                "The '{}' lambdas are nested more than {limit} levels deep.",
                lambda_keyword(*lambda)
            ),
            R::LambdaNotBoolean { lambda, found } => format!(
                "The predicate of '{}' must be Boolean, but it is of type '{}'.",
                lambda_keyword(*lambda),
                ty(found)
            ),
            R::FilterNotBoolean { found } => format!(
                "The $filter expression must be of type 'Edm.Boolean', but it is of type '{found}'."
            ),
            R::SortKeyNotOrderable { found } => format!(
                "The $orderby key must be of a primitive or enum type, but it is of type '{}'.",
                ty(found)
            ),
            R::ExpressionTooDeep { limit } => {
                format!("The expression is nested more than {limit} levels deep.")
            }
            R::IncompatibleOperands {
                op,
                left,
                right,
                fix,
            } => format!(
                "A binary operator with incompatible types was detected. Found operand types '{}' and '{}' for operator kind '{}'.{}",
                ty(left),
                ty(right),
                operator_kind(*op),
                fix_text(fix)
            ),
            R::NegationOverflow => "Negating this constant overflows Edm.Int64.".to_string(),
            R::NegationType { found } => format!(
                "The operand of '-' must be a number or a duration, but it is of type '{found}'."
            ),
            R::NotOperandType {
                operand,
                named,
                found,
                comparison,
            } => {
                let what = if *named {
                    format!("'{operand}' is of type '{found}'")
                } else {
                    format!("its operand is of type '{found}'")
                };
                match comparison {
                    Some((op, right)) => format!(
                        "The 'not' operator needs a Boolean operand, but {what}. 'not' binds tighter than '{op}': \"not {operand} {op} {right}\" reads as \"(not {operand}) {op} {right}\". To negate the comparison write \"not ({operand} {op} {right})\"."
                    ),
                    None => format!("The 'not' operator needs a Boolean operand, but {what}."),
                }
            }
            R::DivisionByZero { dividend, op } => format!(
                "Division by zero in a constant expression ({dividend} {} 0).",
                op.keyword()
            ),
            R::ConstantOverflow { left, op, right } => format!(
                "The constant expression {left} {} {right} overflows Edm.Int64.",
                op.keyword()
            ),
            R::HasNeedsMember { found } => format!(
                "The right operand of 'has' must be a member of the left operand's enum type (a quoted member name), found '{}'.",
                ty(found)
            ),
            R::InNeedsListOrCollection => "The right side of 'in' must be a parenthesised list of values or a collection property.".to_string(),
            R::InCollectionType {
                operand,
                path,
                collection,
            } => format!(
                "The right side of 'in' must be a collection of '{}', but '{path}' is of type '{collection}'.",
                ty(operand)
            ),
            R::InOperandType { found } => {
                format!("'in' needs a primitive or enum operand, found '{found}'.")
            }
            R::InItemNotLiteral => "The items of an 'in' list must be literal values.".to_string(),
            R::InItemType { item, operand, fix } => format!(
                "The 'in' list item of type '{}' does not match the operand type '{}'.{}",
                ty(item),
                ty(operand),
                fix_text(fix)
            ),
            R::UndefinedAlias { alias } => format!(
                "the parameter alias '@{alias}' is not defined: add '&@{alias}=…' to the query string"
            ),
            R::MisplacedTypeName { type_name } => format!(
                "The type name '{type_name}' can only be used as the last argument of cast or isof."
            ),
            R::MisplacedList => {
                "A parenthesised list of values can only be used on the right of 'in'.".to_string()
            }
            R::JsonLiteral => {
                "JSON array and object literals are not supported in $filter.".to_string()
            }
            R::UnknownEnumMember {
                member,
                enum_type,
                suggestion,
                members,
            } => {
                let head =
                    format!("The string '{member}' is not a valid member of enum type '{enum_type}'.");
                match suggestion {
                    Some(_) => head + &hint(suggestion),
                    None => format!("{head} Valid members: {}.", members.join(", ")),
                }
            }
            R::UnknownEnumType { type_name } => format!("Unknown enum type '{type_name}'."),
            R::InvalidGuidString { text } => format!(
                "The string '{text}' is not a valid Edm.Guid (expected the form 05c7bba5-828c-4451-9867-1191919f897e)."
            ),
            R::InvalidNumber { text } => format!("'{text}' is not a valid number."),
            R::LeapSecond => "Leap seconds (second 60) are not supported: Edm.DateTimeOffset values have no leap seconds; write second 59.".to_string(),
            R::InvalidDuration { text } => format!(
                "'{text}' is not a valid Edm.Duration (expected days, hours, minutes and seconds, e.g. P1DT2H30M)."
            ),
            R::GeoLiteral => {
                "Geography and geometry literals are not supported by this entity set.".to_string()
            }
            R::DateOutOfRange => "The date or time literal is out of range.".to_string(),
            R::UnknownFunction { name, suggestion } => match suggestion {
                Some(_) => format!("unknown function '{name}'.{}", hint(suggestion)),
                None => format!("unknown function '{name}'"),
            },
            R::ArgumentCount {
                function,
                min,
                max,
                found,
            } => {
                let expected = if min == max {
                    format!("{min}")
                } else {
                    format!("{min} or {max}")
                };
                let plural = if *max == 1 { "" } else { "s" };
                format!(
                    "{}() takes {expected} argument{plural}, found {found}",
                    function.name()
                )
            }
            R::FunctionNotSupported { function } => format!(
                "The function '{}' is not supported by this entity set.",
                function.name()
            ),
            R::ArgumentType {
                function,
                expected,
                found,
                fix,
            } => format!(
                "The function '{}' expects {} here, but the argument is of type '{}'.{}",
                function.name(),
                expected.expected(),
                ty(found),
                fix_text(fix)
            ),
            R::TooManyPatterns { limit, .. } => {
                format!("The filter calls matchesPattern more than {limit} times.")
            }
            R::UnusablePattern { problem } => {
                format!("The pattern of matchesPattern is not usable: {problem}.")
            }
            R::CastOfEntity { function } => {
                let name = function.name();
                format!(
                    "The one-argument form {name}(Type) applies to the entity itself and is not supported; write {name}(property, Type)."
                )
            }
            R::TypeNameExpected { function } => format!(
                "the last argument of {}() must be a type name such as Edm.String",
                function.name()
            ),
            R::TypeNameNotLast { function } => format!(
                "a type name such as Edm.String can only be the last argument of cast() or \
                 isof(), not of {}()",
                function.name()
            ),
            R::UnknownCastType {
                function,
                type_name,
            } => format!(
                "Unknown type '{type_name}': {} accepts primitive types (Edm.String, Edm.Int32, …) and the enum types of the model.",
                function.name()
            ),
            R::InvalidCast { from, to } => {
                format!("A value of type '{}' cannot be cast to '{to}'.", ty(from))
            }
            R::IllTyped { problem } => format!("The expression is not well typed: {problem}."),
            R::TooLong { length, limit } => {
                format!("the filter is {length} bytes long; the limit is {limit} bytes")
            }
            R::TooDeep { limit } => {
                format!("the filter nests deeper than the limit of {limit} levels")
            }
            R::TooManyNodes { limit } => {
                format!("the filter has more than {limit} expression nodes")
            }
            R::TooManyListItems { items, limit } => {
                format!("the 'in' list has {items} items; the limit is {limit}")
            }
            R::UnterminatedString { literal, glued_at } => match glued_at {
                Some(q) => format!(
                    "the string literal {literal} has no closing quote; the string \
                     ending before {q} is followed directly by text: a quote inside a \
                     string is written as two quotes ('')"
                ),
                None => format!("the string literal {literal} has no closing quote"),
            },
            R::UnterminatedJsonString { start } => {
                format!("unterminated JSON string starting at {start}")
            }
            R::MismatchedBracket {
                found,
                before,
                opened,
                opened_at,
            } => format!("'{found}' before {before} does not close the '{opened}' of {opened_at}"),
            R::UnopenedBracket { found, before } => {
                format!("unexpected '{found}' before {before}: nothing to close")
            }
            R::UnclosedBracket {
                opened,
                opened_at,
                expected,
            } => format!("the '{opened}' of {opened_at} is never closed: expected '{expected}'"),
            R::CStyleOperator {
                operator,
                replacement,
            } => format!("'{operator}' is not an OData operator: write '{replacement}'"),
            R::V3Literal { prefix, fixed } => {
                let what = if prefix.eq_ignore_ascii_case("guid") {
                    "Guid"
                } else {
                    "date-time"
                };
                format!(
                    "OData v4 writes a {what} without {prefix}'…' and without quotes: write {fixed}"
                )
            }
            R::ShortDate { fixed } => {
                format!("dates are written with two-digit months and days: write {fixed}")
            }
            R::MissingOffset { literal } => format!(
                "the date-time {literal} has no offset: add Z (UTC) or +hh:mm, e.g. {literal}Z"
            ),
            R::LambdaVariableExpected { variable, found } => match variable {
                None => format!(
                    "expected a lambda variable such as 'c' in any(c: …), {}",
                    found_text(found)
                ),
                Some(v) => format!(
                    "expected ':' after the lambda variable '{v}', as in any({v}: {v}/commandStatus eq 'Failed'), {}",
                    found_text(found)
                ),
            },
            R::OperatorNeedsSpaces { operator } => {
                format!("the operator '{operator}' needs a space before and after it")
            }
            R::OperatorExpected {
                in_call,
                after,
                found,
            } => {
                let expected = if *in_call {
                    "expected ',' or ')' or an operator such as eq, add, and"
                } else {
                    "expected an operator such as eq, ne, gt, and, or"
                };
                format!("{expected}{}, {}", after_text(after), found_text(found))
            }
            R::OperandExpected { after, found } => {
                format!("{OPERAND}{}, {}", after_text(after), found_text(found))
            }
            R::OperatorAsOperand { operator, after } => format!(
                "{OPERAND}{}, found the operator '{operator}'",
                after_text(after)
            ),
            R::PartialGuid { after, found } => format!(
                "{OPERAND}{}, found '{found}', which is not a valid Guid \
                 (8-4-4-4-12 hexadecimal digits, such as 05c7bba5-828c-4451-9867-1191919f897e)",
                after_text(after)
            ),
            R::DoubleQuotedString { after, found } => format!(
                "{OPERAND}{}, found '{found}': string literals use single quotes",
                after_text(after)
            ),
            R::NotWithoutOperand => {
                "expected a value, property or function call after 'not'".to_string()
            }
            R::QualifiedNameAlone { name } => format!(
                "expected '(' or '/' after '{name}': a qualified name is a function call \
                 such as {name}() or a type cast followed by '/'"
            ),
            R::LiteralHasNoMembers { literal } => format!(
                "expected an operator after '{literal}', found '/': a literal has no members"
            ),
            R::AfterLambda => "nothing may follow an any() or all() lambda in a path".to_string(),
            R::AllWithoutPredicate => "all() needs a range variable and a predicate, such as all(c: c/commandStatus eq 'Completed')".to_string(),
            R::NonLiteralInList => "an 'in' list holds only literals and parameter aliases; this item is a property \
                 or another expression".to_string(),
            R::LambdaExpected { found } => {
                format!("expected any(…) or all(…) after '/', {}", found_text(found))
            }
            R::ParameterExpected { found } => {
                format!("expected a parameter name=value, {}", found_text(found))
            }
            R::UnexpectedEnd { after } => {
                format!("unexpected end of the filter{}", after_text(after))
            }
            R::UnexpectedToken { found, after } => {
                let found = found_text(&Some(found.clone()));
                format!(
                    "unexpected {}{}",
                    found.trim_start_matches("found "),
                    after_text(after)
                )
            }
            R::InvalidJsonString { problem } => format!("invalid JSON string: {problem}"),
            R::AliasRefersToItself { alias } => {
                format!("the parameter alias '@{alias}' refers to itself")
            }
            R::ExpandedTooManyNodes { nodes, limit } => format!(
                "with its parameter aliases substituted the expression has {nodes} nodes; at most {limit} are accepted"
            ),
            R::ExpandedTooDeep { depth, limit } => format!(
                "with its parameter aliases substituted the expression is nested {depth} levels deep; at most {limit} are accepted"
            ),
            R::ExpandedTooLong { length, limit } => format!(
                "with its parameter aliases substituted the filter is {length} bytes long; the limit is {limit} bytes"
            ),
            R::NormalizedTooLong { length, limit } => format!(
                "normalized, the filter is {length} bytes long (one space around operators, ', ' between list items, aliases substituted); the limit is {limit} bytes"
            ),
            R::BadPercentEscape => {
                "'%' must be followed by two hex digits (write %25 for a literal '%')".to_string()
            }
            R::DecodedNotUtf8 => "the percent-decoded value is not valid UTF-8".to_string(),
            R::AmpersandEndsOption { option } => format!(
                "'&' ends the ${option} option here: inside a filter write 'and'; inside a string write %26"
            ),
            R::NoOption { fixed } => {
                format!("the query string has no option; to filter, write '{fixed}'")
            }
            R::BadOptionName { name } => format!(
                "'{name}' cannot be the name of a query option: write system options as $filter=…, and an '&' or '=' inside a value as %26 or %3D"
            ),
            R::OptionWithoutName { part } => format!("the query option '{part}' has no name"),
            R::OptionWithoutValue { option } => {
                format!("the query option '{option}' has no value: write '{option}=…'")
            }
            R::InvalidCount {
                option,
                value,
                problem,
            } => format!("The value '{value}' of ${option} is not valid: {problem}"),
            R::InvalidCountFlag { value } => {
                format!("The value '{value}' of $count is not valid: write true or false")
            }
            R::TooManyOrderbyKeys { keys, limit } => {
                format!("$orderby has {keys} keys; at most {limit} are accepted")
            }
            R::EmptyOrderbyItem => {
                "empty $orderby item: write a property name, optionally followed by asc or desc"
                    .to_string()
            }
            R::BadSortDirection { found, fix } => {
                format!("'{found}' is not a sort direction in $orderby: write '{fix}'")
            }
            R::BadSelectItem { name } => {
                format!("'{name}' is not a property name or '*' in $select")
            }
            R::NotSupportedByEngine { construct, engine } => {
                format!("{construct} is not supported by {engine}")
            }
            R::WrongEntitySet {
                path,
                entity_set,
                supported,
            } => format!(
                "the URL's path '{path}' does not name the entity set '{entity_set}'; supported: {}",
                supported.join(", ")
            ),
            R::MalformedLiteral { problem } => literal_message(problem),
        }
    }

    /// The suggested fix that goes with it, if any.
    pub(in crate::error) fn suggestion(&self) -> Option<&str> {
        match self {
            Reason::UnknownOption { suggestion, .. }
            | Reason::UnknownProperty { suggestion, .. }
            | Reason::UnknownEnumMember { suggestion, .. }
            | Reason::UnknownFunction { suggestion, .. } => suggestion.as_deref(),
            Reason::NoOption { fixed } => Some(fixed),
            Reason::BadSortDirection { fix, .. } => Some(fix),
            _ => None,
        }
    }

    /// The exceeded limit that goes with it, if any.
    pub(in crate::error) fn exceeded(&self) -> Option<Exceeded> {
        let (limit, value) = match *self {
            Reason::TopAboveCap { cap, top } => (cap, top),
            Reason::TooLong { length, limit } => (limit, length),
            Reason::TooManyListItems { items, limit } => (limit, items),
            Reason::TooManyPatterns { limit, count } => (limit, count),
            Reason::ExpandedTooManyNodes { nodes, limit } => (limit, nodes),
            Reason::ExpandedTooDeep { depth, limit } => (limit, depth),
            Reason::ExpandedTooLong { length, limit }
            | Reason::NormalizedTooLong { length, limit } => (limit, length),
            Reason::TooManyOrderbyKeys { keys, limit } => (limit, keys),
            Reason::TooDeep { limit }
            | Reason::TooManyNodes { limit }
            | Reason::ExpressionTooDeep { limit }
            | Reason::LambdaTooDeep { limit, .. } => (limit, limit.saturating_add(1)),
            _ => return None,
        };
        Some(Exceeded { limit, value })
    }
}

impl ParamType {
    /// The accepted types, for messages.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            ParamType::String => "'Edm.String'",
            ParamType::Integer => "an integer",
            ParamType::DateLike => "'Edm.Date' or 'Edm.DateTimeOffset'",
            ParamType::TimeLike => "'Edm.DateTimeOffset' or 'Edm.TimeOfDay'",
            ParamType::DateTimeOffset => "'Edm.DateTimeOffset'",
            ParamType::Duration => "'Edm.Duration'",
            ParamType::Number => "a number",
        }
    }
}

impl std::fmt::Display for LiteralFix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LiteralFix::UnquoteDateTime(t) => {
                write!(f, "Drop the quotes to write a date-time literal: {t}")
            }
            LiteralFix::UnquoteDate(t) => write!(f, "Drop the quotes to write a date literal: {t}"),
            LiteralFix::UnquoteNumber(t) => write!(f, "Drop the quotes to write a number: {t}"),
            LiteralFix::QuoteEnumMember(m) => write!(
                f,
                "Enum values are written as quoted member names, e.g. '{m}'."
            ),
            LiteralFix::QuoteString(t) => write!(f, "String values are quoted: '{t}'"),
            LiteralFix::CompareEnumByMember { argument, member } => write!(
                f,
                "Compare the enum by member instead ({argument} eq '{member}'), or convert it first: cast({argument}, Edm.String)."
            ),
        }
    }
}
