//! Field handles: one top-level property (or collection) with the Rust type of its values.

use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::ast::{Function, LambdaKind};
use crate::schema::{EdmType, EntitySet, PropertyId, StructuredType};
use crate::validate::{CompareOp, InvalidNode, PropertyRef, TypedExpr, VarId};
use crate::value::{EnumValue, Uuid, Value};

use super::{built, Filter, SetFacts};

/// A Rust type that a property's values have: it knows which EDM types it fits and how to become a
/// [`Value`] of one.
///
/// The builder hands the values to the typed IR's checked constructors; an implementation whose
/// `to_value` gives a value of another type than [`FieldType::fits`] accepted is a bug, and the
/// builder panics on it.
pub trait FieldType {
    /// True when a property of type `ty` holds values of this Rust type.
    fn fits(ty: &EdmType) -> bool;
    /// The value, typed as `ty` (one that [`FieldType::fits`]).
    fn to_value(&self, ty: &EdmType) -> Value;
}

/// Rust types whose properties can be ordered with `gt ge lt le`.
pub trait Ordered: FieldType {}

impl FieldType for String {
    fn fits(ty: &EdmType) -> bool {
        *ty == EdmType::String
    }
    fn to_value(&self, _: &EdmType) -> Value {
        Value::String(self.clone())
    }
}
impl Ordered for String {}

impl FieldType for Uuid {
    fn fits(ty: &EdmType) -> bool {
        *ty == EdmType::Guid
    }
    fn to_value(&self, _: &EdmType) -> Value {
        Value::Guid(*self)
    }
}
impl Ordered for Uuid {}

impl FieldType for DateTime<FixedOffset> {
    fn fits(ty: &EdmType) -> bool {
        *ty == EdmType::DateTimeOffset
    }
    fn to_value(&self, _: &EdmType) -> Value {
        // OData offsets have whole minutes; an offset with seconds is written as the same instant in UTC.
        if self.offset().local_minus_utc() % 60 != 0 {
            let utc = FixedOffset::east_opt(0).map(|z| self.with_timezone(&z));
            return Value::DateTimeOffset(utc.unwrap_or(*self));
        }
        Value::DateTimeOffset(*self)
    }
}
impl Ordered for DateTime<FixedOffset> {}

impl FieldType for i64 {
    fn fits(ty: &EdmType) -> bool {
        ty.is_integer()
    }
    fn to_value(&self, _: &EdmType) -> Value {
        Value::Int(*self)
    }
}
impl Ordered for i64 {}

/// An enum deriving [`EnumType`](crate::EnumType) fits properties of its own enum type.
impl<E: crate::typed::Enum> FieldType for E {
    fn fits(ty: &EdmType) -> bool {
        matches!(ty, EdmType::Enum(e) if **e == **E::enum_type())
    }
    fn to_value(&self, ty: &EdmType) -> Value {
        match ty {
            EdmType::Enum(e) => match EnumValue::from_member(e, self.member_name()) {
                Some(v) => Value::Enum(v),
                None => Value::Null,
            },
            _ => Value::Null,
        }
    }
}
impl<E: crate::typed::Enum> Ordered for E {}

impl FieldType for bool {
    fn fits(ty: &EdmType) -> bool {
        *ty == EdmType::Boolean
    }
    fn to_value(&self, _: &EdmType) -> Value {
        Value::Boolean(*self)
    }
}
/// A handle on one top-level filterable property whose values are `T`.
#[derive(Clone, Debug)]
pub struct Handle<T> {
    pub(super) prop: PropertyRef,
    entity_type: Arc<StructuredType>,
    set: Arc<SetFacts>,
    _t: PhantomData<fn() -> T>,
}

impl<T: FieldType> Handle<T> {
    /// The handle on property `name` (exact case) of `set`'s entity type, if it exists, is filterable
    /// in `set` and its type fits `T`.
    ///
    /// ```
    /// use odata_filter::builder::Handle;
    /// use odata_filter::mde::machines;
    /// let name = Handle::<String>::new(machines(), "computerDnsName").unwrap();
    /// assert_eq!(name.eq("srv-01").to_string(), "computerDnsName eq 'srv-01'");
    /// assert!(Handle::<String>::new(machines(), "lastSeen").is_none());
    /// ```
    pub fn new(set: &EntitySet, name: &str) -> Option<Handle<T>> {
        let (prop, entity_type) = top_level(set, name)?;
        if !T::fits(prop.ty()) {
            return None;
        }
        Some(Handle {
            prop,
            entity_type,
            set: SetFacts::of(set),
            _t: PhantomData,
        })
    }

    /// The property's id.
    pub fn id(&self) -> PropertyId {
        self.prop
            .path()
            .first()
            .copied()
            .unwrap_or(PropertyId::new(0))
    }

    fn property(&self) -> TypedExpr {
        TypedExpr::property(self.prop.clone())
    }

    fn filter(&self, expr: Result<TypedExpr, InvalidNode>) -> Filter {
        Filter {
            expr: built(expr),
            entity_type: Arc::clone(&self.entity_type),
            set: Arc::clone(&self.set),
        }
    }

    fn compare(&self, op: CompareOp, value: Value) -> Filter {
        let literal = literal(value, self.prop.ty());
        self.filter(TypedExpr::compare(op, self.property(), literal))
    }

    /// `field eq value`
    pub fn eq(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(self.prop.ty());
        self.compare(CompareOp::Eq, v)
    }

    /// `field ne value`
    pub fn ne(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(self.prop.ty());
        self.compare(CompareOp::Ne, v)
    }

    /// `field eq null`
    pub fn is_null(&self) -> Filter {
        self.compare(CompareOp::Eq, Value::Null)
    }

    /// `field ne null`
    pub fn is_not_null(&self) -> Filter {
        self.compare(CompareOp::Ne, Value::Null)
    }

    /// `field in (v1, v2, …)`; an empty list matches nothing.
    pub fn is_in<V: Into<T>>(&self, values: impl IntoIterator<Item = V>) -> Filter {
        let values = values
            .into_iter()
            .map(|v| v.into().to_value(self.prop.ty()))
            .collect();
        self.filter(TypedExpr::in_values(self.property(), values))
    }
}

impl<T: Ordered> Handle<T> {
    /// `field gt value`
    pub fn gt(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(self.prop.ty());
        self.compare(CompareOp::Gt, v)
    }
    /// `field ge value`
    pub fn ge(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(self.prop.ty());
        self.compare(CompareOp::Ge, v)
    }
    /// `field lt value`
    pub fn lt(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(self.prop.ty());
        self.compare(CompareOp::Lt, v)
    }
    /// `field le value`
    pub fn le(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(self.prop.ty());
        self.compare(CompareOp::Le, v)
    }
}

impl Handle<String> {
    fn string_call(&self, function: Function, arg: String) -> Filter {
        let arg = literal(Value::String(arg), &EdmType::String);
        let args = vec![self.property(), arg];
        self.filter(TypedExpr::call(function, args))
    }

    /// `startswith(field, prefix)`
    pub fn starts_with(&self, prefix: impl Into<String>) -> Filter {
        self.string_call(Function::StartsWith, prefix.into())
    }
    /// `endswith(field, suffix)`
    pub fn ends_with(&self, suffix: impl Into<String>) -> Filter {
        self.string_call(Function::EndsWith, suffix.into())
    }
    /// `contains(field, part)`
    pub fn contains(&self, part: impl Into<String>) -> Filter {
        self.string_call(Function::Contains, part.into())
    }
}
/// The literal `value` compared with a property of type `ty`, typed as the validator types it:
/// integers keep their own width (`Edm.Int32` when they fit), other literals take `ty`.
fn literal(value: Value, ty: &EdmType) -> TypedExpr {
    let literal_ty = match value {
        Value::Int(i) if i32::try_from(i).is_ok() => EdmType::Int32,
        Value::Int(_) => EdmType::Int64,
        _ => ty.clone(),
    };
    built(TypedExpr::literal(value, Some(literal_ty)))
}

/// The path of top-level property `name` (exact case) of `set`'s entity type, if it is filterable.
fn top_level(set: &EntitySet, name: &str) -> Option<(PropertyRef, Arc<StructuredType>)> {
    let entity_type = Arc::clone(set.entity_type());
    let id = entity_type.property_id(name)?;
    let prop = PropertyRef::root(set, vec![id], false).ok()?;
    Some((prop, entity_type))
}

/// A handle on a top-level collection property whose elements are `T`: `machineTags`.
#[derive(Clone, Debug)]
pub struct CollectionHandle<T> {
    prop: PropertyRef,
    elem: EdmType,
    entity_type: Arc<StructuredType>,
    set: Arc<SetFacts>,
    _t: PhantomData<fn() -> T>,
}

impl<T: FieldType> CollectionHandle<T> {
    /// The handle on collection property `name` (exact case) of `set`'s entity type, if it exists and
    /// its elements fit `T`.
    ///
    /// ```
    /// use odata_filter::builder::CollectionHandle;
    /// let tags = CollectionHandle::<String>::new(odata_filter::mde::machines(), "machineTags").unwrap();
    /// assert_eq!(tags.any_eq("prod").to_string(), "machineTags/any(x: x eq 'prod')");
    /// ```
    pub fn new(set: &EntitySet, name: &str) -> Option<CollectionHandle<T>> {
        let (prop, entity_type) = top_level(set, name)?;
        let elem = prop.ty().element_type()?.clone();
        if !T::fits(&elem) {
            return None;
        }
        Some(CollectionHandle {
            prop,
            elem,
            entity_type,
            set: SetFacts::of(set),
            _t: PhantomData,
        })
    }

    /// `collection/any(x: x eq value)`: some element equals `value`.
    pub fn any_eq(&self, value: impl Into<T>) -> Filter {
        let value = literal(value.into().to_value(&self.elem), &self.elem);
        // The builder never nests lambdas, so the variable is always the outermost one.
        let variable = VarId::new(0);
        let element = built(PropertyRef::variable(variable, &self.elem, Vec::new()));
        let predicate = TypedExpr::compare(CompareOp::Eq, TypedExpr::property(element), value);
        let lambda = predicate.and_then(|p| {
            TypedExpr::lambda(
                LambdaKind::Any,
                self.prop.clone(),
                variable,
                "x".to_string(),
                Some(p),
            )
        });
        self.filter(lambda)
    }

    /// `collection/any()`: the collection is not empty.
    pub fn is_not_empty(&self) -> Filter {
        let lambda = TypedExpr::lambda(
            LambdaKind::Any,
            self.prop.clone(),
            VarId::new(0),
            String::new(),
            None,
        );
        self.filter(lambda)
    }

    fn filter(&self, expr: Result<TypedExpr, InvalidNode>) -> Filter {
        Filter {
            expr: built(expr),
            entity_type: Arc::clone(&self.entity_type),
            set: Arc::clone(&self.set),
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::handles::machine_actions::*;
    use crate::mde::machine_actions as set;
    use crate::validate::{validate_text, ValidateOptions};

    #[test]
    fn built_filters_validate_back_to_the_same_tree() {
        let id = Uuid::parse_str("05c7bba5-828c-4451-9867-1191919f897e").unwrap();
        let negated = !id_eq(id).or(status().ne(MachineActionStatus::Failed));
        let f = negated
            .and(requestor().contains("O'Neil & co #1 %+"))
            .and(machine_id().is_null())
            .and(type_().is_in(Vec::<MachineActionType>::new()));
        let text = f.to_string();
        assert_eq!(
            text,
            "not (id eq 05c7bba5-828c-4451-9867-1191919f897e or status ne 'Failed') \
             and contains(requestor, 'O''Neil & co #1 %+') and machineId eq null and type in ()"
        );
        let typed = validate_text(&text, set(), &ValidateOptions::default()).unwrap();
        assert_eq!(typed, f.into_typed());
    }

    fn id_eq(id: Uuid) -> Filter {
        crate::mde::handles::machine_actions::id().eq(id)
    }

    #[test]
    fn machines_handles_validate_back_to_the_same_tree() {
        use crate::mde::handles::machines as m;
        let f = m::machine_tags()
            .any_eq("it's & #1")
            .and(m::rbac_group_id().is_in([1, 5_000_000_000i64]))
            .and(
                m::rbac_group_id()
                    .gt(3)
                    .or(m::rbac_group_id().le(9_000_000_000i64)),
            )
            .and(m::onboarding_status().ne(m::OnboardingStatus::Unsupported))
            .and(m::machine_tags().is_not_empty())
            .and(!m::aad_device_id().is_null());
        let text = f.to_string();
        assert_eq!(
            text,
            "machineTags/any(x: x eq 'it''s & #1') and rbacGroupId in (1, 5000000000) \
             and (rbacGroupId gt 3 or rbacGroupId le 9000000000) and onboardingStatus ne 'Unsupported' \
             and machineTags/any() and not (aadDeviceId eq null)"
        );
        let typed =
            validate_text(&text, crate::mde::machines(), &ValidateOptions::default()).unwrap();
        assert_eq!(typed, f.into_typed());
    }

    #[test]
    fn offsets_with_seconds_are_written_in_utc() {
        use chrono::TimeZone;
        let odd = FixedOffset::east_opt(3600 + 30).unwrap();
        let t = odd.with_ymd_and_hms(2024, 1, 1, 1, 0, 30).unwrap();
        let f = creation_date_time_utc().lt(t);
        assert_eq!(f.to_string(), "creationDateTimeUtc lt 2024-01-01T00:00:00Z");
        let typed = validate_text(&f.to_string(), set(), &ValidateOptions::default()).unwrap();
        assert_eq!(typed, f.into_typed());
    }
}
