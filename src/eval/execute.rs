//! Query execution: `$filter`, `$orderby`, `$skip`, `$top`, `$count` and `$select` over a slice of
//! records, producing the MDE response body.
//!
//! Records are never copied: the filter yields indices, ordering sorts `(key, index)` pairs — and
//! when only a page is wanted, it first partitions so that only the `skip + top` first are sorted —
//! and only the records of the page are serialized.
//!
//! Without `$orderby`, results are newest first by `creationDateTimeUtc`, ties by `id` (when the
//! entity type has those properties), as the service appears to order them. Without `$top`, at most
//! the entity set's page size (10,000 for MachineActions) is returned.
//!
//! ```
//! use odata_filter::query::Query;
//! use odata_filter::mde::machine_actions;
//! let q = Query::from_query_string(
//!     "$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'&$top=2",
//!     machine_actions(),
//! )
//! .unwrap();
//! let records = odata_filter::mde::sample::machine_actions(10_000, odata_filter::mde::sample::DEFAULT_SEED);
//! let result = q.execute(&records);
//! let ids: Vec<String> = result.page().iter().map(|&i| records[i].id.to_string()).collect();
//! assert_eq!(ids, ["69dc3630-1ccc-4342-acf3-35286eec741d", "2e9da30d-27f6-4208-81f2-9cd3d67893ba"]);
//! ```

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::eval::compile::CompiledFilter;
use crate::eval::interp;
use crate::eval::read::field_value;
use crate::eval::record::{Field, Record};
use crate::query::{SelectItem, ValidatedQuery};
use crate::schema::{EdmType, PropertyId, StructuredType};
use crate::semantics::scalar as sem;
use crate::semantics::values as ops;
use crate::validate::{Base, TypedExpr};
use crate::value::Value;

/// The service root the built-in context URLs use.
pub const MDE_SERVICE_ROOT: &str = "https://api.security.microsoft.com/api/";

/// The page size when `$top` is not given (MDE's maximum page size).
pub const DEFAULT_PAGE_SIZE: u64 = 10_000;

/// What a query selected: the matching count and the indices of the page's records, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryResult {
    matched: usize,
    page: Vec<usize>,
}

impl QueryResult {
    /// A result computed elsewhere (a SQL back end): `matched` records, the page's indices in order.
    pub fn new(matched: usize, page: Vec<usize>) -> Self {
        QueryResult { matched, page }
    }

    /// How many records matched `$filter` (before `$skip`/`$top`): the `@odata.count`.
    pub fn matched(&self) -> usize {
        self.matched
    }

    /// Indices (into the input slice) of the records of the page, in result order.
    pub fn page(&self) -> &[usize] {
        &self.page
    }
}

/// One sort key of one record: borrowed from the record where possible.
#[derive(Clone, Debug)]
enum SortValue<'r> {
    Null,
    Int(i64),
    Instant(i128),
    Guid(u128),
    Position(usize),
    Str(&'r str),
    Other(Value),
}

impl SortValue<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        use SortValue::*;
        match (self, other) {
            // Nulls first in ascending order (OData).
            (Null, Null) => Ordering::Equal,
            (Null, _) => Ordering::Less,
            (_, Null) => Ordering::Greater,
            (Int(a), Int(b)) => a.cmp(b),
            (Instant(a), Instant(b)) => a.cmp(b),
            (Guid(a), Guid(b)) => a.cmp(b),
            (Position(a), Position(b)) => a.cmp(b),
            (Str(a), Str(b)) => sem::cmp_str(a, b),
            (Other(a), Other(b)) => ops::order(a, b).unwrap_or(Ordering::Equal),
            _ => Ordering::Equal,
        }
    }
}

/// A compiled sort key.
struct KeyReader {
    /// The key's expression (`None` for a key of the default order, always `fast`).
    expr: Option<TypedExpr>,
    /// Set when the key is one top-level property of a type read without the interpreter.
    fast: Option<(usize, std::sync::Arc<str>, EdmType)>,
    descending: bool,
}

impl KeyReader {
    fn new(expr: &TypedExpr, descending: bool) -> Self {
        let fast = match expr {
            TypedExpr::Property(p) if p.base() == Base::Root && p.path().len() == 1 => {
                let mut steps = interp::steps(p);
                steps
                    .pop()
                    .map(|(index, name)| (index, name, p.ty().clone()))
            }
            _ => None,
        };
        KeyReader {
            expr: Some(expr.clone()),
            fast,
            descending,
        }
    }

    fn read<'r, R: Record + ?Sized>(&self, r: &'r R, now: &DateTime<FixedOffset>) -> SortValue<'r> {
        if let Some((index, name, ty)) = &self.fast {
            let f = r.field(*index, name);
            let fast = match (ty, f) {
                (_, Field::Null) => Some(SortValue::Null),
                (EdmType::DateTimeOffset, Field::DateTimeOffset(t)) => {
                    Some(SortValue::Instant(sem::instant_nanos(&t)))
                }
                (EdmType::Guid, Field::Guid(g)) => Some(SortValue::Guid(g.as_u128())),
                (EdmType::String, Field::Str(s)) => Some(SortValue::Str(s)),
                (EdmType::String, Field::Json(serde_json::Value::String(s))) => {
                    Some(SortValue::Str(s))
                }
                (t, Field::Int(i)) if t.is_integer() && ops::fits(i, t) => Some(SortValue::Int(i)),
                _ => None,
            };
            if let Some(v) = fast {
                return v;
            }
            return match field_value(f, ty) {
                Value::Null => SortValue::Null,
                Value::DateTimeOffset(t) => SortValue::Instant(sem::instant_nanos(&t)),
                Value::Guid(g) => SortValue::Guid(g.as_u128()),
                Value::Int(i) => SortValue::Int(i),
                Value::Enum(e) => e.position().map_or(SortValue::Null, SortValue::Position),
                other => SortValue::Other(other),
            };
        }
        let Some(expr) = &self.expr else {
            return SortValue::Null;
        };
        match interp::value_of(expr, r, now) {
            Value::Null => SortValue::Null,
            Value::Enum(e) => e.position().map_or(SortValue::Null, SortValue::Position),
            Value::DateTimeOffset(t) => SortValue::Instant(sem::instant_nanos(&t)),
            Value::Int(i) => SortValue::Int(i),
            other => SortValue::Other(other),
        }
    }
}

/// The entity set's default order (used without `$orderby`).
fn default_order(ty: &StructuredType, order: &[(PropertyId, bool)]) -> Vec<KeyReader> {
    let mut keys = Vec::new();
    for &(id, descending) in order {
        if let Some(p) = ty.property(id) {
            keys.push(KeyReader {
                expr: None,
                fast: Some((id.index(), std::sync::Arc::from(p.name()), p.ty().clone())),
                descending,
            });
        }
    }
    keys
}

impl ValidatedQuery {
    /// Runs the query over `records`: filter, order, skip, top. See the [module docs](self).
    pub fn execute<R: Record>(&self, records: &[R]) -> QueryResult {
        self.execute_with(records, self.filter().map(|f| f.compile()).as_ref())
    }

    /// [`ValidatedQuery::execute`] with an already compiled filter (`None`: every record matches).
    pub fn execute_with<R: Record>(
        &self,
        records: &[R],
        filter: Option<&CompiledFilter>,
    ) -> QueryResult {
        let now = filter.map_or_else(sem::now, |f| f.now());
        let matching: Vec<usize> = match filter {
            Some(f) => f.matching_indices(records),
            None => (0..records.len()).collect(),
        };
        let matched = matching.len();
        let keys: Vec<KeyReader> = if self.orderby().is_empty() {
            default_order(self.entity_type(), self.default_order())
        } else {
            self.orderby()
                .iter()
                .map(|k| KeyReader::new(k.expr(), k.descending()))
                .collect()
        };
        let skip = usize::try_from(self.skip().unwrap_or(0)).unwrap_or(usize::MAX);
        let top = usize::try_from(self.top().unwrap_or(DEFAULT_PAGE_SIZE)).unwrap_or(usize::MAX);
        let wanted = skip.saturating_add(top).min(matched);
        if wanted == 0 || skip >= matched {
            return QueryResult {
                matched,
                page: Vec::new(),
            };
        }
        // Keys in one flat array (`width` per matching record), rows as positions into it: no
        // allocation per record.
        let width = keys.len();
        let mut flat: Vec<SortValue<'_>> = Vec::with_capacity(matched.saturating_mul(width));
        for &i in &matching {
            flat.extend(keys.iter().map(|k| k.read(&records[i], &now)));
        }
        let mut rows: Vec<usize> = (0..matched).collect();
        let cmp = |a: &usize, b: &usize| {
            let (a, b) = (*a, *b);
            let ka = &flat[a * width..(a + 1) * width];
            let kb = &flat[b * width..(b + 1) * width];
            for (k, (x, y)) in keys.iter().zip(ka.iter().zip(kb.iter())) {
                let o = x.cmp(y);
                let o = if k.descending { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            // Input order breaks remaining ties (positions follow input order).
            a.cmp(&b)
        };
        if wanted < rows.len() {
            rows.select_nth_unstable_by(wanted - 1, cmp);
            rows.truncate(wanted);
        }
        rows.sort_unstable_by(cmp);
        QueryResult {
            matched,
            page: rows
                .into_iter()
                .skip(skip)
                .filter_map(|r| matching.get(r).copied())
                .collect(),
        }
    }

    /// The MDE response body for `records` as a JSON value: `@odata.context`, `@odata.count` (with
    /// `$count=true`) and `value` (the page, with `$select` applied). `entity_set` names the set in
    /// the context URL (`MachineActions`).
    ///
    /// ```
    /// use odata_filter::query::Query;
    /// use odata_filter::mde::machine_actions;
    /// let q = Query::from_query_string("$filter=status eq 'Failed'&$top=1&$count=true&$select=id,status",
    ///     machine_actions()).unwrap();
    /// let records = odata_filter::mde::sample::machine_actions(500, 3);
    /// let body = q.response(&records, "MachineActions");
    /// assert_eq!(body["@odata.context"], "https://api.security.microsoft.com/api/$metadata#MachineActions(id,status)");
    /// assert!(body["@odata.count"].as_u64().unwrap() > 1);
    /// assert_eq!(body["value"][0]["status"], "Failed");
    /// assert_eq!(body["value"][0].as_object().unwrap().len(), 2);
    /// ```
    pub fn response<R: Record + Serialize>(
        &self,
        records: &[R],
        entity_set: &str,
    ) -> serde_json::Value {
        let result = self.execute(records);
        self.response_for(records, &result, entity_set)
    }

    /// The response body for an already computed [`QueryResult`].
    pub fn response_for<R: Serialize>(
        &self,
        records: &[R],
        result: &QueryResult,
        entity_set: &str,
    ) -> serde_json::Value {
        let selected = self.selected_names();
        let mut context = format!("{MDE_SERVICE_ROOT}$metadata#{entity_set}");
        if let Some(names) = &selected {
            context.push('(');
            context.push_str(&names.join(","));
            context.push(')');
        }
        let mut body = serde_json::Map::new();
        body.insert("@odata.context".into(), context.into());
        if self.count() == Some(true) {
            body.insert("@odata.count".into(), result.matched().into());
        }
        let value: Vec<serde_json::Value> = result
            .page()
            .iter()
            .filter_map(|&i| records.get(i))
            .map(|r| {
                let full = serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
                match (&selected, full) {
                    (Some(names), serde_json::Value::Object(mut obj)) => {
                        let mut out = serde_json::Map::new();
                        for n in names {
                            out.insert(
                                n.clone(),
                                obj.remove(n.as_str()).unwrap_or(serde_json::Value::Null),
                            );
                        }
                        serde_json::Value::Object(out)
                    }
                    (_, full) => full,
                }
            })
            .collect();
        body.insert("value".into(), value.into());
        serde_json::Value::Object(body)
    }

    /// The `$select`ed property names in schema order, `None` for all properties.
    fn selected_names(&self) -> Option<Vec<String>> {
        let items = self.select()?;
        if items.iter().any(|i| matches!(i, SelectItem::All)) {
            return None;
        }
        let ty = self.entity_type();
        let mut ids: Vec<usize> = items
            .iter()
            .filter_map(|i| match i {
                SelectItem::Property(id) => Some(id.index()),
                SelectItem::All => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Some(
            ids.into_iter()
                .filter_map(|i| ty.properties().get(i).map(|p| p.name().to_string()))
                .collect(),
        )
    }
}
