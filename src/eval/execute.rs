//! Query execution: `$filter`, `$orderby`, `$skip`, `$top`, `$count` and `$select` over a slice of
//! records, producing the response body (see the [`eval`](crate::eval) module docs).
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
//! let ids: Vec<String> = result.page().iter().map(|r| r.id.to_string()).collect();
//! assert_eq!(ids, ["69dc3630-1ccc-4342-acf3-35286eec741d", "2e9da30d-27f6-4208-81f2-9cd3d67893ba"]);
//! ```

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

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

/// The page size when neither `$top` nor the entity set's `$top` cap is given.
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 10_000;

/// What a query selected: how many records matched `$filter` and the records of the page, in
/// result order (`T` is `&R` for [`ValidatedQuery::execute`], `R` for [`ValidatedQuery::execute_iter`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryResult<T> {
    matched: usize,
    page: Vec<T>,
}

impl<T> QueryResult<T> {
    /// A result from its parts: `matched` records matched, `page` is the page in result order.
    pub(crate) fn new(matched: usize, page: Vec<T>) -> Self {
        QueryResult { matched, page }
    }

    /// How many records matched `$filter` (before `$skip`/`$top`): the `@odata.count`.
    pub fn matched(&self) -> usize {
        self.matched
    }

    /// The records of the page, in result order.
    pub fn page(&self) -> &[T] {
        &self.page
    }

    /// The records of the page, owned.
    pub fn into_page(self) -> Vec<T> {
        self.page
    }
}

/// One sort key of one record: borrowed from the record where possible.
#[derive(Clone, Debug)]
pub(crate) enum SortValue<'r> {
    Null,
    Int(i64),
    Instant(i128),
    Guid(u128),
    Position(usize),
    Str(Cow<'r, str>),
    Other(Value),
}

impl SortValue<'_> {
    /// The same key, owning its text (to outlive the record it was read from).
    pub(crate) fn into_owned(self) -> SortValue<'static> {
        match self {
            SortValue::Null => SortValue::Null,
            SortValue::Int(i) => SortValue::Int(i),
            SortValue::Instant(t) => SortValue::Instant(t),
            SortValue::Guid(g) => SortValue::Guid(g),
            SortValue::Position(p) => SortValue::Position(p),
            SortValue::Str(s) => SortValue::Str(Cow::Owned(s.into_owned())),
            SortValue::Other(v) => SortValue::Other(v),
        }
    }

    fn cmp(&self, other: &SortValue<'_>) -> Ordering {
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
                (EdmType::String, Field::Str(s)) => Some(SortValue::Str(Cow::Borrowed(s))),
                (EdmType::String, Field::Json(serde_json::Value::String(s))) => {
                    Some(SortValue::Str(Cow::Borrowed(s.as_str())))
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

/// The order of a query's results: its sort keys (`$orderby`, else the default order) and the
/// instant `now()` stands for.
pub(crate) struct OrderKeys {
    keys: Vec<KeyReader>,
    descending: Arc<[bool]>,
    now: DateTime<FixedOffset>,
}

impl OrderKeys {
    pub(crate) fn new(query: &ValidatedQuery, now: DateTime<FixedOffset>) -> Self {
        let keys: Vec<KeyReader> = if query.orderby().is_empty() {
            default_order(query.entity_type(), query.default_order())
        } else {
            query
                .orderby()
                .iter()
                .map(|k| KeyReader::new(k.expr(), k.descending()))
                .collect()
        };
        let descending = keys.iter().map(|k| k.descending).collect();
        OrderKeys {
            keys,
            descending,
            now,
        }
    }

    /// Appends the keys of `r` to `out`.
    pub(crate) fn read_into<'r, R: Record + ?Sized>(&self, r: &'r R, out: &mut Vec<SortValue<'r>>) {
        out.extend(self.keys.iter().map(|k| k.read(r, &self.now)));
    }

    fn width(&self) -> usize {
        self.keys.len()
    }
}

/// Result order of two rows: their keys (most significant first), then their input positions.
fn cmp_rows(
    descending: &[bool],
    (ka, sa): (&[SortValue<'_>], u64),
    (kb, sb): (&[SortValue<'_>], u64),
) -> Ordering {
    for (desc, (x, y)) in descending.iter().zip(ka.iter().zip(kb.iter())) {
        let o = x.cmp(y);
        let o = if *desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    sa.cmp(&sb)
}

/// One candidate of a [`TopK`]: its keys, its input position and the item.
struct Entry<T> {
    keys: Box<[SortValue<'static>]>,
    seq: u64,
    descending: Arc<[bool]>,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_rows(
            &self.descending,
            (&self.keys, self.seq),
            (&other.keys, other.seq),
        )
    }
}

/// The first `k` rows in result order seen so far: a bounded max-heap whose top is the last row
/// kept, so a row that cannot enter costs one comparison and no allocation.
pub(crate) struct TopK<T> {
    k: usize,
    descending: Arc<[bool]>,
    heap: BinaryHeap<Entry<T>>,
}

impl<T> TopK<T> {
    pub(crate) fn new(order: &OrderKeys, k: usize) -> Self {
        TopK {
            k,
            descending: order.descending.clone(),
            heap: BinaryHeap::new(),
        }
    }

    /// True when a row with these keys and input position would be kept.
    pub(crate) fn admits(&self, keys: &[SortValue<'_>], seq: u64) -> bool {
        if self.heap.len() < self.k {
            return true;
        }
        match self.heap.peek() {
            Some(last) => cmp_rows(&self.descending, (keys, seq), (&last.keys, last.seq)).is_lt(),
            None => false,
        }
    }

    /// Offers a row; `item` is made only when the row is kept.
    pub(crate) fn offer(&mut self, keys: &[SortValue<'_>], seq: u64, item: impl FnOnce() -> T) {
        if !self.admits(keys, seq) {
            return;
        }
        if self.heap.len() == self.k {
            self.heap.pop();
        }
        self.heap.push(Entry {
            keys: keys.iter().cloned().map(SortValue::into_owned).collect(),
            seq,
            descending: self.descending.clone(),
            item: item(),
        });
    }

    /// Rows kept now.
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }

    /// Adds the rows of `other` (the same order and `k`).
    pub(crate) fn merge(&mut self, other: TopK<T>) {
        for e in other.heap {
            if self.heap.len() < self.k {
                self.heap.push(e);
            } else if self.heap.peek().is_some_and(|last| e < *last) {
                self.heap.pop();
                self.heap.push(e);
            }
        }
    }

    /// The rows in result order, the first `skip` dropped.
    pub(crate) fn into_page(self, skip: usize) -> Vec<T> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .skip(skip)
            .map(|e| e.item)
            .collect()
    }
}

impl ValidatedQuery {
    /// `$skip` and the page size: `$top`, else the entity set's page size (its `$top` cap, else
    /// [`DEFAULT_PAGE_SIZE`]).
    pub(crate) fn skip_and_page_size(&self) -> (usize, usize) {
        let skip = usize::try_from(self.skip().unwrap_or(0)).unwrap_or(usize::MAX);
        let page = self.top().or(self.page_size()).unwrap_or(DEFAULT_PAGE_SIZE);
        let top = usize::try_from(page).unwrap_or(usize::MAX);
        (skip, top)
    }

    /// Runs the query over `records`: filter, order, skip, top. See the [`eval`](crate::eval) module docs.
    pub fn execute<'r, R: Record>(&self, records: &'r [R]) -> QueryResult<&'r R> {
        self.execute_with(records, self.filter().map(|f| f.compile()).as_ref())
    }

    /// [`ValidatedQuery::execute`] with an already compiled filter (`None`: every record matches).
    pub fn execute_with<'r, R: Record>(
        &self,
        records: &'r [R],
        filter: Option<&CompiledFilter>,
    ) -> QueryResult<&'r R> {
        let now = filter.map_or_else(sem::now, |f| f.now());
        let matching: Vec<usize> = match filter {
            Some(f) => f.matching_indices(records),
            None => (0..records.len()).collect(),
        };
        let matched = matching.len();
        let order = OrderKeys::new(self, now);
        let (skip, top) = self.skip_and_page_size();
        let wanted = skip.saturating_add(top).min(matched);
        if wanted == 0 || skip >= matched {
            return QueryResult::new(matched, Vec::new());
        }
        // Keys in one flat array (`width` per matching record), rows as positions into it: no
        // allocation per record.
        let width = order.width();
        let mut flat: Vec<SortValue<'_>> = Vec::with_capacity(matched.saturating_mul(width));
        for &i in &matching {
            order.read_into(&records[i], &mut flat);
        }
        let mut rows: Vec<usize> = (0..matched).collect();
        let cmp = |a: &usize, b: &usize| {
            let (a, b) = (*a, *b);
            cmp_rows(
                &order.descending,
                (&flat[a * width..(a + 1) * width], a as u64),
                (&flat[b * width..(b + 1) * width], b as u64),
            )
        };
        if wanted < rows.len() {
            rows.select_nth_unstable_by(wanted - 1, cmp);
            rows.truncate(wanted);
        }
        rows.sort_unstable_by(cmp);
        let page = rows
            .into_iter()
            .skip(skip)
            .filter_map(|r| matching.get(r).and_then(|&i| records.get(i)))
            .collect();
        QueryResult::new(matched, page)
    }

    /// Runs the query over records one at a time, keeping only the page (`$skip + $top` records)
    /// in a bounded top-k: memory does not grow with the input. The result is the one
    /// [`ValidatedQuery::execute`] gives on the same records collected.
    ///
    /// ```
    /// use odata_filter::query::Query;
    /// use odata_filter::mde::machine_actions;
    /// let q = Query::from_query_string("$filter=status eq 'Failed'&$top=3&$count=true", machine_actions()).unwrap();
    /// let streamed = q.execute_iter(odata_filter::mde::sample::Generator::new(5).take(20_000));
    /// let records = odata_filter::mde::sample::machine_actions(20_000, 5);
    /// let in_memory = q.execute(&records);
    /// assert_eq!(streamed.matched(), in_memory.matched());
    /// assert_eq!(streamed.page().iter().collect::<Vec<_>>(), in_memory.page().to_vec());
    /// ```
    pub fn execute_iter<R: Record, I: IntoIterator<Item = R>>(&self, records: I) -> QueryResult<R> {
        const BATCH: usize = 1024;
        let filter = self.filter().map(|f| f.compile());
        let now = filter.as_ref().map_or_else(sem::now, |f| f.now());
        let order = OrderKeys::new(self, now);
        let (skip, top) = self.skip_and_page_size();
        let mut best = TopK::new(&order, skip.saturating_add(top));
        let mut matched = 0;
        let mut seq = 0u64;
        let mut batch: Vec<R> = Vec::with_capacity(BATCH);
        let mut hits: Vec<usize> = Vec::with_capacity(BATCH);
        let mut keys: Vec<SortValue<'static>> = Vec::new();
        let mut iter = records.into_iter();
        loop {
            batch.extend(iter.by_ref().take(BATCH));
            if batch.is_empty() {
                break;
            }
            hits.clear();
            match &filter {
                Some(f) => f.for_each_match(&batch, |i| hits.push(i)),
                None => hits.extend(0..batch.len()),
            }
            matched += hits.len();
            let mut next_hit = hits.iter().copied().peekable();
            for (i, r) in batch.drain(..).enumerate() {
                let s = seq + i as u64;
                if next_hit.peek() != Some(&i) {
                    continue;
                }
                next_hit.next();
                // Owned keys (string keys copied), so that the record can move into the top-k.
                keys.clear();
                keys.extend(
                    order
                        .keys
                        .iter()
                        .map(|k| k.read(&r, &order.now).into_owned()),
                );
                best.offer(&keys, s, || r);
            }
            seq += BATCH as u64;
        }
        QueryResult::new(matched, best.into_page(skip))
    }

    /// The MDE response body for `records` as a JSON value: `@odata.context`, `@odata.count` (with
    /// `$count=true`), `value` (the page, with `$select` applied) and, without `$top` when more
    /// records match than fit in one page, `@odata.nextLink`.
    ///
    /// ```
    /// use odata_filter::query::Query;
    /// use odata_filter::mde::machine_actions;
    /// let q = Query::from_query_string("$filter=status eq 'Failed'&$top=1&$count=true&$select=id,status",
    ///     machine_actions()).unwrap();
    /// let records = odata_filter::mde::sample::machine_actions(500, 3);
    /// let body = q.response(&records);
    /// assert_eq!(body["@odata.context"], "https://api.security.microsoft.com/api/$metadata#MachineActions(id,status)");
    /// assert!(body["@odata.count"].as_u64().unwrap() > 1);
    /// assert_eq!(body["value"][0]["status"], "Failed");
    /// assert_eq!(body["value"][0].as_object().unwrap().len(), 2);
    /// ```
    pub fn response<R: Record + Serialize>(&self, records: &[R]) -> serde_json::Value {
        self.response_for(&self.execute(records))
    }

    /// The response body for an already computed [`QueryResult`].
    pub fn response_for<T: Serialize>(&self, result: &QueryResult<T>) -> serde_json::Value {
        let page = result
            .page()
            .iter()
            .map(|r| serde_json::to_value(r).unwrap_or(serde_json::Value::Null));
        self.response_with(result.matched(), page)
    }

    /// The response body for `matched` records whose page is `page` (each record as JSON).
    pub fn response_with(
        &self,
        matched: usize,
        page: impl IntoIterator<Item = serde_json::Value>,
    ) -> serde_json::Value {
        let selected = self.selected_names();
        let mut context = format!(
            "{}$metadata#{}",
            self.service_root(),
            self.entity_set_name()
        );
        if let Some(names) = &selected {
            context.push('(');
            context.push_str(&names.join(","));
            context.push(')');
        }
        let mut body = serde_json::Map::new();
        body.insert("@odata.context".into(), context.into());
        if self.count() == Some(true) {
            body.insert("@odata.count".into(), matched.into());
        }
        let value: Vec<serde_json::Value> = page
            .into_iter()
            .map(|full| match (&selected, full) {
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
            })
            .collect();
        body.insert("value".into(), value.into());
        if let Some(link) = self.next_link(matched) {
            body.insert("@odata.nextLink".into(), link.into());
        }
        serde_json::Value::Object(body)
    }

    /// The `@odata.nextLink` of a response where `matched` records matched: without `$top`, when
    /// records remain after this page, the request URL (on [`ValidatedQuery::service_root`]) with
    /// `$skip` advanced by the page size and every other option kept. With `$top`, none (as MDE).
    ///
    /// ```
    /// use odata_filter::query::Query;
    /// use odata_filter::mde::machine_actions;
    /// let q = Query::from_query_string("$filter=status eq 'Failed'&$count=true", machine_actions()).unwrap();
    /// assert_eq!(q.next_link(10_000), None);
    /// assert_eq!(q.next_link(10_001).unwrap(),
    ///     "https://api.security.microsoft.com/api/machineactions?$filter=status%20eq%20%27Failed%27&$skip=10000&$count=true");
    /// ```
    pub fn next_link(&self, matched: usize) -> Option<String> {
        if self.top().is_some() {
            return None;
        }
        let (skip, page) = self.skip_and_page_size();
        let next = skip.saturating_add(page);
        if matched <= next {
            return None;
        }
        let next = self.clone().with_skip(next as u64);
        Some(format!(
            "{}{}?{next}",
            self.service_root(),
            self.entity_set_name().to_ascii_lowercase()
        ))
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
