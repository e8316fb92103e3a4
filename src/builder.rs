//! A typed filter builder for clients: field handles carry their Rust value type, so a string property
//! cannot be compared with a date-time, and the result is a [`TypedFilter`] that prints as a valid query.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use odata_filter::mde::handles::machine_actions::{self, MachineActionStatus, MachineActionType};
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
//!     .query()?
//!     .orderby_desc(machine_actions::creation_date_time_utc())
//!     .top(10)?
//!     .to_query_string();
//! assert!(qs.starts_with("$filter=status%20eq%20%27Succeeded%27"));
//! assert!(qs.ends_with("&$orderby=creationDateTimeUtc%20desc&$top=10"));
//!
//! // What the service would refuse is refused here, as the same error.
//! let too_many = machine_actions::status().eq(MachineActionStatus::Pending).query()?.top(20_000);
//! assert_eq!(too_many.unwrap_err().kind(), odata_filter::ErrorKind::TopLimitExceeded);
//! # Ok::<(), odata_filter::Error>(())
//! ```
//!
//! Comparing a field with a value of another type does not compile:
//!
//! ```compile_fail
//! use odata_filter::mde::handles::machine_actions;
//! let f = machine_actions::requestor().eq(chrono::Utc::now());
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::ast::{Function, LambdaKind, Span};
use crate::error::{Error, ErrorKind, Reason};
use crate::options::QueryString;
use crate::schema::{EdmType, EntitySet, PropertyId, StructuredType};
use crate::validate::{
    CompareOp, InvalidNode, LogicalOp, PropertyRef, TypedExpr, TypedFilter, VarId,
};
use crate::value::{EnumValue, Uuid, Value};

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

/// What the builder needs to know of the entity set a handle came from: its name and `$top` cap.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SetFacts {
    name: Arc<str>,
    top_cap: Option<u64>,
}

impl SetFacts {
    fn of(set: &EntitySet) -> Arc<SetFacts> {
        Arc::new(SetFacts {
            name: set.name().into(),
            top_cap: set.top_cap(),
        })
    }
}

/// A handle on one top-level filterable property whose values are `T`.
#[derive(Clone, Debug)]
pub struct Handle<T> {
    prop: PropertyRef,
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
        self.filter(TypedExpr::call(function, args, EdmType::Boolean))
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

/// A node from a checked constructor. The handles' types make a refusal impossible (unless a
/// [`FieldType`] implementation breaks its contract).
fn built<T>(node: Result<T, InvalidNode>) -> T {
    node.unwrap_or_else(|e| panic!("the typed builder built an invalid node: {e}"))
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

/// A Boolean filter built from field handles; combine with [`Filter::and`], [`Filter::or`],
/// [`Filter::not`] (or `!`). Grouping follows construction: `a.and(b.or(c))` prints
/// `a and (b or c)`. `Display` prints the normalized filter text.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    expr: TypedExpr,
    entity_type: Arc<StructuredType>,
    set: Arc<SetFacts>,
}

impl Filter {
    fn logical(self, op: LogicalOp, other: Filter) -> Filter {
        Filter {
            expr: built(TypedExpr::logical(op, vec![self.expr, other.expr])),
            entity_type: self.entity_type,
            set: self.set,
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
            expr: built(TypedExpr::not(self.expr)),
            entity_type: self.entity_type,
            set: self.set,
        }
    }

    /// The typed filter (what validating the printed text gives).
    pub fn into_typed(self) -> TypedFilter {
        TypedFilter::new(self.expr, self.entity_type)
    }

    /// A query with this filter, to add paging and ordering to; the entity set the filter's handles
    /// come from is the query's (its `$top` cap applies). A filter too large for the parser's default
    /// [`Limits`](crate::Limits) (longer than 8 KiB printed, too many nodes or list items) is refused, as
    /// [`QueryBuilder::filter`] refuses it.
    pub fn query(self) -> Result<QueryBuilder, Error> {
        QueryBuilder::new().filter(self)
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

/// A query string under construction: `$filter`, `$orderby`, `$top`, `$skip`, `$select`, `$count`.
///
/// What the service would refuse is refused when it is set, with the error the service's validator
/// gives: [`QueryBuilder::top`] above the entity set's cap, [`QueryBuilder::filter`] too large for the
/// parser's limits.
#[derive(Clone, Debug, Default)]
pub struct QueryBuilder {
    filter: Option<Filter>,
    orderby: Vec<(String, bool)>,
    top: Option<u64>,
    skip: Option<u64>,
    select: Vec<String>,
    count: Option<bool>,
    set: Option<Arc<SetFacts>>,
}

impl QueryBuilder {
    /// An empty query; its entity set (and `$top` cap) is that of the first filter given, unless
    /// [`QueryBuilder::for_set`] names it.
    pub fn new() -> Self {
        QueryBuilder::default()
    }

    /// An empty query over `set`: [`QueryBuilder::top`] checks its cap.
    ///
    /// ```
    /// use odata_filter::builder::QueryBuilder;
    /// let q = QueryBuilder::for_set(odata_filter::mde::machine_actions());
    /// let err = q.top(10_001).unwrap_err();
    /// assert_eq!(err.exceeded().map(|x| (x.limit, x.value)), Some((10_000, 10_001)));
    /// ```
    pub fn for_set(set: &EntitySet) -> Self {
        QueryBuilder {
            set: Some(SetFacts::of(set)),
            ..QueryBuilder::default()
        }
    }

    /// Sets `$filter`. The filter's printed text must fit the parser's default
    /// [`Limits`](crate::Limits) (8 KiB, 1,000 nodes, 10,000 items in a list), as a server reading it
    /// requires; a value too long for them is refused with the parser's [`ErrorKind::LimitExceeded`]
    /// error. The filter's entity set becomes the query's if it had none; a `$top` already set is
    /// checked against its cap.
    ///
    /// ```
    /// use odata_filter::{builder::QueryBuilder, mde::handles::machine_actions as ma, ErrorKind};
    /// let long = "x".repeat(9_000);
    /// let err = QueryBuilder::new().filter(ma::requestor().eq(long)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    /// ```
    pub fn filter(mut self, filter: Filter) -> Result<Self, Error> {
        let text = filter.to_string();
        crate::Parser::new().parse(&text)?;
        if self.set.is_none() {
            self.set = Some(Arc::clone(&filter.set));
            if let Some(top) = self.top {
                check_top(top, self.set.as_deref())?;
            }
        }
        self.filter = Some(filter);
        Ok(self)
    }

    /// Appends an ascending `$orderby` key.
    pub fn orderby_asc<T: FieldType>(mut self, field: Handle<T>) -> Self {
        self.orderby.push((field.prop.path_text(), false));
        self
    }

    /// Appends a descending `$orderby` key.
    pub fn orderby_desc<T: FieldType>(mut self, field: Handle<T>) -> Self {
        self.orderby.push((field.prop.path_text(), true));
        self
    }

    /// Sets `$top`: at most the entity set's cap (when the query's entity set is known, from
    /// [`QueryBuilder::for_set`] or the filter), else [`ErrorKind::TopLimitExceeded`] with
    /// [`Reason::TopAboveCap`], the error a server gives; without a known set, at most `i64::MAX`.
    pub fn top(mut self, n: u64) -> Result<Self, Error> {
        check_top(n, self.set.as_deref())?;
        self.top = Some(n);
        Ok(self)
    }

    /// Sets `$skip`.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// Appends a `$select` property.
    pub fn select<T: FieldType>(mut self, field: Handle<T>) -> Self {
        self.select.push(field.prop.path_text());
        self
    }

    /// Sets `$count`.
    pub fn count(mut self, yes: bool) -> Self {
        self.count = Some(yes);
        self
    }

    /// The query, validated against `set` by the same validator a server uses (for a query built
    /// without knowing its set, this is where the cap of `set` is checked).
    ///
    /// ```
    /// use odata_filter::builder::QueryBuilder;
    /// use odata_filter::mde::handles::machine_actions as ma;
    /// use odata_filter::mde::machine_actions;
    /// let q = QueryBuilder::new().filter(ma::requestor().eq("me"))?.top(2)?.count(true);
    /// assert_eq!(q.build(machine_actions()).unwrap().to_string(), q.to_query_string());
    /// assert!(QueryBuilder::new().top(20_000)?.build(machine_actions()).is_err());
    /// # Ok::<(), odata_filter::Error>(())
    /// ```
    pub fn build(&self, set: &EntitySet) -> Result<crate::query::ValidatedQuery, crate::Errors> {
        crate::query::Query::from_query_string(&self.to_query_string(), set)
    }

    /// The URL-encoded query string, options in the order `$filter $orderby $select $top $skip $count`
    /// (the order of
    /// [`ValidatedQuery`](crate::query::ValidatedQuery)'s `Display`).
    pub fn to_query_string(&self) -> String {
        QueryString {
            filter: self.filter.as_ref().map(|f| f.to_string()),
            orderby: self.orderby.clone(),
            select: (!self.select.is_empty())
                .then(|| self.select.iter().map(String::as_str).collect()),
            top: self.top,
            skip: self.skip,
            count: self.count,
            ..QueryString::default()
        }
        .to_string()
    }
}

/// `$top=n` is within the cap of `set` (when known) and is a value the query string accepts.
fn check_top(n: u64, set: Option<&SetFacts>) -> Result<(), Error> {
    let source = format!("$top={n}");
    let span = Span::new("$top=".len(), source.len());
    match set.and_then(|s| s.top_cap) {
        Some(cap) if n > cap => Err(Error::for_reason(
            ErrorKind::TopLimitExceeded,
            span,
            Reason::TopAboveCap { cap, top: n },
            source,
        )),
        // The query string's own reading of the value (an integer up to `i64::MAX`).
        _ => crate::options::QueryOptions::parse(&source)
            .map(drop)
            .map_err(|e| e.into_vec().swap_remove(0)),
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

    #[test]
    fn query_string_has_paging_and_ordering() {
        let qs = status()
            .eq(MachineActionStatus::Pending)
            .query()
            .unwrap()
            .orderby_asc(requestor())
            .orderby_desc(creation_date_time_utc())
            .top(5)
            .unwrap()
            .skip(10)
            .to_query_string();
        assert_eq!(
            qs,
            "$filter=status%20eq%20%27Pending%27&$orderby=requestor,creationDateTimeUtc%20desc&$top=5&$skip=10"
        );
    }

    #[test]
    fn top_is_checked_against_the_cap_when_set() {
        let pending = || status().eq(MachineActionStatus::Pending);
        assert!(pending().query().unwrap().top(10_000).is_ok());
        let e = pending().query().unwrap().top(10_001).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TopLimitExceeded);
        assert_eq!(
            e.reason(),
            Some(&Reason::TopAboveCap {
                cap: 10_000,
                top: 10_001
            })
        );
        assert_eq!(e.source_text(), "$top=10001");
        assert_eq!(e.span(), Span::new(5, 10));
        // The same refusal as the server's, whatever order the parts are given in.
        let server = crate::query::Query::from_query_string("$top=10001", set()).unwrap_err();
        assert_eq!(server.as_slice()[0].reason(), e.reason());
        let late = QueryBuilder::new().top(10_001).unwrap().filter(pending());
        assert_eq!(late.unwrap_err().kind(), ErrorKind::TopLimitExceeded);
        // Without a set: only what the query string itself refuses.
        assert!(QueryBuilder::new().top(20_000).is_ok());
        let huge = QueryBuilder::new().top(u64::MAX).unwrap_err();
        assert_eq!(huge.kind(), ErrorKind::InvalidQueryOptionValue);
        let machines = QueryBuilder::for_set(crate::mde::machines());
        assert_eq!(
            machines
                .top(10_001)
                .unwrap_err()
                .exceeded()
                .map(|x| x.limit),
            Some(10_000)
        );
    }

    #[test]
    fn values_too_long_for_the_limits_are_refused() {
        let limit = crate::Limits::default().max_length;
        // `requestor eq '…'`: 15 bytes around the value.
        let fits = "x".repeat(limit - 15);
        let q = requestor().eq(fits.as_str()).query().unwrap();
        assert!(q.build(set()).is_ok());
        let e = requestor().eq(format!("{fits}x")).query().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        assert!(e.message().contains(&format!("{}", limit + 1)), "{e}");
        // A quote is doubled when printed: the printed length is what counts.
        let quotes = "'".repeat(limit / 2);
        assert!(requestor().eq(quotes).query().is_err());
        // Too many list items.
        let many = type_().is_in(vec![MachineActionType::Isolate; 10_001]);
        assert_eq!(many.query().unwrap_err().kind(), ErrorKind::LimitExceeded);
    }
}
