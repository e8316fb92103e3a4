//! The checked constructors: the only way to a [`TypedExpr`] node. The validator calls them after its
//! own checks (which make the messages); the typed builder calls them directly, so it cannot build a
//! tree the validator would reject. The typing rules themselves live in [`crate::semantics`].

use std::fmt;
use std::sync::Arc;

use super::*;
use crate::schema::EntitySet;
use crate::semantics::signature::{castable, signature};
use crate::semantics::{arithmetic_type, compare_type, negatable, promote};

/// What a checked constructor refused: the node would break an invariant of the typed IR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InvalidNode(pub(crate) String);

impl fmt::Display for InvalidNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

type Checked<T> = Result<T, InvalidNode>;

fn fail<T>(message: impl Into<String>) -> Checked<T> {
    Err(InvalidNode(message.into()))
}

fn type_name(ty: Option<&EdmType>) -> String {
    ty.map_or_else(|| "null".to_string(), |t| t.to_string())
}

fn is_boolean(e: &TypedExpr) -> bool {
    matches!(e.ty(), None | Some(EdmType::Boolean))
}

/// True when `value` is a value of `ty` (numbers of any width fit every numeric type: the comparison
/// promotes them; null fits every type).
pub(crate) fn value_fits(value: &Value, ty: &EdmType) -> bool {
    use EdmType as T;
    match (value, ty) {
        (Value::Null, _) => true,
        (Value::Int(_) | Value::Decimal(_) | Value::Double(_), t) => t.is_numeric(),
        (Value::Enum(e), T::Enum(t)) => Arc::ptr_eq(&e.ty, t) || *e.ty == **t,
        (Value::Boolean(_), T::Boolean)
        | (Value::String(_), T::String)
        | (Value::Guid(_), T::Guid)
        | (Value::Date(_), T::Date)
        | (Value::DateTimeOffset(_), T::DateTimeOffset)
        | (Value::TimeOfDay(_), T::TimeOfDay)
        | (Value::Duration(_), T::Duration)
        | (Value::Binary(_), T::Binary) => true,
        _ => false,
    }
}

impl VarId {
    /// The variable of the lambda at nesting depth `depth` (0 = outermost).
    pub(crate) fn new(depth: usize) -> VarId {
        VarId(u32::try_from(depth).unwrap_or(u32::MAX))
    }
}

impl PropertyRef {
    /// A path from the record: `path` resolved step by step from `set`'s entity type, through complex
    /// properties. The first property must be filterable in `set` unless `allow_all`.
    pub(crate) fn root(
        set: &EntitySet,
        path: Vec<PropertyId>,
        allow_all: bool,
    ) -> Checked<PropertyRef> {
        let Some(first) = path.first() else {
            return fail("a property path from the record needs at least one property");
        };
        if !allow_all && !set.is_filterable(*first) {
            let name = set.entity_type().property(*first).map_or("?", |p| p.name());
            return fail(format!("the property '{name}' is not filterable"));
        }
        Self::resolve(Base::Root, Some(Arc::clone(set.entity_type())), None, path)
    }

    /// A path from the current element of lambda variable `variable`, whose elements are of type
    /// `elem`; an empty `path` is the element itself.
    pub(crate) fn variable(
        variable: VarId,
        elem: &EdmType,
        path: Vec<PropertyId>,
    ) -> Checked<PropertyRef> {
        Self::resolve(
            Base::Variable(variable),
            elem.as_complex().cloned(),
            Some(elem.clone()),
            path,
        )
    }

    fn resolve(
        base: Base,
        start: Option<Arc<StructuredType>>,
        elem: Option<EdmType>,
        path: Vec<PropertyId>,
    ) -> Checked<PropertyRef> {
        let mut structured = start.clone();
        let mut ty = elem;
        let mut nullable = false;
        for id in &path {
            let Some(st) = structured.as_ref() else {
                return fail(format!(
                    "a property cannot be read from a value of type '{}'",
                    type_name(ty.as_ref())
                ));
            };
            let Some(prop) = st.property(*id) else {
                return fail(format!(
                    "the type '{}' has no property #{}",
                    st.name(),
                    id.index()
                ));
            };
            nullable |= prop.is_nullable();
            ty = Some(prop.ty().clone());
            structured = prop.ty().as_complex().cloned();
        }
        let Some(ty) = ty else {
            return fail("an empty path from the record");
        };
        Ok(PropertyRef {
            base,
            start,
            path,
            ty,
            nullable,
        })
    }
}

impl TypedExpr {
    /// A literal of type `ty`; `None` only for an untyped `null`.
    pub(crate) fn literal(value: Value, ty: Option<EdmType>) -> Checked<TypedExpr> {
        let fits = match &ty {
            None => value.is_null(),
            Some(t) => value_fits(&value, t),
        };
        if !fits {
            return fail(format!(
                "the literal {value} is not of type '{}'",
                type_name(ty.as_ref())
            ));
        }
        Ok(TypedExpr::Literal(TypedLiteral { value, ty }))
    }

    /// The value of a property path.
    pub(crate) fn property(p: PropertyRef) -> TypedExpr {
        TypedExpr::Property(p)
    }

    /// `collection/$count`.
    pub(crate) fn count(p: PropertyRef) -> Checked<TypedExpr> {
        if !matches!(p.ty, EdmType::Collection(_)) {
            return fail(format!("'$count' needs a collection, found '{}'", p.ty));
        }
        Ok(TypedExpr::Count(p))
    }

    /// `not operand` (Boolean).
    pub(crate) fn not(operand: TypedExpr) -> Checked<TypedExpr> {
        if !is_boolean(&operand) {
            return fail(format!(
                "'not' needs a Boolean operand, found '{}'",
                type_name(operand.ty())
            ));
        }
        Ok(TypedExpr::Not(Unary {
            operand: Box::new(operand),
        }))
    }

    /// `-operand` (a number or a duration); a numeric literal takes the sign itself.
    pub(crate) fn neg(operand: TypedExpr) -> Checked<TypedExpr> {
        if let TypedExpr::Literal(l) = &operand {
            let negated = match &l.value {
                Value::Int(i) => match i.checked_neg() {
                    Some(n) => Some(Value::Int(n)),
                    None => return fail("negating this constant overflows Edm.Int64"),
                },
                Value::Decimal(d) => Some(Value::Decimal(-*d)),
                Value::Double(d) => Some(Value::Double(-*d)),
                Value::Duration(d) => Some(Value::Duration(-*d)),
                _ => None,
            };
            if let Some(v) = negated {
                return TypedExpr::literal(v, l.ty.clone());
            }
        }
        match operand.ty() {
            None => Ok(operand),
            Some(t) if negatable(t) => Ok(TypedExpr::Neg(Unary {
                operand: Box::new(operand),
            })),
            Some(t) => fail(format!("'-' needs a number or a duration, found '{t}'")),
        }
    }

    /// `a op b op …` over Boolean operands; operands with the same operator are spliced in, so the
    /// node is flat. One operand is returned as it is.
    pub(crate) fn logical(op: LogicalOp, operands: Vec<TypedExpr>) -> Checked<TypedExpr> {
        let mut flat = Vec::with_capacity(operands.len());
        for e in operands {
            if !is_boolean(&e) {
                return fail(format!(
                    "'{}' needs Boolean operands, found '{}'",
                    op.keyword(),
                    type_name(e.ty())
                ));
            }
            match e {
                TypedExpr::Logical(inner) if inner.op == op => flat.extend(inner.operands),
                other => flat.push(other),
            }
        }
        match flat.len() {
            0 => fail(format!("'{}' needs operands", op.keyword())),
            1 => Ok(flat.pop().expect("one operand")),
            _ => Ok(TypedExpr::Logical(Logical { op, operands: flat })),
        }
    }

    /// `left op right`, compared as the type [`compare_type`] gives.
    pub(crate) fn compare(op: CompareOp, left: TypedExpr, right: TypedExpr) -> Checked<TypedExpr> {
        let Some(operand_type) = compare_type(op, left.ty(), right.ty()) else {
            return fail(format!(
                "'{}' does not compare '{}' with '{}'",
                op.keyword(),
                type_name(left.ty()),
                type_name(right.ty())
            ));
        };
        Ok(TypedExpr::Compare(Compare {
            op,
            left: Box::new(left),
            right: Box::new(right),
            operand_type,
        }))
    }

    /// `left op right`, of the type [`arithmetic_type`] gives.
    pub(crate) fn arithmetic(
        op: ArithmeticOp,
        left: TypedExpr,
        right: TypedExpr,
    ) -> Checked<TypedExpr> {
        let Some(ty) = arithmetic_type(op, left.ty(), right.ty()) else {
            return fail(format!(
                "'{}' does not apply to '{}' and '{}'",
                op.keyword(),
                type_name(left.ty()),
                type_name(right.ty())
            ));
        };
        Ok(TypedExpr::Arithmetic(Arithmetic {
            op,
            left: Box::new(left),
            right: Box::new(right),
            ty,
        }))
    }

    /// `operand has flags`: `flags` is a value of the operand's enum type.
    pub(crate) fn has(operand: TypedExpr, flags: EnumValue) -> Checked<TypedExpr> {
        match operand.ty() {
            Some(EdmType::Enum(e)) if Arc::ptr_eq(e, &flags.ty) || **e == *flags.ty => {
                Ok(TypedExpr::Has(Has {
                    operand: Box::new(operand),
                    flags,
                }))
            }
            t => fail(format!(
                "'has' needs an operand of the enum type of its flags, found '{}'",
                type_name(t)
            )),
        }
    }

    /// `operand in (values…)`: a primitive or enum operand, each value of its type (or null).
    pub(crate) fn in_values(operand: TypedExpr, values: Vec<Value>) -> Checked<TypedExpr> {
        if let Some(t) = operand.ty() {
            if matches!(t, EdmType::Complex(_) | EdmType::Collection(_)) {
                return fail(format!(
                    "'in' needs a primitive or enum operand, found '{t}'"
                ));
            }
            if let Some(v) = values.iter().find(|v| !value_fits(v, t)) {
                return fail(format!("the 'in' list item {v} is not of type '{t}'"));
            }
        }
        Ok(TypedExpr::In(In {
            operand: Box::new(operand),
            set: InSet::Values(values),
        }))
    }

    /// `operand in collection`: the collection's elements are of the operand's type.
    pub(crate) fn in_collection(operand: TypedExpr, collection: PropertyRef) -> Checked<TypedExpr> {
        let fits = match (collection.ty.element_type(), operand.ty()) {
            (Some(_), None) => true,
            (Some(e), Some(t)) => e == t || promote(e, t).is_some(),
            (None, _) => false,
        };
        if !fits {
            return fail(format!(
                "'{}' is not a collection of '{}'",
                collection.ty,
                type_name(operand.ty())
            ));
        }
        Ok(TypedExpr::In(In {
            operand: Box::new(operand),
            set: InSet::Collection(collection),
        }))
    }

    /// A call of a built-in function other than `cast`/`isof`, with as many arguments as it takes,
    /// each of a type its position accepts (null fits any); the result type is the signature
    /// table's ([`crate::semantics::signature`]).
    pub(crate) fn call(function: Function, args: Vec<TypedExpr>) -> Checked<TypedExpr> {
        let (min, max) = function.arity();
        if matches!(function, Function::Cast | Function::IsOf) {
            return fail("cast and isof are built with TypedExpr::cast and TypedExpr::is_of");
        }
        if args.len() < min || args.len() > max {
            return fail(format!(
                "'{}' takes {min} to {max} arguments, not {}",
                function.name(),
                args.len()
            ));
        }
        let Some(sig) = signature(function) else {
            return fail(format!("'{}' is not supported", function.name()));
        };
        for (i, (arg, param)) in args.iter().zip(sig.params.iter()).enumerate() {
            if !arg.ty().map_or(true, |t| param.accepts(t)) {
                return fail(format!(
                    "argument {} of '{}' is of type '{}', not {}",
                    i + 1,
                    function.name(),
                    type_name(arg.ty()),
                    param.expected()
                ));
            }
        }
        let ty = sig.result(args.first().and_then(|a| a.ty()));
        Ok(TypedExpr::Call(Call { function, args, ty }))
    }

    /// `cast(operand, target)` to a primitive or enum type.
    pub(crate) fn cast(operand: TypedExpr, target: EdmType) -> Checked<TypedExpr> {
        Ok(TypedExpr::Cast(Self::checked_cast(operand, target)?))
    }

    /// `isof(operand, target)` for a primitive or enum type.
    pub(crate) fn is_of(operand: TypedExpr, target: EdmType) -> Checked<TypedExpr> {
        Ok(TypedExpr::IsOf(Self::cast_node(operand, target)?))
    }

    fn cast_node(operand: TypedExpr, target: EdmType) -> Checked<Cast> {
        if !target.is_primitive() && !matches!(target, EdmType::Enum(_)) {
            return fail(format!("'{target}' is not a primitive or enum type"));
        }
        Ok(Cast {
            operand: Box::new(operand),
            target,
        })
    }

    /// The `cast` node, when the cast exists ([`castable`]).
    fn checked_cast(operand: TypedExpr, target: EdmType) -> Checked<Cast> {
        if !castable(operand.ty(), &target) {
            return fail(format!(
                "there is no cast from '{}' to '{target}'",
                type_name(operand.ty())
            ));
        }
        Ok(Cast {
            operand: Box::new(operand),
            target,
        })
    }

    /// `collection/any(name: predicate)` / `all`, or `collection/any()` when `predicate` is `None`;
    /// `variable` is the lambda's nesting depth.
    pub(crate) fn lambda(
        kind: LambdaKind,
        collection: PropertyRef,
        variable: VarId,
        name: String,
        predicate: Option<TypedExpr>,
    ) -> Checked<TypedExpr> {
        if collection.ty.element_type().is_none() {
            return fail(format!(
                "a lambda needs a collection, found '{}'",
                collection.ty
            ));
        }
        if let Some(p) = &predicate {
            if !is_boolean(p) {
                return fail(format!(
                    "a lambda's predicate must be Boolean, found '{}'",
                    type_name(p.ty())
                ));
            }
        }
        Ok(TypedExpr::Lambda(TypedLambda {
            kind,
            collection,
            variable,
            name,
            predicate: predicate.map(Box::new),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::machine_actions;

    fn prop(name: &str) -> TypedExpr {
        let set = machine_actions();
        let id = set.entity_type().property_id(name).unwrap();
        TypedExpr::property(PropertyRef::root(set, vec![id], true).unwrap())
    }

    fn string(s: &str) -> TypedExpr {
        TypedExpr::literal(Value::String(s.into()), Some(EdmType::String)).unwrap()
    }

    #[test]
    fn constructors_refuse_what_the_validator_rejects() {
        // Types that do not fit the operator.
        assert!(TypedExpr::compare(CompareOp::Eq, prop("requestor"), prop("id")).is_err());
        assert!(TypedExpr::not(prop("requestor")).is_err());
        assert!(TypedExpr::neg(prop("requestor")).is_err());
        assert!(
            TypedExpr::logical(LogicalOp::And, vec![prop("requestor"), prop("requestor")]).is_err()
        );
        assert!(TypedExpr::arithmetic(ArithmeticOp::Add, prop("requestor"), string("x")).is_err());
        // A literal of another type than it claims.
        assert!(TypedExpr::literal(Value::String("x".into()), Some(EdmType::Guid)).is_err());
        assert!(TypedExpr::literal(Value::Int(1), None).is_err());
        // `in` items of the wrong type.
        assert!(TypedExpr::in_values(prop("requestor"), vec![Value::Int(1)]).is_err());
        // A property that is not filterable, unless all are allowed.
        let set = machine_actions();
        let title = set.entity_type().property_id("title").unwrap();
        assert!(!set.is_filterable(title));
        assert!(PropertyRef::root(set, vec![title], false).is_err());
        assert!(PropertyRef::root(set, vec![title], true).is_ok());
        assert!(PropertyRef::root(set, vec![], true).is_err());
        // Arity.
        assert!(TypedExpr::call(Function::Contains, vec![string("a")]).is_err());
        // Arguments of a type their position does not accept; casts that do not exist.
        let id = || prop("id");
        assert!(TypedExpr::call(Function::Contains, vec![id(), string("a")]).is_err());
        assert!(TypedExpr::call(Function::Year, vec![prop("requestor")]).is_err());
        assert!(TypedExpr::cast(id(), EdmType::Int32).is_err());
        assert!(TypedExpr::cast(id(), EdmType::String).is_ok());
        // The result type is the signature table's.
        let length = TypedExpr::call(Function::Length, vec![prop("requestor")]).unwrap();
        assert_eq!(length.ty(), Some(&EdmType::Int32));
        // Overflow when folding a sign.
        let min = TypedExpr::literal(Value::Int(i64::MIN), Some(EdmType::Int64)).unwrap();
        assert!(TypedExpr::neg(min).is_err());
    }

    #[test]
    fn logical_nodes_are_flat() {
        let a = || TypedExpr::compare(CompareOp::Eq, prop("requestor"), string("a")).unwrap();
        let inner = TypedExpr::logical(LogicalOp::And, vec![a(), a()]).unwrap();
        let outer = TypedExpr::logical(LogicalOp::And, vec![inner, a()]).unwrap();
        let TypedExpr::Logical(l) = &outer else {
            panic!("{outer:?}")
        };
        assert_eq!(l.operands().len(), 3);
        let or = TypedExpr::logical(LogicalOp::Or, vec![outer.clone(), a()]).unwrap();
        let TypedExpr::Logical(l) = &or else {
            panic!("{or:?}")
        };
        assert_eq!(l.operands().len(), 2);
        assert_eq!(TypedExpr::logical(LogicalOp::Or, vec![a()]).unwrap(), a());
    }
}
