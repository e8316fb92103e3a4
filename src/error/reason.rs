//! [`Reason`]: what an error is about, as data. Its `message` submodule is the one place each reason is worded.

use crate::ast::{BinaryOp, Function, LambdaKind};
use crate::schema::EdmType;

mod message;
mod parts;

pub use parts::{DurationHint, LiteralFix, LiteralProblem, ParamType};

/// What an error is about, beyond its [`ErrorKind`](super::ErrorKind): the data its message is made
/// from (names, expected and found types, the suggestion, the limit and the value), so that a caller can
/// react without reading the text, and a service can word it its own way
/// ([`mde::wire_message`](crate::mde::wire_message) gives MDE's stock texts). Every error of the parser
/// and of the validator has one ([`Error::reason`](super::Error::reason)).
///
/// An error of a query string's options:
///
/// ```
/// use odata_filter::{mde::machine_actions, query::Query, Reason};
/// let err = Query::from_query_string("$stop=2", machine_actions()).unwrap_err();
/// assert_eq!(
///     err.as_slice()[0].reason(),
///     Some(&Reason::UnknownOption { option: "$stop".into(), suggestion: Some("$top".into()) })
/// );
/// assert_eq!(err.as_slice()[0].message(), "'$stop' is not a system query option. Did you mean '$top'?");
/// ```
///
/// An error of the validator: the operator and both operand types, as the schema's types.
///
/// ```
/// use odata_filter::{ast::BinaryOp, mde::machine_actions, validate_text, EdmType, Reason, ValidateOptions};
/// let err = validate_text("requestor eq 1", machine_actions(), &ValidateOptions::default())
///     .unwrap_err();
/// let Some(Reason::IncompatibleOperands { op, left, right, .. }) = err.as_slice()[0].reason() else {
///     panic!("{err}");
/// };
/// assert_eq!((*op, left, right), (BinaryOp::Eq, &Some(EdmType::String), &Some(EdmType::Int32)));
/// assert_eq!(
///     err.as_slice()[0].message(),
///     "A binary operator with incompatible types was detected. Found operand types 'Edm.String' and \
///      'Edm.Int32' for operator kind 'Equal'. String values are quoted: '1'"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    // ---- The query string's options.
    /// `$stop=2`: a `$`-option that OData does not define, and the closest one.
    UnknownOption {
        /// The option as written, with its `$`.
        option: String,
        /// The closest system option (`$top`), when one is close.
        suggestion: Option<String>,
    },
    /// `$top=1&$top=2`: an option given twice.
    DuplicateOption {
        /// The option as written the second time.
        option: String,
    },
    /// `$top=20000` on MachineActions: more than the entity set returns per request.
    TopAboveCap {
        /// The entity set's cap (`10000`).
        cap: u64,
        /// The `$top` asked for.
        top: u64,
    },
    /// `$search=x`, `$expand=x`: an option the entity set does not support.
    OptionNotSupported {
        /// The option, canonical (`$search`).
        option: String,
        /// The entity set's name.
        entity_set: String,
    },
    /// `$skiptoken=…`, `$format=xml`: an option (or value) the service does not allow: it pages by
    /// `$skip` and answers JSON only.
    OptionNotAllowed {
        /// The option, canonical (`$skiptoken`, `$format`).
        option: String,
        /// Its value as given.
        value: String,
    },

    // ---- Properties and paths (validator; `$select` too for an unknown property).
    /// `stauts eq 'x'`, `$select=nope`: a name the type does not have.
    UnknownProperty {
        /// The name as written.
        property: String,
        /// The type's name (`MachineAction`).
        type_name: String,
        /// The closest property name, when one is close.
        suggestion: Option<String>,
    },
    /// A name that matches several properties when case is ignored.
    AmbiguousProperty {
        /// The name as written.
        property: String,
        /// The type's name.
        type_name: String,
    },
    /// `computerDnsName eq 'x'`: a property that may not be used in this query option.
    PropertyNotFilterable {
        /// The property's name.
        property: String,
        /// The query option (`$filter`, `$orderby`).
        option: String,
    },
    /// `commands/index eq 1`: a property read from a collection instead of inside a lambda.
    PropertyOfCollection {
        /// The property asked for.
        property: String,
        /// The collection's name as written (`commands`).
        collection: String,
        /// The collection's type.
        collection_type: EdmType,
    },
    /// `status/x eq 1`: a property read from a value that has none.
    PropertyOfValue {
        /// The property asked for.
        property: String,
        /// The type of the value.
        found: EdmType,
    },
    /// `$this` outside a lambda.
    ThisOutsideLambda,
    /// A `$root/…` path.
    RootPath,
    /// `$it` alone, the whole entity, used as a value.
    WholeEntity,
    /// `commands/$count/x`: a segment after `$count`.
    AfterCount,
    /// `status/$count`: `$count` of a value that is not a collection.
    CountNeedsCollection {
        /// The type it was applied to.
        found: EdmType,
    },
    /// A type-cast segment (`Ns.Type/…`) in a path.
    TypeCastSegment {
        /// The type name as written.
        name: String,
    },
    /// An annotation segment (`@x`) in a path.
    AnnotationSegment {
        /// The annotation's name, without `@`.
        name: String,
    },
    /// A bound function segment (`Ns.F(…)`) in a path.
    UnknownBoundFunction {
        /// The function's name as written.
        name: String,
    },
    /// `commands/$count/any(…)`.
    LambdaAfterCount,
    /// `status/any(…)`: a lambda on a value that is not a collection.
    LambdaNeedsCollection {
        /// `any` or `all`.
        lambda: LambdaKind,
        /// The path as written.
        path: String,
        /// Its type.
        found: EdmType,
    },
    /// Lambdas nested deeper than the validator allows.
    LambdaTooDeep {
        /// `any` or `all`.
        lambda: LambdaKind,
        /// The deepest nesting allowed.
        limit: u64,
    },
    /// `commands/any(c: c/index)`: a predicate that is not Boolean.
    LambdaNotBoolean {
        /// `any` or `all`.
        lambda: LambdaKind,
        /// The predicate's type (`None`: the null literal).
        found: Option<EdmType>,
    },

    // ---- Types and operators (validator).
    /// A `$filter` whose value is not Boolean: `errorHResult add 1`.
    FilterNotBoolean {
        /// Its type.
        found: EdmType,
    },
    /// An `$orderby` key of a type that does not sort.
    SortKeyNotOrderable {
        /// Its type (`None`: the null literal).
        found: Option<EdmType>,
    },
    /// A tree deeper than the validator recurses into.
    ExpressionTooDeep {
        /// The deepest nesting accepted.
        limit: u64,
    },
    /// `status eq 3`, `status eq 'a' and 1`: operand types that do not fit the operator or each other.
    IncompatibleOperands {
        /// The operator.
        op: BinaryOp,
        /// The left operand's type (`None`: the null literal).
        left: Option<EdmType>,
        /// The right operand's type (`None`: the null literal).
        right: Option<EdmType>,
        /// The obvious fix of a literal, when there is one.
        fix: Option<LiteralFix>,
    },
    /// `-9223372036854775808` negated again: the constant leaves Edm.Int64.
    NegationOverflow,
    /// `-status`: `-` of a value that is neither a number nor a duration.
    NegationType {
        /// The operand's type.
        found: EdmType,
    },
    /// `not status`: `not` of a value that is not Boolean.
    NotOperandType {
        /// The operand as written.
        operand: String,
        /// True when the operand is a property or call, named in the message.
        named: bool,
        /// Its type.
        found: EdmType,
        /// `not x eq y`: the comparison (operator and right operand as written) that `not` does not
        /// apply to, since it binds tighter.
        comparison: Option<(BinaryOp, String)>,
    },
    /// `1 div 0` in a constant expression.
    DivisionByZero {
        /// The left operand.
        dividend: i64,
        /// `div` or `mod`.
        op: BinaryOp,
    },
    /// `9223372036854775807 add 1`: a constant expression that overflows Edm.Int64.
    ConstantOverflow {
        /// The left operand.
        left: i64,
        /// The operator.
        op: BinaryOp,
        /// The right operand.
        right: i64,
    },
    /// `status has 1`: a `has` whose right operand is not a member of the left's enum type.
    HasNeedsMember {
        /// The right operand's type (`None`: the null literal).
        found: Option<EdmType>,
    },
    /// `x in y` where `y` is neither a parenthesised list nor a collection property.
    InNeedsListOrCollection,
    /// `id in commands`: a collection of another element type.
    InCollectionType {
        /// The operand's type (`None`: the null literal).
        operand: Option<EdmType>,
        /// The collection as written.
        path: String,
        /// The collection's type.
        collection: EdmType,
    },
    /// `commands in (…)`: an operand of a structured or collection type.
    InOperandType {
        /// The operand's type.
        found: EdmType,
    },
    /// `x in (y)` with a non-literal item.
    InItemNotLiteral,
    /// `status in ('Pending', 1)`: an item of another type than the operand.
    InItemType {
        /// The item's type (`None`: the null literal).
        item: Option<EdmType>,
        /// The operand's type (`None`: the null literal).
        operand: Option<EdmType>,
        /// The obvious fix of the item, when there is one.
        fix: Option<LiteralFix>,
    },
    /// `@p` used but not defined in the query string.
    UndefinedAlias {
        /// The alias's name, without `@`.
        alias: String,
    },
    /// A type name used as a value, not as the last argument of `cast` or `isof`.
    MisplacedTypeName {
        /// The type name as written.
        type_name: String,
    },
    /// A parenthesised list used elsewhere than on the right of `in`.
    MisplacedList,
    /// A JSON array or object literal.
    JsonLiteral,

    // ---- Literals (validator).
    /// `'Done'` for an enum that has no member `Done`.
    UnknownEnumMember {
        /// The member as written.
        member: String,
        /// The enum type's qualified name.
        enum_type: String,
        /// The closest member, when one is close.
        suggestion: Option<String>,
        /// All members, in declared order (listed in the message when none is close).
        members: Vec<String>,
    },
    /// `Ns.Nope'A'`: an enum literal of a type the model does not have.
    UnknownEnumType {
        /// The type name as written.
        type_name: String,
    },
    /// A quoted string compared with a Guid that is not one.
    InvalidGuidString {
        /// The string.
        text: String,
    },
    /// A decimal literal that is not a number.
    InvalidNumber {
        /// The literal.
        text: String,
    },
    /// A date-time with second 60.
    LeapSecond,
    /// A duration literal that does not read as days, hours, minutes and seconds.
    InvalidDuration {
        /// The duration's text.
        text: String,
    },
    /// A geography or geometry literal.
    GeoLiteral,
    /// A date or time literal outside the range of its type.
    DateOutOfRange,

    // ---- Functions (validator and parser).
    /// `unknownfunc(x)`: a function OData does not define.
    UnknownFunction {
        /// The name as written.
        name: String,
        /// The closest function name, when one is close.
        suggestion: Option<String>,
    },
    /// `substring('a')`: a call with the wrong number of arguments.
    ArgumentCount {
        /// The function.
        function: Function,
        /// The fewest arguments it takes.
        min: usize,
        /// The most arguments it takes.
        max: usize,
        /// How many were given.
        found: usize,
    },
    /// A function that exists but that this entity set does not support (geo functions, `hassubset`).
    FunctionNotSupported {
        /// The function.
        function: Function,
    },
    /// `contains(status, 'x')`: an argument of a type the function does not take there.
    ArgumentType {
        /// The function.
        function: Function,
        /// What the position takes.
        expected: ParamType,
        /// The argument's type (`None`: the null literal).
        found: Option<EdmType>,
        /// The obvious fix, when there is one.
        fix: Option<LiteralFix>,
    },
    /// More `matchesPattern` calls than a filter may make.
    TooManyPatterns {
        /// The most calls accepted.
        limit: u64,
        /// The calls counted (the count stops one above the limit).
        count: u64,
    },
    /// A `matchesPattern` pattern that does not compile.
    UnusablePattern {
        /// Why, in the regular-expression engine's words.
        problem: String,
    },
    /// `cast(Edm.String)`: the one-argument form, which casts the entity itself.
    CastOfEntity {
        /// `cast` or `isof`.
        function: Function,
    },
    /// `cast(x, 1)`: a last argument that is not a type name.
    TypeNameExpected {
        /// `cast` or `isof`.
        function: Function,
    },
    /// `contains(Edm.String, x)`: a type name in a function other than `cast` or `isof`.
    TypeNameNotLast {
        /// The function.
        function: Function,
    },
    /// `cast(x, Ns.Nope)`: a type that is neither a primitive nor an enum of the model.
    UnknownCastType {
        /// `cast` or `isof`.
        function: Function,
        /// The type name as written.
        type_name: String,
    },
    /// `cast(commands, Edm.Int32)`: a cast between types that do not convert.
    InvalidCast {
        /// The operand's type (`None`: the null literal).
        from: Option<EdmType>,
        /// The target type.
        to: EdmType,
    },
    /// A node that a checked constructor refused (a tree built in code).
    IllTyped {
        /// The constructor's account of the problem.
        problem: String,
    },

    // ---- Limits of the parser.
    /// A filter longer than [`Limits::max_length`](crate::Limits::max_length).
    TooLong {
        /// Its length in bytes.
        length: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A filter nested deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    TooDeep {
        /// The deepest nesting accepted.
        limit: u64,
    },
    /// A filter with more nodes than [`Limits::max_nodes`](crate::Limits::max_nodes).
    TooManyNodes {
        /// The most nodes accepted.
        limit: u64,
    },
    /// An `in` list longer than [`Limits::max_in_list_items`](crate::Limits::max_in_list_items).
    TooManyListItems {
        /// The items in the list.
        items: u64,
        /// The most items accepted.
        limit: u64,
    },

    // ---- Syntax (parser). Excerpts of the input are quoted as in the message (`"x eq …"`, or
    // `the end`); tokens are as written.
    /// A string literal without its closing quote.
    UnterminatedString {
        /// An excerpt from the opening quote.
        literal: String,
        /// When an earlier string was followed directly by text (`'o'brien'`), an excerpt from there:
        /// the likely cause.
        glued_at: Option<String>,
    },
    /// A JSON string without its closing quote.
    UnterminatedJsonString {
        /// Where it starts (byte offset).
        start: usize,
    },
    /// `(a]`: a closing bracket of another kind than the one open.
    MismatchedBracket {
        /// The closing bracket.
        found: char,
        /// An excerpt after it.
        before: String,
        /// The open bracket.
        opened: char,
        /// An excerpt from the open bracket.
        opened_at: String,
    },
    /// `a)`: a closing bracket with nothing open.
    UnopenedBracket {
        /// The closing bracket.
        found: char,
        /// An excerpt after it.
        before: String,
    },
    /// `(a`: a bracket never closed.
    UnclosedBracket {
        /// The open bracket.
        opened: char,
        /// An excerpt from it.
        opened_at: String,
        /// The bracket that would close it.
        expected: char,
    },
    /// `status == 'x'`: a C-style operator.
    CStyleOperator {
        /// The operator as written.
        operator: String,
        /// The OData operator to write (`eq`).
        replacement: String,
    },
    /// `datetime'2024-01-01T00:00:00'`, `guid'…'`: an OData v3 literal.
    V3Literal {
        /// The prefix as written (`datetime`, `guid`, `datetimeoffset`).
        prefix: String,
        /// The v4 literal to write instead.
        fixed: String,
    },
    /// `2024-1-5`: a date with one-digit month or day.
    ShortDate {
        /// The date (and time) to write instead.
        fixed: String,
    },
    /// `2024-01-01T00:00:00`: a date-time without offset.
    MissingOffset {
        /// The date-time as written.
        literal: String,
    },
    /// `any(c c eq 1)` / `any(eq 1)`: no range variable, or its `:` missing.
    LambdaVariableExpected {
        /// The variable, when it is there and only its `:` is missing.
        variable: Option<String>,
        /// The token found instead (`None`: the end).
        found: Option<String>,
    },
    /// `a eqb`: a keyword operator glued to what precedes it.
    OperatorNeedsSpaces {
        /// The operator.
        operator: String,
    },
    /// An operator (or the end) expected.
    OperatorExpected {
        /// True inside a call's arguments, where `,` and `)` fit too.
        in_call: bool,
        /// The token before (`None`: the start).
        after: Option<String>,
        /// The token found instead (`None`: the end).
        found: Option<String>,
    },
    /// A value, property or function call expected.
    OperandExpected {
        /// The token before (`None`: the start).
        after: Option<String>,
        /// The token found instead (`None`: the end).
        found: Option<String>,
    },
    /// `eq 'x'`, `a eq 1 and and`: an operator where an operand belongs.
    OperatorAsOperand {
        /// The operator.
        operator: String,
        /// The token before it (`None`: the start).
        after: Option<String>,
    },
    /// An operand expected and a Guid with a part missing found.
    PartialGuid {
        /// The token before (`None`: the start).
        after: Option<String>,
        /// The almost-Guid.
        found: String,
    },
    /// An operand expected and a double-quoted string found.
    DoubleQuotedString {
        /// The token before (`None`: the start).
        after: Option<String>,
        /// The string as written.
        found: String,
    },
    /// `not` with nothing after it.
    NotWithoutOperand,
    /// `Ns.Name` alone: neither a call nor a cast followed by `/`.
    QualifiedNameAlone {
        /// The name.
        name: String,
    },
    /// `null/x`: a member of a literal.
    LiteralHasNoMembers {
        /// The literal (`null`, `true`, …).
        literal: String,
    },
    /// `tags/any(t: …)/x`: a segment after a lambda.
    AfterLambda,
    /// `all()`: an `all` without variable and predicate.
    AllWithoutPredicate,
    /// An `in` list item that is neither a literal nor an alias.
    NonLiteralInList,
    /// `a/` followed by something other than `any(…)` or `all(…)`.
    LambdaExpected {
        /// The token found instead (`None`: the end).
        found: Option<String>,
    },
    /// A bound function's parameter expected.
    ParameterExpected {
        /// The token found instead (`None`: the end).
        found: Option<String>,
    },
    /// The filter ends too soon.
    UnexpectedEnd {
        /// The last token (`None`: the filter is empty).
        after: Option<String>,
    },
    /// A token where none of its kind fits.
    UnexpectedToken {
        /// The token.
        found: String,
        /// The token before (`None`: the start).
        after: Option<String>,
    },
    /// A JSON string that does not decode.
    InvalidJsonString {
        /// The JSON decoder's account.
        problem: String,
    },
    /// A literal that does not read as its type: `2024-13-01`, `binary'%%'`, an integer out of range.
    MalformedLiteral {
        /// What is wrong with it.
        problem: LiteralProblem,
    },
    /// `@a=@a`: a parameter alias whose value refers to itself, directly or through others.
    AliasRefersToItself {
        /// The alias's name, without `@`.
        alias: String,
    },
    /// With its parameter aliases substituted, the filter has more nodes than the parser accepts.
    ExpandedTooManyNodes {
        /// The nodes after substitution.
        nodes: u64,
        /// The parser's node limit.
        limit: u64,
    },
    /// With its parameter aliases substituted, the filter is nested deeper than the parser accepts.
    ExpandedTooDeep {
        /// The depth after substitution.
        depth: u64,
        /// The parser's depth limit.
        limit: u64,
    },
    /// With its parameter aliases substituted, the filter is longer than the parser accepts.
    ExpandedTooLong {
        /// The length in bytes after substitution.
        length: u64,
        /// The parser's length limit in bytes.
        limit: u64,
    },
    /// Printed in canonical form (as it is sent on), the filter is longer than the parser accepts.
    NormalizedTooLong {
        /// The canonical text's length in bytes.
        length: u64,
        /// The parser's length limit in bytes.
        limit: u64,
    },
    /// `%G1`, `%4`: a `%` not followed by two hex digits.
    BadPercentEscape,
    /// `%FF`: the percent-decoded bytes are not UTF-8.
    DecodedNotUtf8,
    /// `$filter=a eq 1 & b eq 2`: an `&` that ends the option where the user meant `and` or `%26`.
    AmpersandEndsOption {
        /// The option it ends, without `$` (`filter`).
        option: String,
    },
    /// `status eq 'Pending'` given as the whole query string: no option at all.
    NoOption {
        /// The query string with `$filter=` in front.
        fixed: String,
    },
    /// `a b=1`: a name that no query option can have.
    BadOptionName {
        /// The name as written.
        name: String,
    },
    /// `=1`: an option without a name.
    OptionWithoutName {
        /// The option as written.
        part: String,
    },
    /// `$top`: a system option without `=` and value.
    OptionWithoutValue {
        /// The option's name as written.
        option: String,
    },
    /// `$top=-1`, `$skip=x`: not a non-negative integer.
    InvalidCount {
        /// The option, without `$` (`top`, `skip`).
        option: String,
        /// The value as given.
        value: String,
        /// What the value must be.
        problem: String,
    },
    /// `$count=yes`: neither `true` nor `false`.
    InvalidCountFlag {
        /// The value as given.
        value: String,
    },
    /// More `$orderby` keys than accepted.
    TooManyOrderbyKeys {
        /// The keys given.
        keys: u64,
        /// The limit.
        limit: u64,
    },
    /// `$orderby=status,,type`: an empty item.
    EmptyOrderbyItem,
    /// `$orderby=status descending`: not `asc` or `desc`.
    BadSortDirection {
        /// The word as written.
        found: String,
        /// The direction meant (`desc`).
        fix: String,
    },
    /// `$select=a b`: an item that is neither a property name nor `*`.
    BadSelectItem {
        /// The item as written.
        name: String,
    },
    /// A request URL whose path does not name the entity set.
    WrongEntitySet {
        /// The path as given.
        path: String,
        /// The entity set's name.
        entity_set: String,
        /// The paths that are served (`/api/machineactions`, …).
        supported: Vec<String>,
    },
    /// A valid filter that an SQL engine cannot express: `matchesPattern` on PostgreSQL, decimal
    /// arithmetic, …
    NotSupportedByEngine {
        /// The construct, in the user's terms.
        construct: String,
        /// The engine (`SQLite`, `PostgreSQL`).
        engine: String,
    },
}
