//! A typed filter builder for clients: field handles carry their Rust value type, so a string property
//! cannot be compared with a date-time, and the result is a [`TypedFilter`] that prints as a valid query.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use odata_filter::builder::machine_actions::{self, MachineActionStatus, MachineActionType};
//!
//! let since = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
//! let filter = machine_actions::status()
//!     .eq(MachineActionStatus::Succeeded)
//!     .and(machine_actions::creation_date_time_utc().ge(since))
//!     .and(
//!         machine_actions::type_()
//!             .is_in([MachineActionType::Isolate, MachineActionType::Unisolate])
//!             .or(machine_actions::requestor().starts_with("svc-")),
//!     );
//! assert_eq!(
//!     filter.to_string(),
//!     "status eq 'Succeeded' and creationDateTimeUtc ge 2024-01-01T00:00:00Z \
//!      and (type in ('Isolate', 'Unisolate') or startswith(requestor, 'svc-'))"
//! );
//! let qs = filter
//!     .query()
//!     .orderby_desc(machine_actions::creation_date_time_utc())
//!     .top(10)
//!     .to_query_string();
//! assert!(qs.starts_with("$filter=status%20eq%20%27Succeeded%27"));
//! assert!(qs.ends_with("&$orderby=creationDateTimeUtc%20desc&$top=10"));
//! ```
//!
//! Comparing a field with a value of another type does not compile:
//!
//! ```compile_fail
//! use odata_filter::builder::machine_actions;
//! let f = machine_actions::requestor().eq(chrono::Utc::now());
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::ast::{Function, LambdaKind};
use crate::print::url_encode;
use crate::schema::{EdmType, EntitySet, PropertyId, StructuredType};
use crate::validate::{
    Base, Call, Compare, CompareOp, In, InSet, Lambda, Literal, Logical, LogicalOp, PropertyRef,
    TypedExpr, TypedFilter, Unary, VarId,
};
use crate::value::{EnumValue, Uuid, Value};

/// A Rust type that a property's values have: it knows which EDM types it fits and how to become a
/// [`Value`] of one.
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

impl FieldType for bool {
    fn fits(ty: &EdmType) -> bool {
        *ty == EdmType::Boolean
    }
    fn to_value(&self, _: &EdmType) -> Value {
        Value::Boolean(*self)
    }
}

/// A handle on one top-level property whose values are `T`.
#[derive(Clone, Debug)]
pub struct Field<T> {
    prop: PropertyRef,
    entity_type: Arc<StructuredType>,
    _t: PhantomData<fn() -> T>,
}

impl<T: FieldType> Field<T> {
    /// The handle on property `name` (exact case) of `set`'s entity type, if it exists and its type fits
    /// `T`. Filterability is not checked here: the MDE handles only cover filterable properties, and
    /// [`Filter::into_typed`] results can be re-validated with the server's rules.
    ///
    /// ```
    /// use odata_filter::builder::Field;
    /// use odata_filter::schema::machines;
    /// let name = Field::<String>::new(machines(), "computerDnsName").unwrap();
    /// assert_eq!(name.eq("srv-01").to_string(), "computerDnsName eq 'srv-01'");
    /// assert!(Field::<String>::new(machines(), "lastSeen").is_none());
    /// ```
    pub fn new(set: &EntitySet, name: &str) -> Option<Field<T>> {
        let entity_type = Arc::clone(set.entity_type());
        let id = entity_type.property_id(name)?;
        let p = entity_type.property(id)?;
        if !T::fits(p.ty()) {
            return None;
        }
        Some(Field {
            prop: PropertyRef {
                base: Base::Root,
                start: Some(Arc::clone(&entity_type)),
                path: vec![id],
                ty: p.ty().clone(),
                nullable: p.is_nullable(),
            },
            entity_type,
            _t: PhantomData,
        })
    }

    /// The property's id.
    pub fn id(&self) -> PropertyId {
        self.prop
            .path
            .first()
            .copied()
            .unwrap_or(PropertyId::new(0))
    }

    fn property(&self) -> Box<TypedExpr> {
        Box::new(TypedExpr::Property(self.prop.clone()))
    }

    fn compare(&self, op: CompareOp, value: Value) -> Filter {
        let (literal_ty, operand_ty) = literal_types(&value, &self.prop.ty);
        Filter {
            expr: TypedExpr::Compare(Compare {
                op,
                left: self.property(),
                right: Box::new(TypedExpr::Literal(Literal {
                    value,
                    ty: Some(literal_ty),
                })),
                operand_type: Some(operand_ty),
            }),
            entity_type: Arc::clone(&self.entity_type),
        }
    }

    /// `field eq value`
    pub fn eq(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(&self.prop.ty);
        self.compare(CompareOp::Eq, v)
    }

    /// `field ne value`
    pub fn ne(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(&self.prop.ty);
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
            .map(|v| v.into().to_value(&self.prop.ty))
            .collect();
        Filter {
            expr: TypedExpr::In(In {
                operand: self.property(),
                set: InSet::Values(values),
            }),
            entity_type: Arc::clone(&self.entity_type),
        }
    }
}

impl<T: Ordered> Field<T> {
    /// `field gt value`
    pub fn gt(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(&self.prop.ty);
        self.compare(CompareOp::Gt, v)
    }
    /// `field ge value`
    pub fn ge(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(&self.prop.ty);
        self.compare(CompareOp::Ge, v)
    }
    /// `field lt value`
    pub fn lt(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(&self.prop.ty);
        self.compare(CompareOp::Lt, v)
    }
    /// `field le value`
    pub fn le(&self, value: impl Into<T>) -> Filter {
        let v = value.into().to_value(&self.prop.ty);
        self.compare(CompareOp::Le, v)
    }
}

impl Field<String> {
    fn string_call(&self, function: Function, arg: String) -> Filter {
        Filter {
            expr: TypedExpr::Call(Call {
                function,
                args: vec![
                    TypedExpr::Property(self.prop.clone()),
                    TypedExpr::Literal(Literal {
                        value: Value::String(arg),
                        ty: Some(EdmType::String),
                    }),
                ],
                ty: EdmType::Boolean,
            }),
            entity_type: Arc::clone(&self.entity_type),
        }
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

/// The types the validator gives a literal compared with a property of type `ty`, and the comparison's
/// operand type: integers keep their own width (`Edm.Int32` when they fit), other literals take `ty`.
fn literal_types(value: &Value, ty: &EdmType) -> (EdmType, EdmType) {
    match value {
        Value::Int(i) => {
            let natural = if i32::try_from(*i).is_ok() {
                EdmType::Int32
            } else {
                EdmType::Int64
            };
            let common = if natural == EdmType::Int64 || *ty == EdmType::Int64 {
                EdmType::Int64
            } else {
                EdmType::Int32
            };
            (natural, common)
        }
        _ => (ty.clone(), ty.clone()),
    }
}

/// A handle on a top-level collection property whose elements are `T`: `machineTags`.
#[derive(Clone, Debug)]
pub struct CollectionField<T> {
    prop: PropertyRef,
    elem: EdmType,
    entity_type: Arc<StructuredType>,
    _t: PhantomData<fn() -> T>,
}

impl<T: FieldType> CollectionField<T> {
    /// The handle on collection property `name` (exact case) of `set`'s entity type, if it exists and
    /// its elements fit `T`.
    ///
    /// ```
    /// use odata_filter::builder::CollectionField;
    /// let tags = CollectionField::<String>::new(odata_filter::schema::machines(), "machineTags").unwrap();
    /// assert_eq!(tags.any_eq("prod").to_string(), "machineTags/any(x: x eq 'prod')");
    /// ```
    pub fn new(set: &EntitySet, name: &str) -> Option<CollectionField<T>> {
        let entity_type = Arc::clone(set.entity_type());
        let id = entity_type.property_id(name)?;
        let p = entity_type.property(id)?;
        let elem = p.ty().element_type()?.clone();
        if !T::fits(&elem) {
            return None;
        }
        Some(CollectionField {
            prop: PropertyRef {
                base: Base::Root,
                start: Some(Arc::clone(&entity_type)),
                path: vec![id],
                ty: p.ty().clone(),
                nullable: p.is_nullable(),
            },
            elem,
            entity_type,
            _t: PhantomData,
        })
    }

    /// `collection/any(x: x eq value)`: some element equals `value`.
    pub fn any_eq(&self, value: impl Into<T>) -> Filter {
        let value = value.into().to_value(&self.elem);
        let (literal_ty, operand_ty) = literal_types(&value, &self.elem);
        // The builder never nests lambdas, so the variable is always the outermost one.
        let variable = VarId(0);
        let element = PropertyRef {
            base: Base::Variable(variable),
            start: self.elem.as_complex().cloned(),
            path: Vec::new(),
            ty: self.elem.clone(),
            nullable: false,
        };
        let predicate = TypedExpr::Compare(Compare {
            op: CompareOp::Eq,
            left: Box::new(TypedExpr::Property(element)),
            right: Box::new(TypedExpr::Literal(Literal {
                value,
                ty: Some(literal_ty),
            })),
            operand_type: Some(operand_ty),
        });
        Filter {
            expr: TypedExpr::Lambda(Lambda {
                kind: LambdaKind::Any,
                collection: self.prop.clone(),
                variable,
                name: "x".to_string(),
                predicate: Some(Box::new(predicate)),
            }),
            entity_type: Arc::clone(&self.entity_type),
        }
    }

    /// `collection/any()`: the collection is not empty.
    pub fn is_not_empty(&self) -> Filter {
        Filter {
            expr: TypedExpr::Lambda(Lambda {
                kind: LambdaKind::Any,
                collection: self.prop.clone(),
                variable: VarId(0),
                name: String::new(),
                predicate: None,
            }),
            entity_type: Arc::clone(&self.entity_type),
        }
    }
}

/// A Boolean filter built from field handles; combine with [`Filter::and`], [`Filter::or`],
/// [`Filter::not`] (or `!`). Grouping follows construction: `a.and(b.or(c))` prints
/// `a and (b or c)`. `Display` prints the normalized filter text.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    expr: TypedExpr,
    entity_type: Arc<StructuredType>,
}

impl Filter {
    fn logical(self, op: LogicalOp, other: Filter) -> Filter {
        Filter {
            expr: TypedExpr::Logical(Logical {
                op,
                left: Box::new(self.expr),
                right: Box::new(other.expr),
            }),
            entity_type: self.entity_type,
        }
    }

    /// `self and other`
    pub fn and(self, other: Filter) -> Filter {
        self.logical(LogicalOp::And, other)
    }

    /// `self or other`
    pub fn or(self, other: Filter) -> Filter {
        self.logical(LogicalOp::Or, other)
    }

    /// `not self`
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter {
            expr: TypedExpr::Not(Unary {
                operand: Box::new(self.expr),
            }),
            entity_type: self.entity_type,
        }
    }

    /// The typed filter (what validating the printed text gives).
    pub fn into_typed(self) -> TypedFilter {
        TypedFilter::new(self.expr, self.entity_type)
    }

    /// A query with this filter, to add paging and ordering to.
    pub fn query(self) -> QueryBuilder {
        QueryBuilder {
            filter: Some(self),
            ..QueryBuilder::default()
        }
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;
    fn not(self) -> Filter {
        Filter::not(self)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = crate::validate::expr_to_string(&self.expr, &self.entity_type);
        f.write_str(&text)
    }
}

/// A query string under construction: `$filter`, `$orderby`, `$top`, `$skip`.
#[derive(Clone, Debug, Default)]
pub struct QueryBuilder {
    filter: Option<Filter>,
    orderby: Vec<(String, bool)>,
    top: Option<u64>,
    skip: Option<u64>,
    select: Vec<String>,
    count: Option<bool>,
}

impl QueryBuilder {
    /// An empty query.
    pub fn new() -> Self {
        QueryBuilder::default()
    }

    /// Sets `$filter`.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Appends an ascending `$orderby` key.
    pub fn orderby_asc<T: FieldType>(mut self, field: Field<T>) -> Self {
        self.orderby.push((field.prop.path_text(), false));
        self
    }

    /// Appends a descending `$orderby` key.
    pub fn orderby_desc<T: FieldType>(mut self, field: Field<T>) -> Self {
        self.orderby.push((field.prop.path_text(), true));
        self
    }

    /// Sets `$top`.
    pub fn top(mut self, n: u64) -> Self {
        self.top = Some(n);
        self
    }

    /// Sets `$skip`.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// Appends a `$select` property.
    pub fn select<T: FieldType>(mut self, field: Field<T>) -> Self {
        self.select.push(field.prop.path_text());
        self
    }

    /// Sets `$count`.
    pub fn count(mut self, yes: bool) -> Self {
        self.count = Some(yes);
        self
    }

    /// The query, validated against `set` by the same validator a server uses: a `$top` above the
    /// set's cap, a property that is not filterable, a value too long for the parser's limits are
    /// errors here, not at the server.
    ///
    /// ```
    /// use odata_filter::builder::{machine_actions as ma, QueryBuilder};
    /// use odata_filter::schema::machine_actions;
    /// let q = QueryBuilder::new().filter(ma::requestor().eq("me")).top(2).count(true);
    /// assert_eq!(q.build(machine_actions()).unwrap().to_string(), q.to_query_string());
    /// assert!(QueryBuilder::new().top(20_000).build(machine_actions()).is_err());
    /// ```
    pub fn build(&self, set: &EntitySet) -> Result<crate::query::ValidatedQuery, crate::Errors> {
        crate::query::Query::from_query_string(&self.to_query_string(), set)
    }

    /// The URL-encoded query string, options in the order `$filter $orderby $select $top $skip $count`
    /// (the order of
    /// [`ValidatedQuery`](crate::query::ValidatedQuery)'s `Display`).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.filter {
            parts.push(format!("$filter={}", url_encode(&f.to_string())));
        }
        if !self.orderby.is_empty() {
            let keys: Vec<String> = self
                .orderby
                .iter()
                .map(|(k, desc)| {
                    if *desc {
                        format!("{k} desc")
                    } else {
                        k.clone()
                    }
                })
                .collect();
            parts.push(format!("$orderby={}", url_encode(&keys.join(","))));
        }
        if !self.select.is_empty() {
            parts.push(format!("$select={}", url_encode(&self.select.join(","))));
        }
        if let Some(top) = self.top {
            parts.push(format!("$top={top}"));
        }
        if let Some(skip) = self.skip {
            parts.push(format!("$skip={skip}"));
        }
        if let Some(count) = self.count {
            parts.push(format!("$count={count}"));
        }
        parts.join("&")
    }
}

macro_rules! mde_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// The member name in the schema.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant),)* }
            }
        }

        enum_field_type!($name);
    };
}

/// Makes an enum with a `name()` method (the member name in the schema) a field type of the builder; the
/// schema's enum type must have the same name as the Rust type.
macro_rules! enum_field_type {
    ($name:ident) => {
        impl FieldType for $name {
            fn fits(ty: &EdmType) -> bool {
                matches!(ty, EdmType::Enum(e) if e.name() == stringify!($name))
            }
            fn to_value(&self, ty: &EdmType) -> Value {
                match ty {
                    EdmType::Enum(e) => match EnumValue::from_member(e, self.name()) {
                        Some(v) => Value::Enum(v),
                        None => Value::Null,
                    },
                    _ => Value::Null,
                }
            }
        }
        impl Ordered for $name {}
    };
}

/// Field handles and enums of the MDE `MachineActions` entity set ([`crate::schema::machine_actions`]).
pub mod machine_actions {
    use super::*;
    use crate::schema::machine_actions as set;

    // The same enums as the typed records of `crate::model`: one Rust type per schema enum.
    pub use crate::model::{MachineActionStatus, MachineActionType};
    enum_field_type!(MachineActionType);
    enum_field_type!(MachineActionStatus);

    fn field<T: FieldType>(name: &str) -> Field<T> {
        Field::new(set(), name).expect("the built-in schema has this property with this type")
    }

    /// `id` (Edm.Guid)
    pub fn id() -> Field<Uuid> {
        field("id")
    }
    /// `type` (MachineActionType)
    pub fn type_() -> Field<MachineActionType> {
        field("type")
    }
    /// `status` (MachineActionStatus)
    pub fn status() -> Field<MachineActionStatus> {
        field("status")
    }
    /// `machineId` (Edm.String, nullable)
    pub fn machine_id() -> Field<String> {
        field("machineId")
    }
    /// `requestor` (Edm.String)
    pub fn requestor() -> Field<String> {
        field("requestor")
    }
    /// `creationDateTimeUtc` (Edm.DateTimeOffset)
    pub fn creation_date_time_utc() -> Field<DateTime<FixedOffset>> {
        field("creationDateTimeUtc")
    }
}

/// Field handles and enums of the MDE `Machines` entity set ([`crate::schema::machines`]).
///
/// ```
/// use odata_filter::builder::machines::{self, DeviceHealthStatus, DeviceRiskScore};
/// let f = machines::health_status()
///     .eq(DeviceHealthStatus::Active)
///     .and(machines::risk_score().ge(DeviceRiskScore::Medium))
///     .and(machines::machine_tags().any_eq("prod"));
/// assert_eq!(
///     f.to_string(),
///     "healthStatus eq 'Active' and riskScore ge 'Medium' and machineTags/any(x: x eq 'prod')"
/// );
/// ```
pub mod machines {
    use super::*;
    use crate::schema::machines as set;

    mde_enum! {
        /// `DeviceHealthStatus`
        DeviceHealthStatus {
            /// Reporting normally.
            Active,
            /// Stopped reporting.
            Inactive,
            /// Impaired communication.
            ImpairedCommunication,
            /// No sensor data.
            NoSensorData,
            /// No sensor data and impaired communication.
            NoSensorDataImpairedCommunication,
            /// Unknown.
            Unknown,
        }
    }

    mde_enum! {
        /// `DeviceRiskScore`
        DeviceRiskScore {
            /// No risk.
            None,
            /// Informational.
            Informational,
            /// Low.
            Low,
            /// Medium.
            Medium,
            /// High.
            High,
        }
    }

    mde_enum! {
        /// `ExposureLevel`
        ExposureLevel {
            /// No exposure.
            None,
            /// Low.
            Low,
            /// Medium.
            Medium,
            /// High.
            High,
        }
    }

    mde_enum! {
        /// `OnboardingStatus`
        OnboardingStatus {
            /// Onboarded.
            Onboarded,
            /// Can be onboarded.
            CanBeOnboarded,
            /// Unsupported.
            Unsupported,
            /// Not enough information.
            InsufficientInfo,
        }
    }

    mde_enum! {
        /// `DeviceValue`
        DeviceValue {
            /// Normal.
            Normal,
            /// Low.
            Low,
            /// High.
            High,
        }
    }

    fn field<T: FieldType>(name: &str) -> Field<T> {
        Field::new(set(), name).expect("the built-in schema has this property with this type")
    }

    /// `computerDnsName` (Edm.String)
    pub fn computer_dns_name() -> Field<String> {
        field("computerDnsName")
    }
    /// `id` (Edm.String: MDE machine ids are 40 hex characters)
    pub fn id() -> Field<String> {
        field("id")
    }
    /// `version` (Edm.String)
    pub fn version() -> Field<String> {
        field("version")
    }
    /// `deviceValue` (DeviceValue)
    pub fn device_value() -> Field<DeviceValue> {
        field("deviceValue")
    }
    /// `aadDeviceId` (Edm.Guid)
    pub fn aad_device_id() -> Field<Uuid> {
        field("aadDeviceId")
    }
    /// `machineTags` (Collection(Edm.String))
    pub fn machine_tags() -> CollectionField<String> {
        CollectionField::new(set(), "machineTags")
            .expect("the built-in schema has this property with this type")
    }
    /// `lastSeen` (Edm.DateTimeOffset)
    pub fn last_seen() -> Field<DateTime<FixedOffset>> {
        field("lastSeen")
    }
    /// `exposureLevel` (ExposureLevel)
    pub fn exposure_level() -> Field<ExposureLevel> {
        field("exposureLevel")
    }
    /// `onboardingStatus` (OnboardingStatus)
    pub fn onboarding_status() -> Field<OnboardingStatus> {
        field("onboardingStatus")
    }
    /// `lastIpAddress` (Edm.String)
    pub fn last_ip_address() -> Field<String> {
        field("lastIpAddress")
    }
    /// `healthStatus` (DeviceHealthStatus)
    pub fn health_status() -> Field<DeviceHealthStatus> {
        field("healthStatus")
    }
    /// `osPlatform` (Edm.String)
    pub fn os_platform() -> Field<String> {
        field("osPlatform")
    }
    /// `riskScore` (DeviceRiskScore)
    pub fn risk_score() -> Field<DeviceRiskScore> {
        field("riskScore")
    }
    /// `rbacGroupId` (Edm.Int64)
    pub fn rbac_group_id() -> Field<i64> {
        field("rbacGroupId")
    }
}

#[cfg(test)]
mod tests {
    use super::machine_actions::*;
    use super::*;
    use crate::schema::machine_actions as set;
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
        super::machine_actions::id().eq(id)
    }

    #[test]
    fn machines_handles_validate_back_to_the_same_tree() {
        use super::machines as m;
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
        let typed = validate_text(
            &text,
            crate::schema::machines(),
            &ValidateOptions::default(),
        )
        .unwrap();
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

    #[test]
    fn query_string_has_paging_and_ordering() {
        let qs = status()
            .eq(MachineActionStatus::Pending)
            .query()
            .orderby_asc(requestor())
            .orderby_desc(creation_date_time_utc())
            .top(5)
            .skip(10)
            .to_query_string();
        assert_eq!(
            qs,
            "$filter=status%20eq%20%27Pending%27&$orderby=requestor,creationDateTimeUtc%20desc&$top=5&$skip=10"
        );
    }
}
